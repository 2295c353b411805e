"""What every CLI command shares: the `--db`/`--json` options, opening services, output, errors."""

from __future__ import annotations

import functools
import io
import math
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TextIO, TypeVar, cast

import typer

from taskboard.commands.errors import CliError, fail, refusal, say
from taskboard.commands.opening import (
    open_services,
    settings,
    store_label,
    warn_exposed_config,
    warn_network_fs,
)
from taskboard.commands.render import json_safe, json_text, table_text

__all__ = [
    "CliError",
    "fail",
    "json_safe",
    "open_services",
    "settings",
    "store_label",
    "warn_exposed_config",
    "warn_network_fs",
]

P = ParamSpec("P")
R = TypeVar("R")

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Store: a file path or an SQLAlchemy URL.", show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for programs.")]


def words(metavar: str, help: str) -> Any:
    """A command's free text as several arguments read as one line, as taskwarrior reads
    `add Buy winter tyres @mia`: `Annotated[list[str], words("LINE", "…")]`."""
    return typer.Argument(metavar=metavar, help=f"{help}; several words are one line")


# `add`, `edit` and `meeting add` refuse an unknown @handle (naming the closest ones)
# unless this flag says a new person is meant.
NewPersonOption = Annotated[
    bool, typer.Option("--new-person", help="Let an unknown @handle become a new person.")
]
ForceOption = Annotated[
    bool, typer.Option("--force", help="Record a check-in value that looks like a typo.")
]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
]

# Every count and limit a person types (a WIP limit, a meeting id) fits in 64 bits;
# larger numbers are refused where they are typed, not by the database.
MAX_ID = 2**63 - 1


def handles_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn every expected refusal into one line on stderr and exit code 1.

    Only refusals: ServiceError, StoreError, CliError, FileWriteError, a bad config,
    a domain rule, a known fault of the store's surroundings. Any other exception is
    a bug and goes on to the top level, which logs it and exits 70."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except Exception as exc:
            db = kwargs.get("db")
            message = refusal(exc, lambda: store_label(db if isinstance(db, str) else None))
            if message is None:
                raise
            say(message)
            raise typer.Exit(1) from None

    return wrapper


def in_range(low: int, high: int) -> Callable[[int | None], int | None]:
    """A Typer callback: refuse a whole number outside low..high, naming it."""

    def check(value: int | None) -> int | None:
        if value is not None and not low <= value <= high:
            raise typer.BadParameter(f"{value} is not between {low} and {high}")
        return value

    return check


def finite(value: float | None) -> float | None:
    """A Typer callback: refuse `nan`, `inf` and numbers too large to be finite."""
    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"{value} is not a finite number")
    return value


def printable(text: str) -> str:
    """User text on the way out: no control characters reach the terminal."""
    from taskboard.domain.text import clean

    return clean(text)


# Control characters a document may hold (tab, line breaks) stay; the rest never reach
# the terminal, and neither do whole escape sequences.
_NOT_FOR_TERMINAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def terminal_safe(text: str) -> str:
    """A document (CSV, Markdown, iCalendar) fit for stdout: escape sequences and control
    characters other than tab and line breaks removed."""
    if text.isprintable():
        return text
    from taskboard.domain.text import _ESCAPE_SEQUENCE

    return _NOT_FOR_TERMINAL.sub("", _ESCAPE_SEQUENCE.sub("", text))


class _TerminalSafeStream(io.TextIOBase):
    """stdout for exporters that write pieces of user text: each piece made safe.

    JSON is escaped instead (`\\u009b`), so a dump piped to a file loses nothing."""

    def __init__(self, json_text: bool = False) -> None:
        super().__init__()
        self._safe = json_safe if json_text else terminal_safe

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        sys.stdout.write(self._safe(text))
        return len(text)

    def flush(self) -> None:
        sys.stdout.flush()


@contextmanager
def output_stream(
    path: Path | None, *, private: bool = False, json_text: bool = False
) -> Iterator[TextIO]:
    """stdout (made terminal-safe), or a file written whole or not at all (see
    `taskboard.files`). `private` files (dumps of the whole store) are owner-only."""
    if path is None:
        yield cast(TextIO, _TerminalSafeStream(json_text))
        return
    from taskboard.files import atomic_open

    with atomic_open(path, "w", newline="", private=private) as out:
        yield out


def write_output(path: Path | None, text: str, *, private: bool = False) -> None:
    """Write a document to `path` whole or not at all, or to stdout when None."""
    with output_stream(path, private=private) as out:
        out.write(text)


def emit_json(data: Any) -> None:
    sys.stdout.write(json_text(data))


def emit_list(as_json: bool, items: Sequence[Any], row: Callable[[Any], Sequence[str]]) -> None:
    """What a list command found: each item's `as_json()` for programs, else a table of
    each item's `row`."""
    if as_json:
        emit_json([item.as_json() for item in items])
    else:
        table(row(item) for item in items)


def emit(as_json: bool, data: Any, line: str) -> None:
    """What a write command made: its JSON for programs, else one printable line."""
    if as_json:
        emit_json(data)
    else:
        typer.echo(printable(line))


def table(rows: Iterable[Sequence[str]], headers: Sequence[str] | None = None) -> None:
    """Left-aligned columns separated by two spaces; user text made printable."""
    typer.echo(table_text(rows, headers), nl=False)
