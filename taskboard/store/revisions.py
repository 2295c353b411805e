"""Where the shipped Alembic scripts are, and which revisions they hold (stdlib only).

Revision ids are zero-padded sequence numbers (`0001`, `0002`, …) in a linear
history, so the head is known from the file names without importing Alembic:
opening an up-to-date store costs one small query, and the board's fast first
paint can check the schema with nothing but sqlite3.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from taskboard.store.errors import StoreError

_REVISION_FILE = re.compile(r"^(\d{4})_\w+\.py$")


@cache
def migrations_dir() -> Path:
    """`taskboard/migrations` in an installed wheel, `<repo>/migrations` in a checkout."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "migrations", package.parent / "migrations"):
        if (candidate / "env.py").is_file():
            return candidate
    raise StoreError(
        "taskboard's migrations are missing from the installation: reinstall taskboard"
    )


@cache
def known_revisions() -> tuple[str, ...]:
    names = (p.name for p in (migrations_dir() / "versions").iterdir())
    return tuple(sorted(m.group(1) for n in names if (m := _REVISION_FILE.match(n))))


def head_revision() -> str:
    return known_revisions()[-1]
