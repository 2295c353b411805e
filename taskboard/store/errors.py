"""Errors the store raises; the CLI and the UI turn them into one clear message."""

from __future__ import annotations


class StoreError(Exception):
    """The store cannot be opened or used; the message says why and what to do."""


class SchemaTooNewError(StoreError):
    """The store was migrated by a newer taskboard than this one."""
