"""The fields of a task, each named once: how it is typed, checked, logged, undone and told.

Edit (`TaskChanges`), capture tokens, undo and redo, the history and the detail screen all
loop over `FIELDS`. A new field is one entry here, one attribute of `TaskChanges`, its
column in the models (and migration) and, when its `kind` is new, how that kind is stored
(`services/ops/fields.py`). `tests/test_fields.py` proves every editable field goes through
edit, undo, redo and the history.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from enum import Enum
from typing import Final, Literal

from taskboard.domain import rules
from taskboard.domain.dates import parse_when
from taskboard.domain.errors import InvalidFieldError

# How a field is stored: a plain column, a reference shown by its key or handle, the tags,
# the column (an edit of it is a move), or a link (only undo and the history know those).
# A "record" is stored nowhere: it notes what another row of the same change did (the next
# occurrence a completion made, whose own creation undo and redo take back and restore).
Kind = Literal["plain", "person", "key_result", "tags", "column", "links", "record"]


class Unset(Enum):
    """The type of UNSET: an edit leaves a field with this value as it is."""

    UNSET = "UNSET"


UNSET: Final = Unset.UNSET


def encode(value: object) -> str | None:
    """A value as activity text a person can read and `decode` can parse back."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return " ".join(str(v) for v in value)
    return str(value)


def _text(value: str | None) -> object:
    return value


def _notes(value: str | None) -> object:
    return value or ""


def _date(value: str | None) -> object:
    return date.fromisoformat(value) if value else None


def _datetime(value: str | None) -> object:
    return datetime.fromisoformat(value) if value else None


def _flag(value: str | None) -> object:
    return value == "true"


def _words(value: str | None) -> object:
    return tuple((value or "").split())


def _or_none(value: str | None) -> str | None:
    return value or "none"


def _said_not(_value: str | None) -> str | None:
    return None  # a rank, free text, a rule: what it is now means nothing to say in a line


def _said_person(value: str | None) -> str | None:
    return f"@{value}" if value else "nobody"


def _said_done(value: str | None) -> str | None:
    # Done again at another time reads as a change of the date, so only the day is said.
    return f"done on {value[:10]}" if value else "open"


def _said_archived(value: str | None) -> str | None:
    return "archived" if value == "true" else "not archived"


def _check_title(value: object) -> object:
    return rules.title(str(value))


def _check_notes(value: object) -> object:
    return rules.NOTES.check(str(value or ""))


def _check_priority(value: object) -> object:
    return rules.priority(None if value is None else str(value))


def _check_tags(value: object) -> object:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidFieldError("tags", "tags are a list of names, not one text")
    return rules.tag_names(str(v) for v in value)


def _check_name(value: object) -> object:
    """A key, handle or column name as typed; the store resolves it."""
    if value is not None and not isinstance(value, str):
        raise InvalidFieldError("name", f"a name is text, not {type(value).__name__}")
    return value or None


def _check_column(value: object) -> object:
    if not isinstance(value, str) or not value.strip():
        raise InvalidFieldError("column", "the column is empty")
    return value


def _check_date(name: str) -> Callable[[object], object]:
    def check(value: object) -> object:
        if value is not None and not isinstance(value, date):
            raise InvalidFieldError(name, f"bad {name} date {value!r}")
        return value

    return check


def _parse_text(text: str, _today: date) -> object:
    return text.strip()


def _parse_notes(text: str, _today: date) -> object:
    return text


def _parse_prefixed(prefix: str) -> Callable[[str, date], object]:
    def parse(text: str, _today: date) -> object:
        return text.strip().lstrip(prefix) or None

    return parse


def _parse_date(text: str, today: date) -> object:
    """`fri`, `^+3d`, `1.12.`: a date phrase (DateParseError when it names none)."""
    value = text.strip().lstrip("^")
    return parse_when(value, today) if value else None


def _parse_tags(text: str, _today: date) -> object:
    return tuple(w.lstrip("#") for w in text.split())


def _parse_rule(text: str, _today: date) -> object:
    return text.strip() or None  # the rule's friendly forms are read when it is checked


@dataclass(frozen=True, slots=True)
class TaskField:
    name: str  # the attribute of TaskChanges and of Task, and Activity.field
    label: str  # what a person calls it: "due date"
    kind: Kind
    decode: Callable[[str | None], object]  # activity text → value (encode is `encode`)
    said: Callable[[str | None], str | None]  # activity text in a person's words, or None
    check: Callable[[object], object] | None = None  # the rule an edited value keeps
    parse: Callable[[str, date], object] | None = None  # text typed in a form → value
    token: str | None = None  # the capture token kind that sets it (`^fri` → due)
    quoted: bool = True  # the history shows old → new (long text only says it was edited)

    @property
    def editable(self) -> bool:
        return self.check is not None


FIELDS: Final[tuple[TaskField, ...]] = (
    TaskField("title", "title", "plain", _text, _said_not, _check_title, _parse_text),
    TaskField("notes", "notes", "plain", _notes, _said_not, _check_notes, _parse_notes,
              quoted=False),
    TaskField("assignee", "assignee", "person", _text, _said_person, _check_name,
              _parse_prefixed("@"), token="assignee"),
    TaskField("start", "start date", "plain", _date, _or_none, _check_date("start"),
              _parse_date),
    TaskField("due", "due date", "plain", _date, _or_none, _check_date("due"), _parse_date,
              token="due"),
    TaskField("priority", "priority", "plain", _text, _or_none, _check_priority, _parse_text,
              token="priority"),
    TaskField("tags", "tags", "tags", _words, _or_none, _check_tags, _parse_tags, token="tag"),
    TaskField("key_result", "key result", "key_result", _text, _or_none, _check_name,
              _parse_prefixed("~"), token="key_result"),
    TaskField("recurrence", "repeat rule", "plain", _text, _said_not, rules.recurrence,
              _parse_rule, token="recurrence"),
    TaskField("column", "column", "column", _text, _or_none, _check_column,
              _parse_prefixed(">"), token="column"),
    # Changed by moves, completion, archiving and links, not by an edit.
    TaskField("rank", "place in its column", "plain", _text, _said_not),
    TaskField("completed", "done state", "plain", _datetime, _said_done),
    TaskField("archived", "archived state", "plain", _flag, _said_archived),
    TaskField("blocked_by", "blockers", "links", _text, _said_not),
    TaskField("next_occurrence", "next occurrence", "record", _text, _or_none),
)  # fmt: skip

BY_NAME: Final[dict[str, TaskField]] = {f.name: f for f in FIELDS}
EDITABLE: Final[tuple[TaskField, ...]] = tuple(f for f in FIELDS if f.editable)


def label(name: str | None) -> str:
    """What a person calls the field `name` (a field no longer known: its name in words)."""
    found = BY_NAME.get(name or "")
    return found.label if found else (name or "").replace("_", " ")


@dataclass(frozen=True, slots=True)
class TaskChanges:
    """What an edit changes: a field left UNSET stays as it is, None clears it.

    Values are as people type them (a handle or its prefix, a column name, tag names); the
    field's rule checks each one.
    """

    title: str | Unset = UNSET
    notes: str | Unset = UNSET
    assignee: str | Unset | None = UNSET
    start: date | Unset | None = UNSET
    due: date | Unset | None = UNSET
    priority: str | Unset | None = UNSET
    tags: Sequence[str] | Unset = UNSET
    key_result: str | Unset | None = UNSET
    recurrence: str | Unset | None = UNSET
    column: str | Unset = UNSET

    def items(self) -> Iterator[tuple[TaskField, object]]:
        """The fields this edit sets, in the registry's order, with their values."""
        for f in EDITABLE:
            value = getattr(self, f.name)
            if value is not UNSET:
                yield f, value

    def __bool__(self) -> bool:
        return any(True for _ in self.items())


# The registry and TaskChanges name the same editable fields: a field added to one only
# would be silently ignored by edits (or refused at run time), so importing fails instead.
if {f.name for f in fields(TaskChanges)} != {f.name for f in EDITABLE}:  # pragma: no cover
    raise RuntimeError("TaskChanges and the editable FIELDS disagree")
