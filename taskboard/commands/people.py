"""`taskboard agenda`, `handover` and `stats`: a person's work, holiday handovers, flow metrics."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from taskboard.commands.common import (
    DbOption,
    JsonOption,
    emit_json,
    fail,
    handles_errors,
    open_services,
    printable,
    table,
    write_output,
)
from taskboard.commands.render import agenda_text
from taskboard.commands.templates import parse_date

SinceOption = Annotated[
    str | None, typer.Option("--since", "--from", help="First day (a date phrase).")
]
UntilOption = Annotated[str | None, typer.Option("--until", help="Last day (a date phrase).")]


@handles_errors
def agenda(
    handle: Annotated[str | None, typer.Argument(help="Whose tasks; default: you.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """My tasks (or HANDLE's) across projects: overdue, today, this week, later, no date."""
    view = open_services(db).people_views.agenda(handle)
    sys.stdout.write(agenda_text(view, mine=handle is None, as_json=as_json))


@handles_errors
def handover(
    from_handle: Annotated[str, typer.Argument(metavar="FROM", help="Who is away.")],
    to_handle: Annotated[str, typer.Argument(metavar="TO", help="Who takes over.")],
    since: SinceOption = None,
    until: UntilOption = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Also write the note to this file.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what it would hand over; change nothing.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Reassign FROM's open tasks (all, or those due in the window) to TO and print the note
    (with --dry-run: the note of what it would do, and nothing changes)."""
    from taskboard.exchange.handover_note import handover_note
    from taskboard.files import FileWriteError, check_destination

    services = open_services(db)
    if output is not None:
        check_destination(output)  # the store, a directory: refused before any change
    today = services.ctx.today()
    first = parse_date(since, today) if since else None
    last = parse_date(until, today) if until else None
    result = services.people_views.handover(from_handle, to_handle, first, last, dry_run=dry_run)
    note = handover_note(result)
    # The note escapes and cleans every piece of user text itself.
    typer.echo(note.rstrip("\n"))
    if output is not None:
        try:
            write_output(output, note)
        except FileWriteError as exc:
            done = "nothing was handed over" if dry_run else "the work was handed over"
            fail(f"{done} and the note printed above, but {exc}")


@handles_errors
def stats(
    project: Annotated[str | None, typer.Option("--project", "-p")] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Flow metrics: lead time and time per column (median, 85th pct), throughput, aging WIP."""
    services = open_services(db)
    today = services.ctx.today()
    flows = services.stats.flow(
        project,
        parse_date(since, today) if since else None,
        parse_date(until, today) if until else None,
    )
    if as_json:
        emit_json([f.as_json() for f in flows])
        return

    def days(value: float | None) -> str:
        return "—" if value is None else f"{value:.1f}d"

    for f in flows:
        typer.echo(printable(f"{f.project}  {f.name}  ({f.since} .. {f.until})"))
        lt = f.lead_time
        typer.echo(
            f"  lead time: median {days(lt.median_days)}, 85% {days(lt.p85_days)} ({lt.count} done)"
        )
        table(
            [
                (
                    f"  {name}",
                    f"median {days(s.median_days)}",
                    f"85% {days(s.p85_days)}",
                    str(s.count),
                )
                for name, s in f.columns
            ],
            headers=("  column", "time in column", "", "stays"),
        )
        busy = [(w, n) for w, n in f.throughput if n]
        typer.echo("  throughput: " + (", ".join(f"{w}: {n}" for w, n in busy) if busy else "none"))
        if f.wip:
            typer.echo("  aging work in progress:")
            table(
                [
                    (
                        f"    {a.key}",
                        a.column,
                        f"{a.age_days:.1f}d old",
                        f"{a.column_age_days:.1f}d here",
                        a.title,
                    )
                    for a in f.wip[:10]
                ]
            )
        typer.echo("")


def register(app: typer.Typer) -> None:
    """Attach agenda, handover and stats to the root app."""
    app.command("agenda")(agenda)
    app.command("handover")(handover)
    app.command("stats")(stats)
