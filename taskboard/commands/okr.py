"""`taskboard okr …`: objectives, key results, check-ins, the goal list, report and health."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from taskboard.commands.common import (
    DbOption,
    ForceOption,
    JsonOption,
    OutputOption,
    emit,
    emit_json,
    fail,
    finite,
    handles_errors,
    open_services,
    printable,
    table,
    write_output,
)
from taskboard.domain.errors import ImplausibleValueError
from taskboard.domain.okr import confidence_text, percent

okr_app = typer.Typer(help="Goals: objectives, key results and check-ins.", no_args_is_help=True)
objective_app = typer.Typer(help="Objectives.", no_args_is_help=True)
kr_app = typer.Typer(help="Key results.", no_args_is_help=True)
okr_app.add_typer(objective_app, name="objective")
okr_app.add_typer(kr_app, name="kr")

CycleOption = Annotated[
    str | None,
    typer.Option("--cycle", "-c", help="2026-Q4, 2026-H1, 2026 or a name (default: this quarter)."),
]


@objective_app.command("add")
@handles_errors
def objective_add(
    title: str,
    cycle: Annotated[str, typer.Option("--cycle", "-c", help="2026-Q4, 2026-H1, 2026, A..B.")],
    db: DbOption = None,
    owner: Annotated[str | None, typer.Option("--owner", help="Owner's @handle.")] = None,
    parent: Annotated[str | None, typer.Option("--parent", help="Aligned under O<n>.")] = None,
    description: Annotated[str, typer.Option("--description", "-d")] = "",
    as_json: JsonOption = False,
) -> None:
    """Add an objective and print its key."""
    view = open_services(db).okr.add_objective(title, cycle, owner, parent, description)
    emit(as_json, view.as_json(), f"{view.key}  {view.title}  ({view.cycle})")


@kr_app.command("add")
@handles_errors
def kr_add(
    objective: str,
    title: str,
    start: Annotated[
        float, typer.Option("--start", callback=finite, help="Where it starts.")
    ] = 0.0,
    target: Annotated[
        float | None,
        typer.Option("--target", callback=finite, help="Where it should end (above or below)."),
    ] = None,
    db: DbOption = None,
    unit: Annotated[str, typer.Option("--unit")] = "",
    kind: Annotated[
        str, typer.Option("--kind", help="number, percent, currency, boolean, milestone, tasks")
    ] = "number",
    weight: Annotated[float, typer.Option("--weight", callback=finite)] = 1.0,
    owner: Annotated[str | None, typer.Option("--owner", help="Owner's @handle.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Add a key result to an objective and print its key."""
    view = open_services(db).okr.add_key_result(
        objective, title, start, target, unit=unit, kind=kind, weight=weight, owner=owner
    )
    emit(as_json, view.as_json(), f"{view.key}  {view.title}")


@okr_app.command("checkin")
@handles_errors
def checkin(
    key_result: str,
    value: Annotated[float, typer.Argument(callback=finite, help="The new value.")],
    db: DbOption = None,
    confidence: Annotated[
        float | None, typer.Option("--confidence", callback=finite, help="0..1")
    ] = None,
    note: Annotated[str, typer.Option("--note", "-n")] = "",
    force: ForceOption = False,
    as_json: JsonOption = False,
) -> None:
    """Record a key result's new value (and confidence, and a note).

    A value far outside the range, or a long way back from the target, is refused as a
    likely typo unless --force.
    """
    services = open_services(db)
    try:
        check = services.okr.check_in(key_result, value, confidence, note, force=force)
    except ImplausibleValueError as exc:
        fail(f"{exc}; --force records it anyway")
    kr = services.okr.key_result(check.key_result)
    emit(
        as_json,
        check.as_json() | {"progress": round(kr.progress, 4), "status": kr.status},
        f"{kr.key}  {check.previous_value:g} → {check.value:g}  {percent(kr.progress)}"
        f"  {kr.status.replace('_', ' ')}",
    )


def _rows(objective: Any, depth: int) -> list[list[str]]:
    indent = "  " * depth
    rows = [
        [
            indent + objective.key,
            objective.title,
            percent(objective.progress),
            percent(objective.expected),
            objective.status + ("*" if objective.status_overridden else ""),
            confidence_text(objective.confidence),
            f"{objective.score:.1f}",
            objective.outcome or "",
        ]
    ]
    for kr in objective.key_results:
        rows.append(
            [
                f"{indent}  {kr.key}",
                kr.title,
                percent(kr.progress),
                percent(kr.expected),
                kr.status,
                confidence_text(kr.confidence),
                f"{kr.score:.1f}",
                "",
            ]
        )
    return rows


@okr_app.command("list")
@handles_errors
def list_goals(db: DbOption = None, cycle: CycleOption = None, as_json: JsonOption = False) -> None:
    """Every objective of the cycle with its key results, progress, pace, status and score."""
    services = open_services(db)
    cycle_view = services.okr.cycle(cycle)
    walked = [pair for root in services.okr.tree(cycle_view.name) for pair in root.walk()]
    if as_json:
        emit_json({"cycle": cycle_view.as_json(), "objectives": [o.as_json() for _, o in walked]})
        return
    if not walked:
        typer.echo(f"no objectives in {cycle_view.name}", err=True)
        return
    rows = [row for depth, o in walked for row in _rows(o, depth)]
    headers = ["key", "title", "progress", "expected", "status", "conf", "score", "outcome"]
    table(rows, headers)


@okr_app.command("report")
@handles_errors
def report(
    db: DbOption = None,
    cycle: CycleOption = None,
    output: OutputOption = None,
) -> None:
    """The cycle's goals as a Markdown report."""
    from taskboard.exchange.okr_report import render_okr_report

    services = open_services(db)
    cycle_view = services.okr.cycle(cycle)
    text = render_okr_report(cycle_view, services.okr.tree(cycle_view.name))
    write_output(output, text)
    if output is not None:
        typer.echo(printable(f"wrote {output}"), err=True)


@okr_app.command("health")
@handles_errors
def health(db: DbOption = None, cycle: CycleOption = None, as_json: JsonOption = False) -> None:
    """Open tasks that move no key result, and key results no open task moves."""
    view = open_services(db).okr.health(cycle)
    if as_json:
        emit_json(view.as_json())
        return
    typer.echo(f"Open tasks linked to no key result ({len(view.unlinked_tasks)}):")
    table([["  " + t.key, t.title] for t in view.unlinked_tasks])
    typer.echo(
        f"Key results of {view.cycle} with no open linked work ({len(view.idle_key_results)}):"
    )
    table([["  " + k.key, k.title, percent(k.progress)] for k in view.idle_key_results])


@okr_app.command("status")
@handles_errors
def status(
    key: str,
    value: Annotated[
        str, typer.Argument(metavar="STATUS", help="on_track, at_risk, off_track, auto")
    ],
    db: DbOption = None,
) -> None:
    """Override an objective's status, or go back to the suggestion with `auto`."""
    wanted = None if value.strip().lower() == "auto" else value
    view = open_services(db).okr.set_status(key, wanted)
    how = "set by the owner" if view.status_overridden else "suggested"
    typer.echo(printable(f"{view.key}  {view.status}  ({how})"))


@okr_app.command("close")
@handles_errors
def close(
    key: str,
    outcome: Annotated[str, typer.Argument(help="achieved, partial, missed or dropped")],
    comment: Annotated[str, typer.Option("--comment", "-m", help="What happened.")] = "",
    db: DbOption = None,
) -> None:
    """Close an objective with its outcome."""
    view = open_services(db).okr.close_objective(key, outcome, comment)
    typer.echo(printable(f"{view.key}  closed: {view.outcome}  score {view.score:.1f}"))
