"""The `taskboard` command: the one place that assembles settings, store, services and app.

Commands that need no screen never import Textual, so `taskboard add` stays fast.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from taskboard import __version__
from taskboard.commands.columns import column_app
from taskboard.commands.common import (
    DbOption,
    JsonOption,
    emit_json,
    fail,
    handles_errors,
    open_services,
    printable,
    settings,
    table,
)

app = typer.Typer(
    name="taskboard",
    help="A keyboard-driven terminal task board with OKRs, for teams that run work in meetings.",
    no_args_is_help=False,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
project_app = typer.Typer(help="Projects and their columns.", no_args_is_help=True)
person_app = typer.Typer(help="People and their @handles.", no_args_is_help=True)
db_app = typer.Typer(
    help="Where the store lives, upgrades, backups and checks.", no_args_is_help=True
)
app.add_typer(project_app, name="project")
project_app.add_typer(column_app, name="column")
app.add_typer(person_app, name="person")
app.add_typer(db_app, name="db")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"taskboard {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def main_callback(
    ctx: typer.Context,
    db: DbOption = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Open the board of the last used project, or run one of the commands below."""
    if db is not None:
        # `taskboard --db X COMMAND` means the same as `taskboard COMMAND --db X`.
        import os

        os.environ["TASKBOARD_DB"] = db
    if ctx.invoked_subcommand is None:
        _run_board(db, None)


# Cards per column read for the first paint: more than any terminal shows at once.
FIRST_PAINT_CARDS = 60


@handles_errors
def _run_board(
    db: str | None, project: str | None, store_target: str | None = None, demo: bool = False
) -> None:
    # Start-up makes objects that live as long as the program (modules, styles, widgets):
    # collecting garbage among them is wasted work before the first paint. Once made, they
    # are frozen out of every later collection, which resumes for what the app makes.
    gc.disable()
    try:
        app = _board_app(db, project, store_target, demo)
        gc.freeze()
    finally:
        gc.enable()
    app.run()
    if app.return_code:  # the services failed to load behind the board: the app said why
        raise typer.Exit(app.return_code)


def _board_app(db: str | None, project: str | None, store_target: str | None, demo: bool) -> Any:
    from taskboard.config import save_setting
    from taskboard.ui.app import UiOptions, make_app

    conf = settings(db)

    def remember(key: str, value: str | None) -> None:
        # The demo lives in its own store: its projects are not the ones to reopen in yours.
        if not (demo and key == "last_project"):
            save_setting(key, value)

    wanted = project or conf.last_project
    options = UiOptions(theme=conf.theme, project=wanted, remember=remember)
    snapshot = _board_snapshot(store_target or conf.store_target(), wanted)
    if snapshot is not None and (project is None or snapshot.project.key == project.upper()):
        # Paint first: the board comes from a stdlib read; SQLModel loads behind it.
        app = make_app(
            None,
            options,
            loader=lambda: open_services(db, store_target, quiet=True),
            snapshot=snapshot,
        )
    else:
        services = open_services(db, store_target)
        if project is not None:
            services.projects.get(project)  # an unknown key fails here, with a clear message
        app = make_app(services, options)
    if project is not None and project.upper() != conf.last_project:
        remember("last_project", project.upper())  # `taskboard` reopens what you opened last
    return app


def _board_snapshot(target: str, project: str | None) -> Any:
    """The fast first-paint read, for a local SQLite file that is already at head."""
    from pathlib import Path

    from taskboard.services.snapshot import read_board
    from taskboard.store.netfs import filesystem_type, is_network_type
    from taskboard.store.revisions import head_revision

    if "://" in target:
        if not target.startswith("sqlite:///"):
            return None
        target = target.removeprefix("sqlite:///")
    path = Path(target).expanduser()
    if is_network_type(filesystem_type(path)):
        return None  # the ordinary path warns about network file systems
    return read_board(path, project, head_revision(), limit=FIRST_PAINT_CARDS)


@app.command()
def board(
    key: Annotated[str | None, typer.Argument(help="Project key; default: the last used.")] = None,
    db: DbOption = None,
) -> None:
    """Open a project's board."""
    _run_board(db, key)


# ---- tasks -----------------------------------------------------------------


def _nested(rows: list[Any]) -> list[tuple[Any, str]]:
    """`rows` with each subtask right under its parent when that is listed, and the title to
    show: `↳ title` there, `↳ DEL-51: title` where the parent is not listed."""
    listed = {r.key for r in rows}
    children: dict[str, list[Any]] = {}
    for r in rows:
        if r.parent in listed:
            children.setdefault(r.parent, []).append(r)
    out: list[tuple[Any, str]] = []

    def add(row: Any, title: str) -> None:
        out.append((row, title))
        for child in children.get(row.key, []):
            add(child, f"↳ {child.title}")

    for r in rows:
        if r.parent not in listed:
            add(r, f"↳ {r.parent}: {r.title}" if r.parent else r.title)
    return out


def _task_line(row: Any, title: str | None = None) -> list[str]:
    return [
        row.key,
        row.column,
        row.title if title is None else title,
        f"@{row.assignee}" if row.assignee else "",
        row.due.isoformat() if row.due else "",
        f"!{row.priority}" if row.priority != "normal" else "",
        " ".join(f"#{t}" for t in row.tags),
    ]


@app.command()
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
        typer.echo(f"new person @{handle} (rename with: taskboard person add)", err=True)


@app.command("list")
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


@app.command()
@handles_errors
def show(key: str, db: DbOption = None, as_json: JsonOption = False) -> None:
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


@app.command()
@handles_errors
def move(key: str, column: str, db: DbOption = None) -> None:
    """Move a task to a column (name or unique prefix)."""
    row = open_services(db).tasks.move(key, column)
    typer.echo(printable(f"{row.key}  → {row.column}"))


@app.command()
@handles_errors
def done(key: str, db: DbOption = None) -> None:
    """Mark a task done."""
    row = open_services(db).tasks.complete(key)
    typer.echo(printable(f"{row.key}  done ({row.column})"))


@app.command()
@handles_errors
def reopen(key: str, db: DbOption = None) -> None:
    """Mark a done task open again."""
    row = open_services(db).tasks.reopen(key)
    typer.echo(printable(f"{row.key}  reopened ({row.column})"))


@app.command()
@handles_errors
def edit(
    key: str,
    tokens: Annotated[
        str, typer.Argument(help="Capture tokens to apply; plain words replace the title.")
    ],
    db: DbOption = None,
) -> None:
    """Change a task with capture tokens, e.g. `taskboard edit DEL-3 "@anna ^fri !high"`."""
    row = open_services(db).tasks.apply_tokens(key, tokens)
    table([_task_line(row)])


@app.command()
@handles_errors
def comment(key: str, text: str, db: DbOption = None) -> None:
    """Add a comment to a task (the author is the configured user)."""
    c = open_services(db).tasks.comment(key, text)
    typer.echo(printable(f"{key.upper()}  comment by @{c.author}"))


@app.command()
@handles_errors
def archive(key: str, db: DbOption = None) -> None:
    """Archive a task (it leaves the board but keeps its history)."""
    row = open_services(db).tasks.archive(key)
    typer.echo(f"{row.key}  archived")


# ---- projects and people -------------------------------------------------------


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
    if as_json:
        emit_json(
            [
                {
                    "key": p.key,
                    "name": p.name,
                    "description": p.description,
                    "open": p.open_tasks,
                    "columns": [
                        {"name": c.name, "wip_limit": c.wip_limit, "done": c.is_done}
                        for c in p.columns
                    ],
                }
                for p in projects
            ]
        )
        return
    table(
        [
            (p.key, p.name, f"{p.open_tasks} open", " | ".join(c.name for c in p.columns))
            for p in projects
        ]
    )


@project_app.command("wip")
@handles_errors
def project_wip(key: str, column: str, limit: int, db: DbOption = None) -> None:
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
    people = open_services(db).people.all()
    if as_json:
        emit_json([{"handle": p.handle, "name": p.name, "email": p.email} for p in people])
        return
    table([(f"@{p.handle}", p.name, p.email or "") for p in people])


# ---- the store --------------------------------------------------------------------


@db_app.command("where")
@handles_errors
def db_where(db: DbOption = None) -> None:
    """Print which store the commands use (password masked)."""
    from taskboard.store import mask, resolve_url

    typer.echo(mask(resolve_url(settings(db).store_target())))


@db_app.command("upgrade")
@handles_errors
def db_upgrade(db: DbOption = None) -> None:
    """Migrate the store to this program's schema (a SQLite file is backed up first)."""
    from taskboard.store import open_store
    from taskboard.store.revisions import head_revision

    store = open_store(settings(db).store_target())
    if store.backup_made:
        typer.echo(f"backup: {store.backup_made}")
    typer.echo(f"{store.display_url} is at schema {head_revision()}")


@db_app.command("backup")
@handles_errors
def db_backup(path: Path, db: DbOption = None) -> None:
    """Write a consistent copy of a SQLite store while others keep working."""
    from taskboard.store import open_store
    from taskboard.store.backup import backup_sqlite

    store = open_store(settings(db).store_target())
    if store.backend != "sqlite":
        fail("backups of PostgreSQL stores are made with pg_dump")
    typer.echo(str(backup_sqlite(store.engine, path)))


@db_app.command("check")
@handles_errors
def db_check(db: DbOption = None) -> None:
    """Check the store's integrity and references."""
    from taskboard.store import open_store
    from taskboard.store.check import check_store

    problems = check_store(open_store(settings(db).store_target()))
    if problems:
        for p in problems:
            typer.echo(p, err=True)
        raise typer.Exit(1)
    typer.echo("ok")


# ---- demo and screens ------------------------------------------------------------------


@app.command()
@handles_errors
def demo(
    db: DbOption = None,
    no_tui: Annotated[bool, typer.Option("--no-tui", help="Only load the data.")] = False,
) -> None:
    """Load the demo workspace (into demo.db in the data dir unless --db) and open its board."""
    from taskboard.config import demo_store
    from taskboard.services.demo import load_demo

    target = db or str(demo_store())
    services = open_services(None, target)
    loaded = load_demo(services)
    typer.echo(
        f"demo workspace {'loaded into' if loaded else 'already in'} "
        f"{services.ctx.store.display_url}",
        err=True,
    )
    if not no_tui:
        _run_board(db, "DEL", target, demo=True)


def main() -> None:
    import signal
    import sys

    from taskboard.commands import register

    # `taskboard list | head` should end quietly, like any Unix tool.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    line = CommandLine.parse(sys.argv[1:])
    if line.opens_board:
        # The product's most frequent line starts without Typer: its parse builds a pydantic
        # TypeAdapter per parameter (~0.1 s, a third of a bare Textual start) before the
        # board could paint. Every other line, `--help` included, goes through Typer.
        try:
            _run_board(line.db, line.words[1] if len(line.words) > 1 else None)
        except typer.Exit as exc:
            raise SystemExit(exc.exit_code) from None
        except KeyboardInterrupt:  # ctrl+c before the board took the terminal, as Typer does
            typer.echo("Aborted!", err=True)
            raise SystemExit(1) from None
        return
    core = frozenset(
        c.name or (c.callback.__name__.replace("_", "-") if c.callback else "")
        for c in app.registered_commands
    ) | {g.name or "" for g in app.registered_groups}
    if line.words:
        register(app, line.words[0], core)
    elif "--help" in sys.argv:
        register(app)
    app()


@dataclass(frozen=True)
class CommandLine:
    """A command line's words, apart from `--db` and its value, which may stand anywhere."""

    words: tuple[str, ...]
    db: str | None
    other_options: bool

    @classmethod
    def parse(cls, args: list[str]) -> CommandLine:
        words: list[str] = []
        db = None
        other = False
        rest = iter(args)
        for arg in rest:
            if arg == "--db" or arg.startswith("--db="):
                db = next(rest, None) if arg == "--db" else arg.removeprefix("--db=")
                other = other or not db  # a missing or empty value: Typer's way, not a guess
            elif arg.startswith("-"):
                other = True
            else:
                words.append(arg)
        return cls(tuple(words), db, other)

    @property
    def opens_board(self) -> bool:
        """`taskboard` or `taskboard board [KEY]`, with nothing else but `--db`."""
        if self.other_options:
            return False
        return not self.words or (self.words[0] == "board" and len(self.words) <= 2)
