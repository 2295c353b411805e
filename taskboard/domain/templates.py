"""Template steps: offsets like `+5d` or `-1d`, step lines, and expansion against an anchor date."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from taskboard.domain import rules
from taskboard.domain.capture import scan_tokens
from taskboard.domain.dates import DateParseError, parse_when
from taskboard.domain.errors import DuplicateError, InvalidFieldError, ServiceError
from taskboard.domain.text import excerpt

__all__ = [
    "Instance",
    "StepSpec",
    "TemplateError",
    "board_columns",
    "derive_project_key",
    "due_dates",
    "format_offset",
    "parse_offset",
    "parse_step_line",
    "read_instances",
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


@dataclass(frozen=True, slots=True)
class Instance:
    """One application of a template: its name, anchor date and owner; `line` of a CSV."""

    line: int | None
    name: str
    anchor: date
    assignee: str | None


def read_instances(lines: Iterable[str], today: date) -> list[Instance]:
    """Instances from CSV rows `name,anchor[,assignee]`; a bad row is refused by its line."""
    reader = csv.DictReader(lines, skipinitialspace=True)
    header = [h.strip().lower() for h in reader.fieldnames or []]
    if "name" not in header or "anchor" not in header:
        raise InvalidFieldError(
            "csv", "line 1: the CSV needs the columns name, anchor (and assignee)"
        )
    reader.fieldnames = header
    instances: list[Instance] = []
    for record in reader:
        line = reader.line_num
        anchor_text = (record.get("anchor") or "").strip()
        who = (record.get("assignee") or "").strip() or None
        try:
            title = rules.INSTANCE_NAME.check(record.get("name") or "")
            try:
                anchor = parse_when(anchor_text, today)
            except DateParseError:
                raise InvalidFieldError(
                    "anchor", f"bad anchor date '{excerpt(anchor_text)}'"
                ) from None
            who = rules.handle(who) if who is not None else None
        except ServiceError as exc:
            raise exc.at(f"line {line}") from None
        instances.append(Instance(line, title, anchor, who))
    if not instances:
        raise InvalidFieldError("csv", "the CSV has no rows")
    return instances


def derive_project_key(name: str, taken: set[str]) -> str:
    """A free 2–6 letter key from a name: `Service point Leipzig` → `SPL`, then `SPLA`, …"""
    words = [w.upper() for w in re.findall(r"[A-Za-z]+", name)]
    letters = "".join(words)
    if len(letters) < 2:
        letters = (letters + "XX")[:2]
    initials = "".join(w[0] for w in words)
    base = initials if len(initials) >= 2 else letters[:3]
    base = base[:6]
    candidates = [base, letters[:6], *(base[:5] + chr(c) for c in range(65, 91))]
    candidates += [base[:4] + chr(a) + chr(b) for a in range(65, 91) for b in range(65, 91)]
    for key in candidates:
        if len(key) >= 2 and key not in taken:
            return key
    raise DuplicateError(f"no free project key for '{excerpt(name)}': give one with --key")


def board_columns(step_columns: Iterable[str | None]) -> list[str]:
    """The columns of a project made from a template: its steps' columns in order, and Done
    when none of them is a done column; the default columns when no step names one."""
    names: list[str] = []
    for column in step_columns:
        if column and column.casefold() not in {n.casefold() for n in names}:
            names.append(column)
    if not names:
        return list(rules.DEFAULT_COLUMNS)
    if not any(n.casefold() in rules.DONE_NAMES for n in names):
        names.append("Done")
    return names
