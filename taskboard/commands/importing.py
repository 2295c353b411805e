"""`taskboard import` of a foreign file without Typer or SQLAlchemy, and the text both ways
print.

`cli.run` offers a line here when it starts with `import`; a line in the documented
spellings (`taskboard.commands.plainline`) naming a taskwarrior, CSV or Obsidian file, on
a store at the schema head, runs the one importer (`services.importer`) over a plain
connection (`services.plain_tasks`) and prints what the Typer command prints, which
calls the functions here too. Any other line (a JSON dump to restore, an unknown format,
a file that cannot be read, `--help`), or a store the plain writer cannot take, gets None
before anything is written and goes to Typer, whose refusals are the ones a person meets.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TextIO

from taskboard.commands.errors import fail
from taskboard.commands.plainline import Syntax, parse
from taskboard.domain.text import clean

if TYPE_CHECKING:
    from taskboard.services.import_drafts import ImportDraft, ImportResult, LaneSpec

IMPORT_FORMATS = ("obsidian", "json", "taskwarrior", "csv")
# The formats of foreign files: drafts for the one importer (the JSON dump is restored).
DRAFT_FORMATS = ("obsidian", "taskwarrior", "csv")
_SUFFIXES = {".json": "json", ".csv": "csv", ".md": "obsidian", ".markdown": "obsidian"}

SYNTAX = {
    "import": Syntax(
        {"--project": "project", "-p": "project", "--format": "format", "-f": "format"},
        words=(1, 1),
    )
}


class TaskImports(Protocol):
    """Where drafts go: `TransferService`, or `PlainTasks` without SQLAlchemy."""

    def import_tasks(
        self,
        project_key: str | None,
        records: Sequence[ImportDraft],
        lanes: Sequence[LaneSpec] = (),
    ) -> ImportResult: ...


def guess_format(path: Path, head: str) -> str:
    """The format of a file to import, from its extension and first characters."""
    stripped = head.lstrip()
    if path.suffix.lower() == ".json" or stripped.startswith(("[", "{")):
        if '"format": "taskboard"' in head or '"format":"taskboard"' in head:
            return "json"
        return "taskwarrior"
    if path.suffix.lower() in _SUFFIXES:
        return _SUFFIXES[path.suffix.lower()]
    if "kanban-plugin" in head:
        return "obsidian"
    fail(f"cannot tell the format of {path.name}: give --format ({', '.join(IMPORT_FORMATS)})")


@contextmanager
def opened(file: Path) -> Iterator[TextIO]:
    """The file to import as text; a file that cannot be read, or is not UTF-8, is one line."""
    try:
        source = file.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror or exc}")
    try:
        with source:
            yield source
    except UnicodeDecodeError as exc:
        fail(f"{file} is not UTF-8 text (byte {exc.start}): save it as UTF-8 and try again")
    except io.UnsupportedOperation:  # a pipe: the format is guessed from a first look
        fail(f"{file} cannot be read twice: save it to a file, or give --format")


def format_of(source: TextIO, file: Path, fmt: str | None) -> str:
    """The format given, or guessed from the file's first characters."""
    fmt = (fmt or guess_format(file, source.read(4096))).lower()
    source.seek(0)
    return fmt


def import_drafts(into: TaskImports, fmt: str, source: TextIO, project: str | None) -> ImportResult:
    """Read a foreign file of format `fmt` (one of DRAFT_FORMATS) and import its tasks."""
    if fmt == "taskwarrior":
        from taskboard.exchange import taskwarrior

        return into.import_tasks(project, taskwarrior.drafts(source))
    if fmt == "csv":
        from taskboard.exchange import csvfmt
        from taskboard.exchange.records import label

        return into.import_tasks(project, csvfmt.parse(source, label(source)))
    from taskboard.exchange import obsidian
    from taskboard.exchange.records import label

    board = obsidian.parse(source, label(source))
    return into.import_tasks(project, board.cards, board.lanes)


def summary(result: ImportResult) -> str:
    """What an import says: how many tasks, new and already there, new columns and people."""
    keys = result.created
    span = f" ({keys[0]}{f' … {keys[-1]}' if len(keys) > 1 else ''})" if keys else ""
    tasks = f"{result.total} task{'' if result.total == 1 else 's'}"
    lines = [f"{tasks}: {len(result.created)} new{span}, {result.skipped} already there"]
    lines += [clean(f"new column {column}") for column in result.new_columns]
    lines += [clean(f"new person @{handle}") for handle in result.new_people]
    return "".join(line + "\n" for line in lines)


def answer(args: Sequence[str]) -> int | None:
    """Run `args` without Typer or SQLAlchemy; its exit code, or None when Typer and the
    services should take the line (nothing was written then)."""
    line = parse(args, SYNTAX)
    if line is None:
        return None
    file = Path(line.words[0])
    fmt = line.values.get("format")
    if (fmt is not None and fmt.lower() not in DRAFT_FORMATS) or not file.is_file():
        # A dump to restore, a format the command refuses, a pipe (read once, so it is
        # never read here and then again the ordinary way), no file at all: Typer's way.
        return None
    from taskboard.commands.opening import run_plain

    project = line.values.get("project")
    with opened(file) as source:
        fmt = format_of(source, file, fmt)
        if fmt not in DRAFT_FORMATS:
            return None
        kind = fmt
        return run_plain(
            line.db, lambda tasks: (summary(import_drafts(tasks, kind, source, project)), "")
        )
