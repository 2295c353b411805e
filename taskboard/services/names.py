"""Matching what people type against names: `taskboard.domain.names`, where the rule lives."""

from __future__ import annotations

from taskboard.domain.names import closest as closest
from taskboard.domain.names import did_you_mean as did_you_mean
from taskboard.domain.names import match_name as match_name
