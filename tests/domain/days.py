"""The fixed days the domain tests reason about: the week of Monday 23 November 2026."""

from __future__ import annotations

from datetime import date

MONDAY = date(2026, 11, 23)
FRIDAY = date(2026, 11, 27)
SATURDAY = date(2026, 11, 28)
SUNDAY = date(2026, 11, 29)
