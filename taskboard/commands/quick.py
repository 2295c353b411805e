"""`add`, `done`, `move` and `edit` without Typer: the most frequent writes start quicker.

`cli.run` offers a line here when it starts with one of these words; a line in the
documented spellings (`taskboard.commands.plainline`) runs through the same services
and prints the same text as the Typer command, which calls the functions here too.
Any other line gets None and goes to Typer. Refusals and bugs end as they do there:
`cli.run` turns them into one line and exit 1, or exit 70 and the log.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from taskboard.commands.errors import new_person_hint
from taskboard.commands.plainline import JSON_FLAG, MANY, PlainLine, Syntax, parse, split_keys
from taskboard.commands.render import json_text, table_text, task_line
from taskboard.domain.text import clean

if TYPE_CHECKING:
    from taskboard.domain.views import TaskRow
    from taskboard.services import Services

WRITES = {
    "add": Syntax(
        {"--project": "project", "-p": "project"},
        JSON_FLAG | {"--new-person": "new_person"},
        (1, MANY),
    ),
    "done": Syntax(words=(1, 1)),
    "move": Syntax(words=(2, 2)),
    "edit": Syntax(flags={"--new-person": "new_person"}, words=(2, MANY)),
}


def add(
    services: Services, text: str, project: str | None, as_json: bool, new_person: bool = False
) -> tuple[str, str]:
    """Create a task from a capture line: (stdout, stderr) to print. An unknown @handle is
    refused, naming the closest ones, unless `new_person`."""
    from taskboard.domain.errors import UnknownPersonError

    try:
        created = services.tasks.capture(text, project, new_people=new_person)
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


def done(services: Services, keys: Sequence[str]) -> str:
    rows = services.tasks.complete_many(list(keys))
    return _lines(rows, lambda r: f"{r.key}  done ({r.column})", "Completed {n} tasks.")


def reopen(services: Services, keys: Sequence[str]) -> str:
    rows = services.tasks.reopen_many(list(keys))
    return _lines(rows, lambda r: f"{r.key}  reopened ({r.column})", "Reopened {n} tasks.")


def archive(services: Services, keys: Sequence[str]) -> str:
    rows = services.tasks.archive_many(list(keys))
    return _lines(rows, lambda r: f"{r.key}  archived", "Archived {n} tasks.")


def move(services: Services, keys: Sequence[str], column: str) -> str:
    rows = services.tasks.move_many(list(keys), column)
    columns = {row.column for row in rows}
    where = f" to {columns.pop()}" if len(columns) == 1 else ""
    return _lines(rows, lambda r: f"{r.key}  → {r.column}", f"Moved {{n}} tasks{where}.")


def edit(services: Services, keys: Sequence[str], tokens: str, new_person: bool = False) -> str:
    """Change tasks with capture tokens. An unknown @handle is refused, naming the closest
    ones, unless `new_person` (as `add` does)."""
    from taskboard.domain.errors import UnknownPersonError

    try:
        rows = services.tasks.apply_tokens_many(list(keys), tokens, new_people=new_person)
    except UnknownPersonError as exc:
        raise new_person_hint(exc) from None
    summary = f"Changed {len(rows)} tasks.\n" if len(rows) > 1 else ""
    return table_text([task_line(row) for row in rows]) + summary


def _add(services: Services, line: PlainLine) -> tuple[str, str]:
    flags = line.flags
    return add(
        services,
        " ".join(line.words),
        line.values.get("project"),
        "json" in flags,
        "new_person" in flags,
    )


_RUN: dict[str, Callable[[Services, PlainLine], tuple[str, str]]] = {
    "add": _add,
    "done": lambda services, line: (done(services, line.words), ""),
    "move": lambda services, line: (move(services, line.words[:1], line.words[1]), ""),
    "edit": lambda services, line: (
        edit(services, *split_keys(line.words), "new_person" in line.flags),
        "",
    ),
}


def answer(args: Sequence[str]) -> int | None:
    """Run `args` without Typer; its exit code, or None when Typer should read the line."""
    line = parse(args, WRITES)
    if line is None:
        return None
    from taskboard.commands.opening import open_services

    out, err = _RUN[line.command](open_services(line.db), line)
    sys.stdout.write(out)
    if err:
        sys.stderr.write(err)
    return 0
