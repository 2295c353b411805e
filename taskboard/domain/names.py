"""Matching what people type against names (columns, templates): exact, else a unique prefix.

Only the standard library and the domain's errors: the board's capture preview and the
plain read path (`taskboard.store.plain_reads`) use it without SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Sequence

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
