"""`taskboard export` and `taskboard import`: boards and dumps in and out of the store."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from taskboard.commands.common import (
    DbOption,
    fail,
    handles_errors,
    open_services,
    output_stream,
    printable,
)

EXPORT_FORMATS = ("markdown", "obsidian", "json", "csv", "ics")
IMPORT_FORMATS = ("obsidian", "json", "taskwarrior", "csv")
_SUFFIXES = {".json": "json", ".csv": "csv", ".md": "obsidian", ".markdown": "obsidian"}

ProjectOption = Annotated[str | None, typer.Option("--project", "-p", help="Project key.")]


@handles_errors
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help=", ".join(EXPORT_FORMATS))],
    db: DbOption = None,
    project: ProjectOption = None,
    all_: Annotated[bool, typer.Option("--all", help="Every project.")] = False,
    as_table: Annotated[bool, typer.Option("--table", help="Markdown: tables.")] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File (else stdout).")
    ] = None,
) -> None:
    """Export boards as Markdown, an Obsidian Kanban board, CSV or iCalendar, or the whole
    store as a lossless JSON dump."""
    from taskboard.exchange import csvfmt, ics, jsondump, markdown, obsidian

    fmt = fmt.lower()
    if fmt not in EXPORT_FORMATS:
        fail(f"unknown format {fmt!r}: use {', '.join(EXPORT_FORMATS)}")
    if project and all_:
        fail("give --project KEY or --all, not both")
    if fmt == "json" and project:
        fail("the JSON dump holds the whole store: leave out --project")
    if fmt == "obsidian" and not project:
        fail("an Obsidian board is one project: give --project KEY")
    services = open_services(db)
    # The JSON dump holds all the store holds: owner-only, like the store.
    with output_stream(output, private=fmt == "json", json_text=fmt == "json") as out:
        if fmt == "markdown":
            writer = markdown.write_table if as_table else markdown.write_board
            count = writer(services, out, project)
        elif fmt == "obsidian":
            count = obsidian.write(services, out, project or "")
        elif fmt == "json":
            count = jsondump.write(services, out)
        elif fmt == "csv":
            count = csvfmt.write(services, out, project)
        else:
            count = ics.write(services, out, project)
    if output is not None:
        what = "records" if fmt == "json" else "tasks"
        typer.echo(printable(f"wrote {count} {what} to {output}"), err=True)


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


@handles_errors
def import_(
    file: Annotated[Path, typer.Argument(help="The file to import.")],
    db: DbOption = None,
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help=", ".join(IMPORT_FORMATS))
    ] = None,
    project: ProjectOption = None,
) -> None:
    """Import a JSON dump (into an empty store), an Obsidian Kanban board, taskwarrior's
    `task export` or an Asana-style CSV; all or nothing."""
    try:
        source = file.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror or exc}")
    try:
        with source:
            _import(source, file, db, fmt, project)
    except UnicodeDecodeError as exc:
        fail(f"{file} is not UTF-8 text (byte {exc.start}): save it as UTF-8 and try again")
    except io.UnsupportedOperation:  # a pipe: the format is guessed from a first look
        fail(f"{file} cannot be read twice: save it to a file, or give --format")


def _import(
    source: TextIO, file: Path, db: str | None, fmt: str | None, project: str | None
) -> None:
    from taskboard.exchange import csvfmt, jsondump, obsidian, taskwarrior

    fmt = (fmt or guess_format(file, source.read(4096))).lower()
    source.seek(0)
    if fmt not in IMPORT_FORMATS:
        fail(f"unknown format {fmt!r}: use {', '.join(IMPORT_FORMATS)}")
    if fmt == "json" and project:
        fail("a JSON dump restores the whole store: leave out --project")
    services = open_services(db)
    if fmt == "json":
        rows = jsondump.read(services, source)
        typer.echo(f"restored {rows} records from {printable(file.name)}")
        return
    result: Any
    if fmt == "obsidian":
        result = obsidian.read(services, source, project)
    elif fmt == "taskwarrior":
        result = taskwarrior.read(services, source, project)
    else:
        result = csvfmt.read(services, source, project)
    keys = result.created
    span = f" ({keys[0]}{f' … {keys[-1]}' if len(keys) > 1 else ''})" if keys else ""
    tasks = f"{result.total} task{'' if result.total == 1 else 's'}"
    typer.echo(f"{tasks}: {len(result.created)} new{span}, {result.skipped} already there")
    for column in result.new_columns:
        typer.echo(printable(f"new column {column}"))
    for handle in result.new_people:
        typer.echo(printable(f"new person @{handle}"))
