"""`add`, `done`, `move` and `edit` without Typer or SQLAlchemy: the most frequent writes
start quicker.

`cli.run` offers a line here when it starts with one of these words; a line in the
documented spellings (`taskboard.commands.plainline`) on a store at the schema head runs
the same write steps as the services over a plain connection
(`taskboard.services.plain_tasks`) and prints the same text as the Typer command, which
calls the functions here too, with the services. Any other line, or a store the plain
writer cannot take, gets None and goes to Typer. Refusals and bugs end as they do
there: `cli.run` turns them into one line and exit 1, or exit 70 and the log.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from taskboard.commands.errors import new_person_hint
from taskboard.commands.plainline import JSON_FLAG, MANY, PlainLine, Syntax, parse, split_keys
from taskboard.commands.render import json_text, table_text, task_line
from taskboard.domain.text import clean

if TYPE_CHECKING:
    from taskboard.domain.views import Created, TaskRow
    from taskboard.services.tasks import TaskService


class TaskWrites(Protocol):
    """The writes these commands make: `TaskService`, or `PlainTasks` without SQLAlchemy."""

    def capture(
        self, line: str, project: str | None = None, *, new_people: bool = True
    ) -> Created: ...
    def complete_many(self, keys: Sequence[str]) -> list[TaskRow]: ...
    def move_many(self, keys: Sequence[str], column: str) -> list[TaskRow]: ...
    def apply_tokens_many(
        self, keys: Sequence[str], line: str, *, new_people: bool = True
    ) -> list[TaskRow]: ...


WRITES = {
    "add": Syntax(
        {"--project": "project", "-p": "project"},
        JSON_FLAG | {"--new-person": "new_person"},
        (1, MANY),
    ),
    "done": Syntax(words=(1, MANY)),
    "move": Syntax(words=(2, MANY)),
    "edit": Syntax(flags={"--new-person": "new_person"}, words=(2, MANY)),
}


def add(
    tasks: TaskWrites, text: str, project: str | None, as_json: bool, new_person: bool = False
) -> tuple[str, str]:
    """Create a task from a capture line: (stdout, stderr) to print. An unknown @handle is
    refused, naming the closest ones, unless `new_person`."""
    from taskboard.domain.errors import UnknownPersonError

    try:
        created = tasks.capture(text, project, new_people=new_person)
    except UnknownPersonError as exc:
        raise new_person_hint(exc) from None
    row = created.task
    if as_json:
        return json_text(row.as_json() | {"new_people": list(created.new_people)}), ""
    notes = "".join(
        clean(f"new person @{handle} (rename with: taskboard person add)") + "\n"
        for handle in created.new_people
    )
    return table_text([task_line(row)]), notes


def _lines(rows: Sequence[TaskRow], say: Callable[[TaskRow], str], summary: str) -> str:
    """One line per task; a batch ends with a count, as taskwarrior ends one."""
    text = "".join(clean(say(row)) + "\n" for row in rows)
    return text + (clean(summary.format(n=len(rows))) + "\n" if len(rows) > 1 else "")


def done(tasks: TaskWrites, keys: Sequence[str]) -> str:
    rows = tasks.complete_many(list(keys))
    return _lines(rows, lambda r: f"{r.key}  done ({r.column})", "Completed {n} tasks.")


def reopen(tasks: TaskService, keys: Sequence[str]) -> str:
    rows = tasks.reopen_many(list(keys))
    return _lines(rows, lambda r: f"{r.key}  reopened ({r.column})", "Reopened {n} tasks.")


def archive(tasks: TaskService, keys: Sequence[str]) -> str:
    rows = tasks.archive_many(list(keys))
    return _lines(rows, lambda r: f"{r.key}  archived", "Archived {n} tasks.")


def move(tasks: TaskWrites, keys: Sequence[str], column: str) -> str:
    rows = tasks.move_many(list(keys), column)
    columns = {row.column for row in rows}
    where = f" to {columns.pop()}" if len(columns) == 1 else ""
    return _lines(rows, lambda r: f"{r.key}  → {r.column}", f"Moved {{n}} tasks{where}.")


def edit(tasks: TaskWrites, keys: Sequence[str], tokens: str, new_person: bool = False) -> str:
    """Change tasks with capture tokens. An unknown @handle is refused, naming the closest
    ones, unless `new_person` (as `add` refuses it)."""
    from taskboard.domain.errors import UnknownPersonError

    try:
        rows = tasks.apply_tokens_many(list(keys), tokens, new_people=new_person)
    except UnknownPersonError as exc:
        raise new_person_hint(exc) from None
    summary = f"Changed {len(rows)} tasks.\n" if len(rows) > 1 else ""
    return table_text([task_line(row) for row in rows]) + summary


def _add(tasks: TaskWrites, line: PlainLine) -> tuple[str, str]:
    flags = line.flags
    return add(
        tasks,
        " ".join(line.words),
        line.values.get("project"),
        "json" in flags,
        "new_person" in flags,
    )


_RUN: dict[str, Callable[[TaskWrites, PlainLine], tuple[str, str]]] = {
    "add": _add,
    "done": lambda tasks, line: (done(tasks, line.words), ""),
    "move": lambda tasks, line: (move(tasks, line.words[:-1], line.words[-1]), ""),
    "edit": lambda tasks, line: (
        edit(tasks, *split_keys(line.words), new_person="new_person" in line.flags),
        "",
    ),
}


def answer(args: Sequence[str]) -> int | None:
    """Run `args` without Typer or SQLAlchemy; its exit code, or None when Typer and the
    services should take the line (nothing was written then)."""
    line = parse(args, WRITES)
    if line is None:
        return None
    from taskboard.commands.opening import run_plain

    return run_plain(line.db, lambda tasks: _RUN[line.command](tasks, line))
