"""`taskboard export` and `taskboard import`: boards and dumps in and out of the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from taskboard.commands.common import (
    DbOption,
    fail,
    handles_errors,
    open_services,
    output_stream,
    printable,
)
from taskboard.commands.importing import (
    IMPORT_FORMATS,
    format_of,
    import_drafts,
    opened,
    summary,
)

EXPORT_FORMATS = ("markdown", "obsidian", "json", "csv", "ics")

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
    with opened(file) as source:
        fmt = format_of(source, file, fmt)
        if fmt not in IMPORT_FORMATS:
            fail(f"unknown format {fmt!r}: use {', '.join(IMPORT_FORMATS)}")
        if fmt == "json" and project:
            fail("a JSON dump restores the whole store: leave out --project")
        services = open_services(db)
        if fmt == "json":
            from taskboard.exchange import jsondump

            rows = jsondump.read(services, source)
            typer.echo(f"restored {rows} records from {printable(file.name)}")
            return
        typer.echo(summary(import_drafts(services.transfer, fmt, source, project)), nl=False)
