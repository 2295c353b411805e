"""Template steps: offsets like `+5d` or `-1d`, step lines, and expansion against an anchor date."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from taskboard.domain.capture import scan_tokens
from taskboard.domain.text import excerpt

__all__ = [
    "StepSpec",
    "TemplateError",
    "due_dates",
    "format_offset",
    "parse_offset",
    "parse_step_line",
]

_OFFSET = re.compile(r"([+-]?)(\d{1,4})([dw])", re.ASCII | re.IGNORECASE)
_MAX_DAYS = 3660


class TemplateError(ValueError):
    """A step or offset that cannot be read; the message quotes the bad part."""


@dataclass(frozen=True, slots=True)
class StepSpec:
    """One step of a template as a person describes it; `offset_days` None means no due date."""

    title: str
    offset_days: int | None = None
    assignee: str | None = None
    column: str | None = None
    tags: tuple[str, ...] = ()
    priority: str | None = None
    notes: str = ""


def parse_offset(text: str) -> int:
    """Days from the anchor: `+0d` → 0, `+5d` → 5, `+2w` → 14, `-1d` → -1, `3d` → 3."""
    match = _OFFSET.fullmatch(text.strip())
    if match is None:
        raise TemplateError(f"bad offset '{excerpt(text)}': use +5d, +2w or -1d")
    sign, digits, unit = match.groups()
    days = int(digits) * (7 if unit.lower() == "w" else 1)
    if days > _MAX_DAYS:
        raise TemplateError(f"offset out of range '{excerpt(text)}' (at most {_MAX_DAYS} days)")
    return -days if sign == "-" else days


def format_offset(days: int | None) -> str:
    """The text form of an offset in days (`+5d`, `-1d`); empty for a step without a due date."""
    if days is None:
        return ""
    return f"{'-' if days < 0 else '+'}{abs(days)}d"


def due_dates(offsets: Sequence[int | None], anchor: date) -> list[date | None]:
    """The due date of each step: anchor plus its offset, None where a step has no offset."""
    return [None if o is None else anchor + timedelta(days=o) for o in offsets]


def parse_step_line(line: str, today: date) -> StepSpec:
    """A capture-like step line: `Send papers +2d @jonas >papers #papers !high`.

    The first `+Nd`/`+Nw`/`-Nd` word is the offset; `@`, `>`, `#` and `!` work as in capture.
    Due dates, projects, key results and recurrences make no sense in a template step.
    """
    tokens, errors = scan_tokens(line, today)
    real = [e for e in errors if e.token]
    if real:
        raise TemplateError(str(real[0]))
    offset: int | None = None
    words: list[str] = []
    fields: dict[str, str] = {}
    tags: dict[str, None] = {}
    for tok in tokens:
        if tok.kind == "word":
            if offset is None and _OFFSET.fullmatch(tok.text):
                offset = parse_offset(tok.text)
            elif tok.value:
                words.append(tok.value)
        elif tok.kind == "tag":
            tags[tok.value] = None
        elif tok.kind in ("assignee", "column", "priority"):
            fields[tok.kind] = tok.value
        else:
            raise TemplateError(f"'{excerpt(tok.text)}' has no place in a template step")
    if not words:
        raise TemplateError(f"step '{excerpt(line)}' has no title")
    return StepSpec(
        title=" ".join(words),
        offset_days=offset,
        assignee=fields.get("assignee"),
        column=fields.get("column"),
        tags=tuple(tags),
        priority=fields.get("priority"),
    )
