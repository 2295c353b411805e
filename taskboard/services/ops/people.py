"""People: a new person, the one insert every path that makes one uses."""

from __future__ import annotations

from taskboard.domain.dates import utcnow
from taskboard.store.writer import Writer


def add_person(w: Writer, handle: str, name: str, email: str | None = None) -> int:
    """The id of a new person; `handle`, `name` and `email` already checked by the rules."""
    ((made,),) = w.returning(
        "INSERT INTO person (handle, name, email, created) VALUES (?, ?, ?, ?) RETURNING id",
        (handle, name, email, utcnow()),
    )
    return int(made)
