"""`taskboard project column …`: the columns of a project's board."""

from __future__ import annotations

from typing import Annotated

import typer

from taskboard.commands.common import DbOption, handles_errors, open_services, printable, table

column_app = typer.Typer(help="A project's columns.", no_args_is_help=True)


@column_app.command("add")
@handles_errors
def column_add(
    key: str,
    name: str,
    db: DbOption = None,
    wip: Annotated[
        int | None, typer.Option("--wip", help="WIP limit: at most this many cards.")
    ] = None,
    done: Annotated[bool, typer.Option("--done", help="Cards moved here count as done.")] = False,
) -> None:
    """Add a column at the right end of a project's board."""
    project = open_services(db).projects.add_column(key, name, wip, done)
    table(
        [
            (printable(c.name), str(c.wip_limit or "—"), "done" if c.is_done else "")
            for c in project.columns
        ]
    )
