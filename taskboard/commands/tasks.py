"""`taskboard add`, `list`, `show`, `move`, `done`, `reopen`, `edit`, `comment`, `archive`.

The write commands take several keys and change them in one transaction.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from taskboard.commands import quick
from taskboard.commands.common import (
    DbOption,
    JsonOption,
    NewPersonOption,
    fail,
    handles_errors,
    open_services,
    printable,
    words,
)
from taskboard.commands.plainline import looks_like_key, split_keys
from taskboard.commands.render import list_text, show_text

KeyArgument = Annotated[str, typer.Argument(metavar="KEY", help="A task key, e.g. DEL-12.")]
# The write commands take several keys: one change, all of them or none (`taskboard undo`
# takes it back whole).
KeysArgument = Annotated[
    list[str], typer.Argument(metavar="KEY", help="One or more task keys, e.g. DEL-12 DEL-14.")
]


@handles_errors
def add(
    line: Annotated[
        list[str], words("LINE", "A capture line: title @who ^when #tag !prio +KEY >column ~KR")
    ],
    db: DbOption = None,
    project: Annotated[
        str | None, typer.Option("--project", "-p", help="Project when the line has no +KEY.")
    ] = None,
    as_json: JsonOption = False,
    new_person: NewPersonOption = False,
) -> None:
    """Create a task from a quick-capture line and print its key.

    An unknown @handle is refused (naming the closest ones) unless --new-person."""
    out, err = quick.add(open_services(db).tasks, " ".join(line), project, as_json, new_person)
    typer.echo(out, nl=False)
    if err:
        typer.echo(err, nl=False, err=True)


@handles_errors
def list_tasks(
    db: DbOption = None,
    project: Annotated[str | None, typer.Option("--project", "-p")] = None,
    assignee: Annotated[str | None, typer.Option("--assignee", "-a")] = None,
    column: Annotated[str | None, typer.Option("--column", "-c")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Include done and archived tasks.")] = False,
    as_json: JsonOption = False,
) -> None:
    """List open tasks (all with --all)."""
    services = open_services(db)
    rows = services.tasks.rows(
        project=project, assignee=assignee, column=column, include_closed=all_
    )
    sys.stdout.write(list_text(rows, as_json))


@handles_errors
def show(key: KeyArgument, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Show one task with its notes, subtasks, links, comments and history."""
    detail = open_services(db).tasks.detail(key)
    sys.stdout.write(show_text(detail, as_json, asked=key))


@handles_errors
def move(
    keys: Annotated[
        list[str] | None,
        typer.Argument(metavar="KEY", help="One or more task keys, e.g. DEL-12 DEL-14."),
    ] = None,
    column: Annotated[
        str | None, typer.Argument(metavar="COLUMN", help="A column name or its unique prefix.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Move tasks to a column (name or unique prefix): all of them, or none if one is refused."""
    # Both are optional to Click, so that a forgotten column is named as what is missing
    # (Click would give the lone word to COLUMN and miss the KEY).
    words = [*(keys or []), *([column] if column is not None else [])]
    if len(words) < 2:
        missing = "the column" if words and looks_like_key(words[0]) else "a task key"
        fail(f"{missing} is missing: taskboard move KEY… COLUMN")
    typer.echo(quick.move(open_services(db).tasks, words[:-1], words[-1]), nl=False)


@handles_errors
def done(keys: KeysArgument, db: DbOption = None) -> None:
    """Mark tasks done: all of them, or none if one is refused (blocked, already done)."""
    typer.echo(quick.done(open_services(db).tasks, keys), nl=False)


@handles_errors
def reopen(keys: KeysArgument, db: DbOption = None) -> None:
    """Mark done tasks open again: all of them, or none if one is refused."""
    typer.echo(quick.reopen(open_services(db).tasks, keys), nl=False)


@handles_errors
def edit(
    keys: KeysArgument,
    tokens: Annotated[
        str,
        typer.Argument(
            metavar="TOKENS...",
            help="Capture tokens to apply; plain words replace the title. Several words are "
            "one line: the arguments after the keys.",
        ),
    ],
    db: DbOption = None,
    new_person: NewPersonOption = False,
) -> None:
    """Change tasks with capture tokens, e.g. `taskboard edit DEL-3 DEL-4 @anna ^fri !high`;
    all of them, or none if one is refused.

    An unknown @handle is refused (naming the closest ones) unless --new-person."""
    # Click gives the last word to TOKENS and the others to KEY: read them as one line.
    keys, line = split_keys([*keys, tokens])
    typer.echo(quick.edit(open_services(db).tasks, keys, line, new_person), nl=False)


@handles_errors
def comment(
    key: KeyArgument,
    text: Annotated[list[str], words("TEXT", "The comment")],
    db: DbOption = None,
) -> None:
    """Add a comment to a task (the author is the configured user)."""
    c = open_services(db).tasks.comment(key, " ".join(text))
    typer.echo(printable(f"{key.upper()}  comment by @{c.author}"))


@handles_errors
def archive(keys: KeysArgument, db: DbOption = None) -> None:
    """Archive tasks (they leave the board but keep their history): all, or none."""
    typer.echo(quick.archive(open_services(db).tasks, keys), nl=False)


def register(app: typer.Typer) -> None:
    """Attach the task commands to the root app."""
    app.command()(add)
    app.command("list")(list_tasks)
    for command in (show, move, done, reopen, edit, comment, archive):
        app.command()(command)
