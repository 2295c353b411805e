"""The `taskboard` command: the one place that assembles settings, store, services and app.

`main` reads the command line, opens the board straight away when that is all the
line asks (no Typer before the first paint), and hands every other line to the Typer
app in `taskboard.commands`. Whatever happens, the user sees at most one line: a
refusal exits 1, a bug exits 70 with its traceback in the log file.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from taskboard.commands.board import FIRST_PAINT_CARDS
from taskboard.commands.board import board_app as _board_app
from taskboard.commands.board import board_snapshot as _board_snapshot
from taskboard.commands.board import run_board as _run_board
from taskboard.commands.errors import CliError, internal_error, refusal, say

if TYPE_CHECKING:
    import typer

# The read-only commands the plain read path may answer (`taskboard.commands.reads`).
READ_COMMANDS = frozenset({"list", "show", "agenda"})
# The writes that may skip Typer (`taskboard.commands.quick`).
QUICK_COMMANDS = frozenset({"add", "done", "move", "edit"})

__all__ = ["FIRST_PAINT_CARDS", "CommandLine", "_board_app", "_board_snapshot", "main", "run"]


def __getattr__(name: str) -> Any:
    # PEP 562: the Typer app is built on first use, never on the board's path.
    if name == "app":
        from taskboard.commands.root import build_app

        built = build_app()
        globals()["app"] = built
        return built
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    import signal

    # `taskboard list | head` should end quietly, like any Unix tool.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    code = run(sys.argv[1:])
    if code:
        raise SystemExit(code)


def run(args: Sequence[str]) -> int:
    """Run one command line; returns its exit code (0, 1 for a refusal, 70 for a bug)."""
    line = None
    try:
        check_arguments(args)
        args = demo_store_option(args)
        line = CommandLine.parse(list(args))
        if line.opens_board:
            # The product's most frequent line starts without Typer: its parse builds a
            # pydantic TypeAdapter per parameter (~0.1 s, a third of a bare Textual start)
            # before the board could paint. Every other line, `--help` too, goes to Typer.
            _run_board(line.db, line.words[1] if len(line.words) > 1 else None)
            return 0
        if line.words and line.words[0] in READ_COMMANDS:
            # `list`, `show` and `agenda` on a store at the schema head: plain SQL, no Typer
            # and no SQLAlchemy; None when the line or the store needs the ordinary way.
            from taskboard.commands.reads import answer

            code = answer(args)
            if code is not None:
                return code
        elif line.words and line.words[0] in QUICK_COMMANDS:
            # The most frequent writes, without Typer's import and parse.
            from taskboard.commands.quick import answer

            code = answer(args)
            if code is not None:
                return code
        elif line.words and line.words[0] == "import":
            # A foreign file's tasks over the plain writer (a dump's restore goes to Typer).
            from taskboard.commands.importing import answer as import_answer

            code = import_answer(args)
            if code is not None:
                return code
        return _run_typer(args, line)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except KeyboardInterrupt:  # ctrl+c before the board took the terminal, as Typer does
        print("Aborted!", file=sys.stderr)
        return 1
    except Exception as exc:
        db = line.db if line is not None else None
        message = refusal(exc, lambda: _store_label(db))
        if message is None:
            return internal_error(exc)
        say(message)
        return 1


def _run_typer(args: Sequence[str], line: CommandLine) -> int:
    from taskboard.commands import register
    from taskboard.commands.root import core_names
    from taskboard.commands.root import run as run_line

    typer_app: typer.Typer = sys.modules[__name__].app
    if line.words:
        register(typer_app, line.words[0], core_names(typer_app))
    elif "--help" in args:
        register(typer_app)
    return run_line(typer_app, args)


def _store_label(db: str | None) -> str:
    from taskboard.commands.common import store_label

    return store_label(db)


def check_arguments(args: Sequence[str]) -> None:
    """Refuse an argument that is not valid UTF-8 (Python hands it over with its bad bytes
    as lone surrogates, which would fail later with a codec error).

    Control characters are checked per parameter: a key, handle or project refuses
    them (`taskboard.commands.root`), free text such as a comment is cleaned on its
    way into the store."""
    for number, arg in enumerate(args, start=1):
        if any("\udc80" <= ch <= "\udcff" for ch in arg):
            shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            raise CliError(f"argument {number} is not valid UTF-8 text: {_cut(shown)}")


def demo_store_option(args: Sequence[str]) -> list[str]:
    """`--demo` anywhere on the line means `--db` of the demo's own store (`taskboard demo`
    loads it), so `taskboard --demo list --project DEL` reads the demo."""
    if "--demo" not in args:
        return list(args)
    if any(a == "--db" or a.startswith("--db=") for a in args):
        raise CliError("give --db or --demo, not both")
    from taskboard.config import demo_store

    return [f"--db={demo_store()}" if a == "--demo" else a for a in args]


def _cut(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
