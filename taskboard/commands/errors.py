"""How the command line fails: expected refusals as one line and exit 1, bugs as exit 70.

Expected refusals are the errors made for a person — CliError, ServiceError,
StoreError, FileWriteError, a bad config file, a domain rule's error — and the known
faults of the store's surroundings (a full disk, a damaged file) that a driver
raises. Everything else is a bug: its traceback goes to the log file
(`taskboard.config.log_path()`), the user gets one line naming the log, and the exit
code is 70 (EX_SOFTWARE). Stdlib only at import: the board's path uses this too.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from taskboard.domain.errors import UnknownPersonError

# sysexits.h: an internal software error.
EXIT_INTERNAL = 70
# An argument quoted in a message is cut to ECHO_LIMIT characters when it is longer than
# LONG_ARGUMENT: a pasted megabyte goes, a long path stays readable.
ECHO_LIMIT = 80
LONG_ARGUMENT = 160


class CliError(Exception):
    """A message for stderr; the command exits with 1."""


def fail(message: str) -> NoReturn:
    raise CliError(message)


def new_person_hint(exc: UnknownPersonError) -> CliError:
    """An unknown @handle on a command with `--new-person`: the refusal says how to add it."""
    return CliError(f"{exc}; --new-person adds @{exc.handle}")


def _expected_types() -> tuple[type[BaseException], ...]:
    # Imported when an error happens, never on the way to a command's work.
    from taskboard.config import ConfigError
    from taskboard.domain.capture import CaptureError
    from taskboard.domain.dates import DateParseError
    from taskboard.domain.okr import OkrError
    from taskboard.domain.templates import TemplateError
    from taskboard.files import FileWriteError
    from taskboard.services.errors import ServiceError
    from taskboard.store.errors import StoreError

    return (
        CliError,
        ServiceError,
        StoreError,
        FileWriteError,
        ConfigError,
        CaptureError,
        DateParseError,
        OkrError,
        TemplateError,
    )


def refusal(exc: BaseException, store: Callable[[], str] | None = None) -> str | None:
    """The one-line message when `exc` is an expected refusal, else None (a bug).

    `store` names the store for a driver's error that escaped the store's own
    translation (a reader using sqlite3 or psycopg directly)."""
    if isinstance(exc, _expected_types()):
        return str(exc)
    from taskboard.store.errors import store_fault

    fault = store_fault(exc, _name(store))
    return None if fault is None else str(fault)


def _name(store: Callable[[], str] | None) -> str:
    if store is not None:
        try:
            return store()
        except Exception:  # naming it must never hide the error being reported
            pass
    return "the store"


def shorten(message: str, args: Sequence[str] | None = None) -> str:
    """`message` with every very long command-line argument it quotes cut to ECHO_LIMIT
    characters, and any control character made visible."""
    words = sys.argv[1:] if args is None else args
    for arg in sorted({a for a in words if len(a) > LONG_ARGUMENT}, key=len, reverse=True):
        cut = arg[: ECHO_LIMIT - 1] + "…"
        # Messages quote keys as typed or upper-cased (`unknown task 'DEL-…'`).
        for variant in (arg, arg.upper(), arg.lower(), arg.strip()):
            message = message.replace(variant, cut)
    message = visible(message)
    return message if len(message) <= 1000 else message[:999] + "…"


def visible(text: str) -> str:
    """`text` with every control character shown as an escape (`\\x1b`, `\\x00`), so a
    message never drives the terminal and never hides what was typed."""
    if text.isprintable():
        return text
    return "".join(
        ascii(ch)[1:-1] if is_control(ch) or "\ud800" <= ch <= "\udfff" else ch for ch in text
    )


def is_control(ch: str) -> bool:
    """C0 and C1 control characters and DEL: what drives a terminal, not text."""
    return ch < " " or "\x7f" <= ch <= "\x9f"


def say(message: str) -> None:
    """Print one `error:` line on stderr."""
    print(f"error: {shorten(message)}", file=sys.stderr, flush=True)


def internal_error(exc: BaseException) -> int:
    """Log the traceback of a bug, say where it is in one line; returns the exit code."""
    from taskboard.errorlog import mask_passwords, record

    where = record(exc)
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    reason = shorten(mask_passwords(text))
    print(f"internal error: {reason} (details in {where})", file=sys.stderr, flush=True)
    return EXIT_INTERNAL
