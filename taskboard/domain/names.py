"""Matching what people type against names (columns, templates, handles): exact, else a unique
prefix; and the names a typo most likely meant.

Only the standard library and the domain's errors: the board's capture preview and the
plain read path (`taskboard.store.plain_reads`) use it without SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import get_close_matches

from taskboard.domain.errors import AmbiguousError, NotFoundError


def match_name(names: Sequence[str], typed: str, what: str, shown: str | None = None) -> int:
    """Index of the exact (case-insensitive) or unique-prefix match of `typed` in `names`."""
    shown = shown or typed
    wanted = typed.replace("_", " ").strip().casefold()
    lowered = [n.casefold() for n in names]
    if wanted in lowered:
        return lowered.index(wanted)
    hits = [i for i, n in enumerate(lowered) if n.startswith(wanted)] if wanted else []
    if not hits:
        raise NotFoundError(f"unknown {what} '{shown}' (have: {', '.join(names)})")
    if len(hits) > 1:
        raise AmbiguousError(f"ambiguous {what} '{shown}': {', '.join(names[i] for i in hits)}")
    return hits[0]


def closest(typed: str, names: Sequence[str], count: int = 3) -> list[str]:
    """The names that look most like `typed` (a typo's likely meaning), best first."""
    wanted = typed.casefold()
    lowered = {n.casefold(): n for n in names}
    return [lowered[n] for n in get_close_matches(wanted, list(lowered), count, 0.6)]


def did_you_mean(typed: str, names: Sequence[str], marker: str = "@") -> str:
    """` — did you mean @jonas?` for a mistyped name, or "" when nothing is close."""
    near = closest(typed, names)
    return f" — did you mean {' or '.join(marker + n for n in near)}?" if near else ""
