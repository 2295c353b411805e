"""The log of internal errors: the traceback of every bug a user met, in the state dir.

A user sees one line naming this file (`taskboard.config.log_path()`); the file keeps
what a developer needs. It is owner-only (it may quote task titles), and kept small:
past `MAX_BYTES` it moves to `taskboard.log.1`, replacing the older one. Passwords
in database URLs are masked before anything is written. Stdlib only: the UI's workers
and the CLI's top level both use it.
"""

from __future__ import annotations

import os
import re
import sys
import traceback
from datetime import UTC, datetime

from taskboard.config import log_path

MAX_BYTES = 1_000_000

# `scheme://user:password@host` → `scheme://user:***@host`
_URL_PASSWORD = re.compile(r"(\w[\w+.-]*://[^:/@\s]*:)[^@\s]+@")


def mask_passwords(text: str) -> str:
    return _URL_PASSWORD.sub(r"\1***@", text)


def record(exc: BaseException, where: str = "command line") -> str:
    """Append `exc`'s traceback to the log; returns the log's path, or why it could not
    be written (the user's one line names either)."""
    path = log_path()
    entry = "".join(
        [
            f"--- {datetime.now(UTC).isoformat(timespec='seconds')} {where}: "
            f"taskboard {_version()}, Python {sys.version.split()[0]}\n",
            f"argv: {' '.join(a if len(a) <= 200 else a[:199] + '…' for a in sys.argv)}\n",
            *traceback.format_exception(exc),
        ]
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > MAX_BYTES:
            os.replace(path, path.with_name(path.name + ".1"))
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8", errors="backslashreplace") as log:
            log.write(mask_passwords(entry))
    except OSError as err:
        return f"{path}, which could not be written: {err.strerror or err}"
    return str(path)


def _version() -> str:
    from taskboard import __version__

    return __version__
