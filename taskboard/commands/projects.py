"""`taskboard project …` and `taskboard person …`: projects with their columns, and people."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from taskboard.commands.common import (
    DbOption,
    JsonOption,
    emit_list,
    handles_errors,
    in_range,
    open_services,
    printable,
    table,
)

if TYPE_CHECKING:
    from taskboard.domain.views import PersonView, ProjectView

project_app = typer.Typer(help="Projects and their columns.", no_args_is_help=True)
person_app = typer.Typer(help="People and their @handles.", no_args_is_help=True)

# A WIP limit is a count of cards a team can see at once; 0 removes the limit.
MAX_WIP_LIMIT = 9999


@project_app.command("add")
@handles_errors
def project_add(
    key: str,
    name: str,
    db: DbOption = None,
    columns: Annotated[
        str | None, typer.Option("--columns", help='Comma-separated, e.g. "A,B,C".')
    ] = None,
) -> None:
    """Create a project; default columns: Backlog, To do, Doing, Done."""
    cols = [c.strip() for c in columns.split(",")] if columns is not None else None
    p = open_services(db).projects.create(key, name, cols)
    typer.echo(printable(f"{p.key}  {p.name}  ({', '.join(c.name for c in p.columns)})"))


@project_app.command("list")
@handles_errors
def project_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Projects with their columns and open-task counts."""
    projects = open_services(db).projects.all()
    emit_list(as_json, projects, project_row)


@project_app.command("wip")
@handles_errors
def project_wip(
    key: str,
    column: str,
    limit: Annotated[
        int,
        typer.Argument(
            callback=in_range(0, MAX_WIP_LIMIT), help="Cards at most; 0 removes the limit."
        ),
    ],
    db: DbOption = None,
) -> None:
    """Set a column's WIP limit (0 removes it)."""
    p = open_services(db).projects.set_wip_limit(key, column, limit or None)
    table([(c.name, str(c.wip_limit or "—")) for c in p.columns])


@person_app.command("add")
@handles_errors
def person_add(
    handle: str,
    name: str,
    db: DbOption = None,
    email: Annotated[str | None, typer.Option("--email")] = None,
) -> None:
    """Add a person who can be assigned with @handle."""
    p = open_services(db).people.add(handle, name, email)
    typer.echo(printable(f"@{p.handle}  {p.name}"))


@person_app.command("list")
@handles_errors
def person_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Everyone with a handle."""
    emit_list(as_json, open_services(db).people.all(), person_row)


def project_row(p: ProjectView) -> tuple[str, ...]:
    """A project as `project list` shows it: key, name, open tasks, columns."""
    return (p.key, p.name, f"{p.open_tasks} open", " | ".join(c.name for c in p.columns))


def person_row(p: PersonView) -> tuple[str, ...]:
    return (f"@{p.handle}", p.name, p.email or "")


def register(app: typer.Typer) -> None:
    """Attach `project` and `person` to the root app."""
    from taskboard.commands.columns import column_app

    project_app.add_typer(column_app, name="column")
    app.add_typer(project_app, name="project")
    app.add_typer(person_app, name="person")
