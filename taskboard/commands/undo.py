"""`taskboard undo` and `taskboard redo`: the board's `u` and `ctrl+r`, on the same history."""

from __future__ import annotations

import typer

from taskboard.commands.common import DbOption, handles_errors, open_services, printable


@handles_errors
def undo(db: DbOption = None) -> None:
    """Take back your latest change (a batch of tasks as a whole), as `u` does on the board."""
    typer.echo(printable(open_services(db).undo.undo().message))


@handles_errors
def redo(db: DbOption = None) -> None:
    """Put back what the latest undo took back, unless you changed something since."""
    typer.echo(printable(open_services(db).undo.redo().message))


def register(app: typer.Typer) -> None:
    """Attach `undo` and `redo` to the root app."""
    app.command()(undo)
    app.command()(redo)
