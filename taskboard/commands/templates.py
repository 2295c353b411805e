"""`taskboard template …`: save checklists as templates and apply them, one at a time or by CSV."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from taskboard.commands.common import (
    DbOption,
    JsonOption,
    NewPersonOption,
    emit_json,
    emit_list,
    fail,
    handles_errors,
    open_services,
    printable,
    table,
)
from taskboard.commands.errors import new_person_hint

template_app = typer.Typer(
    help="Templates: repeatable checklists applied as a task or a project.", no_args_is_help=True
)


def read_text_file(path: Path) -> str:
    """A file the user named, as text; a missing, unreadable or non-UTF-8 file is refused."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        fail(f"{path} is not UTF-8 text (byte {exc.start}): save it as UTF-8 and try again")
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror or exc}")


def parse_date(text: str, today: date) -> date:
    """A date phrase as capture knows it (`2026-12-01`, `1.12.`, `fri`, `+3d`)."""
    from taskboard.domain.dates import DateParseError, parse_when

    try:
        return parse_when(text, today)
    except DateParseError as exc:
        fail(str(exc))


def _steps_table(view: Any) -> None:
    from taskboard.domain.templates import format_offset

    table(
        [
            (
                str(st.position),
                format_offset(st.offset_days),
                st.title,
                f"@{st.assignee}" if st.assignee else "",
                f">{st.column}" if st.column else "",
                " ".join(f"#{t}" for t in st.tags),
                f"!{st.priority}" if st.priority != "normal" else "",
            )
            for st in view.steps
        ]
    )


@template_app.command("list")
@handles_errors
def template_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Every template with its number of steps."""
    templates = open_services(db).templates.all()
    emit_list(
        as_json,
        templates,
        lambda t: (t.name, f"{len(t.steps)} steps", t.description.split("\n")[0]),
    )


@template_app.command("show")
@handles_errors
def template_show(name: str, db: DbOption = None, as_json: JsonOption = False) -> None:
    """A template's steps: offset, title, assignee, column, tags."""
    view = open_services(db).templates.show(name)
    if as_json:
        emit_json(view.as_json())
        return
    typer.echo(printable(view.name))
    if view.description:
        typer.echo(printable(view.description.split("\n")[0]))
    _steps_table(view)


@template_app.command("create")
@handles_errors
def template_create(
    name: str,
    step: Annotated[
        list[str], typer.Option("--step", help='A step line: "TITLE +5d @who >column #tag !prio".')
    ],
    description: Annotated[str, typer.Option("--description")] = "",
    db: DbOption = None,
    new_person: NewPersonOption = False,
) -> None:
    """Create a template from step lines, one --step each, in order. An unknown @who is
    refused (naming the closest handles) unless --new-person."""
    from taskboard.domain.templates import TemplateError, parse_step_line
    from taskboard.services.errors import UnknownPersonError

    services = open_services(db)
    steps = []
    for i, line in enumerate(step, start=1):
        try:
            steps.append(parse_step_line(line, services.ctx.today()))
        except TemplateError as exc:
            fail(f"step {i}: {exc}")
    try:
        view = services.templates.create(name, steps, description, new_people=new_person)
    except UnknownPersonError as exc:
        raise new_person_hint(exc) from None
    typer.echo(printable(f"template {view.name}: {len(view.steps)} steps"))


@template_app.command("from-task")
@handles_errors
def template_from_task(key: str, name: str, db: DbOption = None) -> None:
    """Save a task's subtasks as a template."""
    view = open_services(db).templates.from_task(key, name)
    typer.echo(printable(f"template {view.name}: {len(view.steps)} steps"))


@template_app.command("from-project")
@handles_errors
def template_from_project(key: str, name: str, db: DbOption = None) -> None:
    """Save a project's open tasks, with their columns, as a template."""
    view = open_services(db).templates.from_project(key, name)
    typer.echo(printable(f"template {view.name}: {len(view.steps)} steps"))


@template_app.command("delete")
@handles_errors
def template_delete(name: str, db: DbOption = None) -> None:
    """Delete a template (what was applied from it stays)."""
    view = open_services(db).templates.delete(name)
    typer.echo(printable(f"deleted template {view.name}"))


@template_app.command("apply")
@handles_errors
def template_apply(
    name: str,
    anchor: Annotated[
        str | None, typer.Option("--anchor", help="The date offsets count from.")
    ] = None,
    instance: Annotated[
        str | None, typer.Option("--name", help='Instance name, e.g. "Handover WAG-4711".')
    ] = None,
    as_: Annotated[str, typer.Option("--as", help="task (with subtasks) or project.")] = "task",
    assignee: Annotated[
        str | None, typer.Option("--assignee", help="Owner; takes steps without one.")
    ] = None,
    project: Annotated[
        str | None,
        typer.Option("--project", help="Target project (--as task) or new key (--as project)."),
    ] = None,
    from_csv: Annotated[
        Path | None, typer.Option("--from-csv", help="One instance per row: name,anchor,assignee.")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Apply a template once (--anchor, --name) or once per CSV row (--from-csv)."""
    if as_ not in ("task", "project"):
        fail(f"--as takes task or project, not {as_!r}")
    kind: Literal["task", "project"] = "task" if as_ == "task" else "project"
    services = open_services(db)
    if from_csv is not None:
        if anchor or instance or assignee:
            fail("--from-csv takes name, anchor and assignee from the file")
        text = read_text_file(from_csv)
        made = services.templates.apply_csv(name, text, as_=kind, project=project)
    else:
        if not anchor or not instance:
            fail("give --anchor DATE and --name TEXT (or --from-csv FILE)")
        when = parse_date(anchor, services.ctx.today())
        made = [
            services.templates.apply(
                name, when, instance, as_=kind, assignee=assignee, project=project
            )
        ]
    if as_json:
        emit_json(
            [
                {
                    "template": m.template,
                    "as": m.kind,
                    "name": m.name,
                    "key": m.key,
                    "anchor": m.anchor.isoformat(),
                    "tasks": list(m.task_keys),
                }
                for m in made
            ]
        )
        return
    table([(m.key, m.name, m.anchor.isoformat(), f"{len(m.task_keys)} tasks") for m in made])
