"""What an importer hands the store: one draft per task of a foreign file, and what came of it.

A record that carries no id of its own (an Obsidian card without `^block-id`, a taskwarrior
task without `uuid`, a CSV row without `Task ID`) is known by its natural identity: its
project, its lane, its title compared loosely, and which of the equal titles in that lane it
is. Importing the same file twice therefore adds nothing.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from taskboard.domain.text import clean

NATURAL = "natural"  # the source-id prefix of a natural identity


@dataclass(frozen=True, slots=True)
class ImportComment:
    body: str
    created: datetime | None = None


@dataclass(frozen=True, slots=True)
class ImportDraft:
    """One task of a foreign file; `where` ("tasks.json: record 3") is named in errors."""

    where: str
    title: str
    source_id: str | None = None
    project: str | None = None
    column: str | None = None
    assignee: str | None = None
    due: date | None = None
    start: date | None = None
    priority: str | None = None
    tags: tuple[str, ...] = ()
    notes: str = ""
    parent: str | None = None  # the source id of the parent task
    # The parent as a position among the same import's drafts, for files without ids.
    parent_index: int | None = None
    done: bool = False
    archived: bool = False
    created: datetime | None = None
    completed: datetime | None = None
    comments: tuple[ImportComment, ...] = ()
    depends_on: tuple[str, ...] = ()  # source ids of the tasks that block this one
    # The task key a file of our own export names (`DEL-5`): that task, when it is in the
    # project the draft goes to and has the same title.
    key: str | None = None
    # Source ids the same record had in older versions of its importer.
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LaneSpec:
    """A column an imported board has, even when no task is in it."""

    name: str
    wip_limit: int | None = None
    is_done: bool = False


@dataclass(frozen=True, slots=True)
class ImportResult:
    created: tuple[str, ...]
    skipped: int  # records already in the store (by id, natural identity or key)
    new_columns: tuple[str, ...]
    new_people: tuple[str, ...]

    @property
    def total(self) -> int:
        return len(self.created) + self.skipped


def loose(text: str) -> str:
    """Text as identities compare it: no control characters, case folded, white space
    collapsed, Unicode composed (NFC).

    Accents are kept: in German, the language of the teams using this, "schon"/"schön" and
    "Bar"/"Bär" are different words, and folding them would silently skip a real task as
    "already there"; keeping them risks at most a visible twin when someone fixes an accent.
    """
    folded = unicodedata.normalize("NFC", clean(text)).casefold()
    return unicodedata.normalize("NFC", " ".join(folded.split()))


def natural_id(project: str, lane: str | None, title: str, occurrence: int) -> str:
    """The source id of a record without an id of its own: the `occurrence`-th (from 1) record
    titled `title` in `lane` of `project`, titles and lanes compared loosely."""
    return loose_id(project, loose(lane or ""), loose(title), occurrence)


def loose_id(project: str, lane: str, title: str, occurrence: int) -> str:
    """`natural_id` of a lane and title already made `loose`."""
    digest = hashlib.sha256(f"{lane}\x1f{title}".encode()).hexdigest()[:32]
    return f"{NATURAL}:{project}:{digest}:{occurrence}"
