"""The root Typer app and how a command line runs through it.

Every failure of a line ends as one line on stderr: usage errors (an unknown option,
a bad value) exit 1 like every other refusal, so scripts have one code to test.
Negative numbers are values, not options (`okr checkin O1-KR1 -5`), and a control
character in a key, handle or project argument is refused, never stripped.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator, Sequence
from typing import Annotated, Any

import typer
import typer.main

from taskboard import __version__
from taskboard.commands.common import DbOption, handles_errors, open_services
from taskboard.commands.errors import is_control, say

# A negative number as typed: -5, -0.5, -1e3. No short option of taskboard is a digit,
# a dot or an e, so Click reads such a token as one value once unknown options are
# allowed. (`-inf` is not one: its n would be the -n option.)
NEGATIVE_NUMBER = re.compile(r"-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")

# Parameters naming a thing by its key or handle: no control character belongs there,
# not even a tab or a line break.
KEY_PARAMETERS = frozenset(
    {
        "key",
        "keys",
        "project",
        "handle",
        "from_handle",
        "to_handle",
        "assignee",
        "owner",
        "parent",
        "objective",
        "key_result",
        "column",
    }
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"taskboard {__version__}")
        raise typer.Exit()


def main_callback(
    ctx: typer.Context,
    db: DbOption = None,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo", help="Use the demo's store (see `taskboard demo`); --db of its file."
        ),
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Open the board of the last used project, or run one of the commands below."""
    if demo:  # `taskboard.cli.run` reads it first; this is for a line Typer reads alone
        from taskboard.config import demo_store

        if db is not None:
            raise typer.BadParameter("give --db or --demo, not both")
        db = str(demo_store())
        ctx.params["db"] = db
    if db is not None:
        # `taskboard --db X COMMAND` means the same as `taskboard COMMAND --db X`.
        import os

        os.environ["TASKBOARD_DB"] = db
    if ctx.invoked_subcommand is None:
        from taskboard.commands.board import run_board

        handles_errors(run_board)(db, None)


def board(
    key: Annotated[str | None, typer.Argument(help="Project key; default: the last used.")] = None,
    db: DbOption = None,
) -> None:
    """Open a project's board."""
    from taskboard.commands.board import run_board

    handles_errors(run_board)(db, key)


@handles_errors
def demo(
    ctx: typer.Context,
    db: DbOption = None,
    no_tui: Annotated[bool, typer.Option("--no-tui", help="Only load the data.")] = False,
) -> None:
    """Load the demo workspace (into demo.db in the data dir unless --db) and open its board."""
    from taskboard.commands.board import run_board
    from taskboard.config import demo_store
    from taskboard.services.demo import load_demo

    # `taskboard --db X demo` means `taskboard demo --db X`, as for every other command.
    db = db or (ctx.parent.params.get("db") if ctx.parent is not None else None)
    target = db or str(demo_store())
    services = open_services(None, target)
    loaded = load_demo(services)
    where = services.ctx.store.display_url
    typer.echo(f"demo workspace {'loaded into' if loaded else 'already in'} {where}", err=True)
    if not no_tui:
        run_board(db, "DEL", target, demo=True)
    # Where the demo is, from the shell: its own store, never the user's.
    reach = "--demo" if target == str(demo_store()) else f"--db {shlex.quote(target)}"
    typer.echo(f"the demo from the shell: taskboard {reach} list --project DEL", err=True)


def build_app() -> typer.Typer:
    """The root app with the core commands; other groups attach on demand
    (`taskboard.commands.register`)."""
    from taskboard.commands import db, projects, tasks

    app = typer.Typer(
        name="taskboard",
        help="A keyboard-driven terminal task board with OKRs, for teams that run work in "
        "meetings.",
        no_args_is_help=False,
        add_completion=False,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
    )
    app.callback(invoke_without_command=True)(main_callback)
    app.command()(board)
    tasks.register(app)
    projects.register(app)
    db.register(app)
    app.command()(demo)
    return app


def core_names(app: typer.Typer) -> frozenset[str]:
    """The first words the root app knows without attaching more groups."""
    return frozenset(
        c.name or (c.callback.__name__.replace("_", "-") if c.callback else "")
        for c in app.registered_commands
    ) | {g.name or "" for g in app.registered_groups}


def walk(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every Click command under `command` with the words that reach it."""
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from walk(sub, (*path, name))


def _refuse_control(ctx: Any, param: Any, value: Any) -> Any:
    for text in value if isinstance(value, (list, tuple)) else [value]:
        if isinstance(text, str):
            bad = next((ch for ch in text if is_control(ch)), None)
            if bad is not None:
                raise typer.BadParameter(
                    f"{text!r} holds a control character (U+{ord(bad):04X}): type it without"
                )
    return value


def _guard(command: Any, args: Sequence[str]) -> None:
    """Set the line's rules on every command: key arguments refuse control characters;
    with a negative number on the line, an unknown `-…` is a value, not an option."""
    negative = any(NEGATIVE_NUMBER.fullmatch(a) for a in args)
    for _path, cmd in walk(command):
        if negative:
            cmd.context_settings["ignore_unknown_options"] = True
        for param in cmd.params:
            if param.name in KEY_PARAMETERS and param.callback is None:
                param.callback = _refuse_control


def run(app: typer.Typer, args: Sequence[str]) -> int:
    """Run one command line through Typer; returns the exit code."""
    command = typer.main.get_command(app)
    _guard(command, args)
    try:
        result = command.main(args=list(args), prog_name="taskboard", standalone_mode=False)
    except typer.Abort:
        typer.echo("Aborted!", err=True)
        return 1
    except typer.Exit as exc:
        return exc.exit_code
    except typer.TyperException as exc:  # Click's usage errors: an option, a value, a command
        ctx = getattr(exc, "ctx", None)
        hint = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
        if type(exc).__name__ == "NoArgsIsHelpError":  # a group without its command
            typer.echo(exc.format_message())
            say(f"a command is missing{hint}")
        else:
            say(exc.format_message() + hint)
        return 1
    return result if isinstance(result, int) else 0
