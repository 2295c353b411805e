"""`list`, `show` and `agenda` without Typer or SQLAlchemy: the plain read path.

`cli.run` offers every command line here first. A line this path knows (the read
commands with their documented options, nothing else) against a store already at the
schema head is answered with plain SQL (`taskboard.store.plain_reads`) and printed
in one write. Any other line — `--help`, an option spelled another way, a control
character, a store that is missing, older or damaged, a key that names nothing — gets
None back and goes the ordinary way through Typer and the services, which answer it or
refuse it with their one line. The output is the same text either way
(`taskboard.commands.render`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from taskboard.commands.plainline import JSON_FLAG, PlainLine, Syntax, parse

if TYPE_CHECKING:
    from taskboard.config import Settings
    from taskboard.store.connect import ReadConnection

READS = {
    "list": Syntax(
        {
            "--project": "project",
            "-p": "project",
            "--assignee": "assignee",
            "-a": "assignee",
            "--column": "column",
            "-c": "column",
        },
        {"--all": "all", **JSON_FLAG},
    ),
    "show": Syntax(flags=JSON_FLAG, words=(1, 1)),
    "agenda": Syntax(flags=JSON_FLAG, words=(0, 1)),
}


def answer(args: Sequence[str]) -> int | None:
    """Run `args` on the plain read path; its exit code, or None to take the ordinary way."""
    line = parse(args, READS)
    if line is None:
        return None
    from taskboard.commands.opening import plain_target, settings, warn_exposed_config
    from taskboard.store.connect import NotReadable, reading

    conf = settings(line.db)
    target, password = plain_target(conf)
    try:
        with reading(target, password) as conn:
            text = _COMMANDS[line.command](conn, line, conf)
    except NotReadable:
        return None
    except Exception as exc:
        if not type(exc).__module__.startswith(("sqlite3", "psycopg")):
            raise
        return None  # the store failed under the plain read: the ordinary path says how
    if conf.db_password:
        warn_exposed_config()
    sys.stdout.write(text)
    return 0


def _list(conn: ReadConnection, line: PlainLine, conf: Settings) -> str:
    from taskboard.commands.render import list_text
    from taskboard.store import plain_reads

    rows = plain_reads.rows(
        conn,
        project=line.values.get("project"),
        assignee=line.values.get("assignee"),
        column=line.values.get("column"),
        include_closed="all" in line.flags,
    )
    return list_text(rows, "json" in line.flags)


def _show(conn: ReadConnection, line: PlainLine, conf: Settings) -> str:
    from taskboard.commands.render import show_text
    from taskboard.store import plain_reads

    key = line.words[0]
    return show_text(plain_reads.detail(conn, key), "json" in line.flags, asked=key)


def _agenda(conn: ReadConnection, line: PlainLine, conf: Settings) -> str:
    from taskboard.commands.render import agenda_text
    from taskboard.store import plain_reads

    handle = line.words[0] if line.words else None
    view = plain_reads.agenda(conn, conf.user, handle, date.today())
    return agenda_text(view, mine=handle is None, as_json="json" in line.flags)


_COMMANDS: dict[str, Callable[[ReadConnection, PlainLine, Settings], str]] = {
    "list": _list,
    "show": _show,
    "agenda": _agenda,
}
