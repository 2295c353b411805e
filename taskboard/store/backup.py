"""Consistent online backups of a SQLite store: `VACUUM INTO` a temp file, fsync, rename."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import Engine

from taskboard.store.errors import StoreError


def backup_sqlite(engine: Engine, destination: os.PathLike[str] | str) -> Path:
    """Write a consistent copy of the store to `destination` (mode 0600) while others write.

    `VACUUM INTO` reads one snapshot of the database, so concurrent writers
    neither block it for long nor leave it half-copied; the rename makes the
    backup appear whole or not at all.
    """
    target = Path(destination).expanduser().resolve()
    if target.is_dir():
        raise StoreError(f"backup target {target} is a directory: give a file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.partial-{os.getpid()}")
    temp.unlink(missing_ok=True)
    # VACUUM INTO creates the file itself: the umask keeps it private from the start.
    old_umask = os.umask(0o077)
    try:
        with engine.connect() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            raw.execute("VACUUM INTO ?", (str(temp),))
    except Exception as exc:
        temp.unlink(missing_ok=True)
        raise StoreError(f"backup to {target} failed: {exc}") from exc
    finally:
        os.umask(old_umask)
    os.chmod(temp, 0o600)
    fd = os.open(temp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temp, target)
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return target
