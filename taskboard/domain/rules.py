"""What text must be to enter the store: lengths, titles, priorities, keys, handles, tags.

Every use case that stores text a person typed (or a file carried) checks it here, so a
rule and its limit exist once and the refusal names the field and the limit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from taskboard.domain.enums import Priority
from taskboard.domain.errors import InvalidFieldError
from taskboard.domain.text import clean, clean_multiline, excerpt

INBOX = "INBOX"  # every store has it; tasks without a project land there
MAX_TITLE = 500
DEFAULT_COLUMNS = ("Backlog", "To do", "Doing", "Done")
# Column names that mean "done" when a board is made without saying which column is.
DONE_NAMES = frozenset(
    {"done", "handed over", "closed", "finished", "complete", "completed", "erledigt"}
)
MAX_WIP = 9999

_HANDLE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")
_PROJECT_KEY = re.compile(r"^[A-Z]{2,6}$")


@dataclass(frozen=True, slots=True)
class TextRule:
    """How one kind of text is cleaned and how long it may be."""

    field: str  # the name a refusal carries (`InvalidFieldError.field`)
    label: str  # what a person calls it: "the {label} is empty"
    limit: int  # characters, after cleaning
    required: bool = True
    multiline: bool = False  # keeps line breaks (notes, comments, descriptions)
    strip: bool = True

    def check(self, value: str) -> str:
        """`value` cleaned of control characters; refused when empty or too long."""
        text = clean_multiline(value) if self.multiline else clean(value)
        if self.strip:
            text = text.strip()
        if self.required and not text.strip():
            raise InvalidFieldError(self.field, f"the {self.label} is empty")
        if len(text) > self.limit:
            raise InvalidFieldError(
                self.field,
                f"the {self.label} is {len(text)} characters long; at most {self.limit}",
            )
        return text


TITLE = TextRule("title", "title", MAX_TITLE)
NOTES = TextRule("notes", "notes", 100_000, required=False, multiline=True, strip=False)
COMMENT = TextRule("comment", "comment", 10_000, multiline=True)
PROJECT_NAME = TextRule("name", "project name", 200)
PROJECT_DESCRIPTION = TextRule("description", "project description", 10_000, required=False)
COLUMN_NAME = TextRule("column", "column name", 60)
PERSON_NAME = TextRule("name", "name", 200)
EMAIL = TextRule("email", "e-mail address", 200, required=False)
TAG = TextRule("tags", "tag", 60)
RECURRENCE = TextRule("recurrence", "repeat rule", 200)
OBJECTIVE_TITLE = TextRule("title", "objective title", MAX_TITLE)
KEY_RESULT_TITLE = TextRule("title", "key result title", MAX_TITLE)
OBJECTIVE_DESCRIPTION = TextRule(
    "description", "objective description", 10_000, required=False, multiline=True
)
CHECK_IN_NOTE = TextRule("note", "note", 2000, required=False, multiline=True)
OUTCOME_COMMENT = TextRule("comment", "comment", 2000, required=False, multiline=True)
UNIT = TextRule("unit", "unit", 20, required=False)
MEETING_TITLE = TextRule("title", "meeting title", 200, required=False)
MEETING_LINE = TextRule("text", "line", 2000)
TEMPLATE_NAME = TextRule("name", "template name", 120)
TEMPLATE_DESCRIPTION = TextRule(
    "description", "template description", 10_000, required=False, multiline=True
)
INSTANCE_NAME = TextRule("name", "name", MAX_TITLE)  # a template instance: a task title


def title(value: str) -> str:
    """A task title: one line, not empty, at most 500 characters."""
    return TITLE.check(value)


def priority(value: str | None) -> str:
    """The stored priority for what was typed (`high`, `h`, `2`); None means normal."""
    if value is None:
        return Priority.NORMAL.value
    try:
        return Priority.parse(value).value
    except ValueError:
        raise InvalidFieldError(
            "priority", f"bad priority '{excerpt(value)}': use urgent, high, normal or low"
        ) from None


def recurrence(value: object) -> str | None:
    """The RRULE to store for a typed repeat rule (`weekly`, `2w`, `FREQ=WEEKLY;INTERVAL=2`);
    None or blank clears it."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidFieldError("recurrence", f"bad recurrence {excerpt(repr(value))}")
    if not clean(value).strip():
        return None
    # Refused now, not when the task is done: a rule dateutil cannot run would otherwise make
    # completing the task fail long after the typo, far from where it was made.
    from taskboard.domain.dates import DateParseError, parse_rule  # dateutil: when needed

    try:
        rule = parse_rule(value)
    except DateParseError as exc:
        raise InvalidFieldError("recurrence", str(exc)) from None
    return RECURRENCE.check(rule)


def tag_names(values: Iterable[str]) -> tuple[str, ...]:
    """Tags as stored: lower-case, without `#`, each once, sorted; blank ones dropped."""
    names = {clean(v).strip().lstrip("#").strip().lower() for v in values} - {""}
    return tuple(sorted(TAG.check(n) for n in names))


def handle(value: str) -> str:
    """A person's handle as stored: lower-case, without `@`."""
    text = value.strip().lstrip("@").lower()
    if not _HANDLE.match(text):
        raise InvalidFieldError(
            "handle",
            f"bad handle '{excerpt(text)}': use letters, digits, '.', '_' or '-' (at most 40)",
        )
    return text


def project_key(value: str) -> str:
    """A project key as stored: 2 to 6 upper-case letters."""
    key = value.strip().upper()
    if not _PROJECT_KEY.match(key):
        raise InvalidFieldError(
            "key", f"bad project key '{excerpt(key)}': use 2 to 6 letters, like DEL"
        )
    return key


def column_names(names: Iterable[str]) -> list[str]:
    """A board's column names: each named, none twice (ignoring case), none too long."""
    checked = [COLUMN_NAME.check(n) for n in names]
    if not checked:
        raise InvalidFieldError("column", "a board needs at least one column")
    folded = [n.casefold() for n in checked]
    dupes = sorted({n for n in checked if folded.count(n.casefold()) > 1})
    if dupes:
        raise InvalidFieldError("column", f"duplicate column names: {', '.join(dupes)}")
    return checked


def new_column_name(existing: Iterable[str], name: str) -> str:
    """The name of a column added to a board whose columns are `existing`: checked, and none
    of theirs (ignoring case). Only the new name is judged: a board kept from before a rule
    keeps its columns."""
    name = COLUMN_NAME.check(name)
    clash = {n for n in existing if n.casefold() == name.casefold()}
    if clash:
        said = ", ".join(sorted(clash | {name}))
        raise InvalidFieldError("column", f"duplicate column names: {said}")
    return name


def wip_limit(value: int | None) -> int | None:
    """A column's WIP limit: a whole number from 1 to 9999, or None for no limit."""
    if value is not None and not 1 <= value <= MAX_WIP:
        raise InvalidFieldError("wip_limit", f"a WIP limit is 1 to {MAX_WIP} (or none)")
    return value
