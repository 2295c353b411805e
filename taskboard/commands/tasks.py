"""`taskboard add`, `list`, `show`, `move`, `done`, `reopen`, `edit`, `comment`, `archive`.

The write commands take several keys and change them in one transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from taskboard.commands.common import (
    DbOption,
    JsonOption,
    emit_json,
    handles_errors,
    open_services,
    printable,
    table,
)

if TYPE_CHECKING:
    from taskboard.domain.views import TaskRow

KeyArgument = Annotated[str, typer.Argument(metavar="KEY", help="A task key, e.g. DEL-12.")]
# The write commands take several keys: one change, all of them or none (`taskboard undo`
# takes it back whole).
KeysArgument = Annotated[
    list[str], typer.Argument(metavar="KEY", help="One or more task keys, e.g. DEL-12 DEL-14.")
]
ColumnArgument = Annotated[
    str, typer.Argument(metavar="COLUMN", help="A column name or its unique prefix.")
]


def _nested(rows: list[TaskRow]) -> list[tuple[TaskRow, str]]:
    """`rows` with each subtask right under its parent when that is listed, and the title to
    show: `↳ title` there, `↳ DEL-51: title` where the parent is not listed."""
    listed = {r.key for r in rows}
    children: dict[str, list[TaskRow]] = {}
    for r in rows:
        if r.parent in listed:
            children.setdefault(r.parent, []).append(r)
    out: list[tuple[TaskRow, str]] = []

    def add(row: TaskRow, title: str) -> None:
        out.append((row, title))
        for child in children.get(row.key, []):
            add(child, f"↳ {child.title}")

    for r in rows:
        if r.parent not in listed:
            add(r, f"↳ {r.parent}: {r.title}" if r.parent else r.title)
    return out


def _task_line(row: TaskRow, title: str | None = None) -> list[str]:
    return [
        row.key,
        row.column,
        row.title if title is None else title,
        f"@{row.assignee}" if row.assignee else "",
        row.due.isoformat() if row.due else "",
        f"!{row.priority}" if row.priority != "normal" else "",
        " ".join(f"#{t}" for t in row.tags),
    ]


@handles_errors
def add(
    line: Annotated[
        str, typer.Argument(help="A capture line: title @who ^when #tag !prio +KEY >column ~KR")
    ],
    db: DbOption = None,
    project: Annotated[
        str | None, typer.Option("--project", "-p", help="Project when the line has no +KEY.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Create a task from a quick-capture line and print its key."""
    services = open_services(db)
    created = services.tasks.capture(line, project)
    row = created.task
    if as_json:
        emit_json(row.as_json() | {"new_people": list(created.new_people)})
        return
    table([_task_line(row)])
    for handle in created.new_people:
        typer.echo(printable(f"new person @{handle} (rename with: taskboard person add)"), err=True)


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
    if as_json:
        emit_json([r.as_json() for r in rows])
        return
    table([_task_line(r, title) for r, title in _nested(rows)])


@handles_errors
def show(key: KeyArgument, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Show one task with its notes, subtasks, links, comments and history."""
    from taskboard.domain.views import history_lines

    services = open_services(db)
    detail = services.tasks.detail(key)
    if as_json:
        emit_json(detail.as_json())
        return
    t = detail.task
    typer.echo(printable(f"{t.key}  {t.title}"))
    fields = [
        ("project", t.project),
        ("column", t.column + (" (done)" if t.done else "")),
        ("assignee", f"@{t.assignee}" if t.assignee else "—"),
        ("due", t.due.isoformat() if t.due else "—"),
        ("priority", t.priority),
        ("tags", " ".join(f"#{x}" for x in t.tags) or "—"),
    ]
    if t.key_result:
        fields.append(("key result", t.key_result))
    if t.parent:
        fields.append(("subtask of", t.parent))
    if detail.recurrence:
        fields.append(("repeats", detail.recurrence))
    if t.archived:
        fields.append(("archived", "yes"))
    table([(f"  {k}", v) for k, v in fields])
    if detail.notes:
        typer.echo("\n" + "\n".join(printable(line) for line in detail.notes.splitlines()))
    if detail.subtasks:
        typer.echo("\nSubtasks:")
        for sub in detail.subtasks:
            typer.echo(printable(f"  [{'x' if sub.done else ' '}] {sub.key}  {sub.title}"))
    if detail.blocked_by:
        typer.echo("\nBlocked by: " + ", ".join(b.key for b in detail.blocked_by))
    if detail.blocking:
        typer.echo("Blocking: " + ", ".join(b.key for b in detail.blocking))
    if detail.comments:
        typer.echo("\nComments:")
        for c in detail.comments:
            typer.echo(printable(f"  {c.created:%Y-%m-%d %H:%M} @{c.author}: {c.body}"))
    typer.echo("\nHistory:")
    for a, line in history_lines(detail.history):
        typer.echo(printable(f"  {a.at:%Y-%m-%d %H:%M} @{a.actor} {line}"))


@handles_errors
def move(keys: KeysArgument, column: ColumnArgument, db: DbOption = None) -> None:
    """Move tasks to a column (name or unique prefix): all of them, or none if one is refused."""
    rows = open_services(db).tasks.move_many(keys, column)
    for row in rows:
        typer.echo(printable(f"{row.key}  → {row.column}"))
    columns = {row.column for row in rows}
    _summary(rows, "Moved", f" to {columns.pop()}" if len(columns) == 1 else "")


@handles_errors
def done(keys: KeysArgument, db: DbOption = None) -> None:
    """Mark tasks done: all of them, or none if one is refused (blocked, already done)."""
    rows = open_services(db).tasks.complete_many(keys)
    for row in rows:
        typer.echo(printable(f"{row.key}  done ({row.column})"))
    _summary(rows, "Completed")


@handles_errors
def reopen(keys: KeysArgument, db: DbOption = None) -> None:
    """Mark done tasks open again: all of them, or none if one is refused."""
    rows = open_services(db).tasks.reopen_many(keys)
    for row in rows:
        typer.echo(printable(f"{row.key}  reopened ({row.column})"))
    _summary(rows, "Reopened")


@handles_errors
def edit(
    keys: KeysArgument,
    tokens: Annotated[
        str, typer.Argument(help="Capture tokens to apply; plain words replace the title.")
    ],
    db: DbOption = None,
) -> None:
    """Change tasks with capture tokens, e.g. `taskboard edit DEL-3 DEL-4 "@anna ^fri !high"`;
    all of them, or none if one is refused."""
    rows = open_services(db).tasks.apply_tokens_many(keys, tokens)
    table([_task_line(row) for row in rows])
    _summary(rows, "Changed")


@handles_errors
def comment(key: KeyArgument, text: str, db: DbOption = None) -> None:
    """Add a comment to a task (the author is the configured user)."""
    c = open_services(db).tasks.comment(key, text)
    typer.echo(printable(f"{key.upper()}  comment by @{c.author}"))


@handles_errors
def archive(keys: KeysArgument, db: DbOption = None) -> None:
    """Archive tasks (they leave the board but keep their history): all, or none."""
    rows = open_services(db).tasks.archive_many(keys)
    for row in rows:
        typer.echo(printable(f"{row.key}  archived"))
    _summary(rows, "Archived")


def _summary(rows: list[TaskRow], verb: str, where: str = "") -> None:
    """A count after the lines of a batch, as taskwarrior ends one: `Completed 3 tasks.`"""
    if len(rows) > 1:
        typer.echo(printable(f"{verb} {len(rows)} tasks{where}."))


def register(app: typer.Typer) -> None:
    """Attach the task commands to the root app."""
    app.command()(add)
    app.command("list")(list_tasks)
    for command in (show, move, done, reopen, edit, comment, archive):
        app.command()(command)
