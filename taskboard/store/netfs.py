"""Detects a SQLite file on a network file system, where its locking is not to be trusted."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

NETWORK_TYPES = (
    "nfs",
    "nfs4",
    "cifs",
    "smb3",
    "smbfs",
    "sshfs",
    "fuse.sshfs",
    "9p",
    "afs",
    "ceph",
    "glusterfs",
    "fuse.glusterfs",
    "davfs",
    "fuse.davfs",
    "lustre",
    "ncpfs",
)


def filesystem_type(path: Path, mounts: str | None = None) -> str | None:
    """The type of the file system holding `path`, from /proc/mounts (longest mount point)."""
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    target = os.path.realpath(path)
    best, best_type = "", None
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, best_type = point, parts[2]
    return best_type


def is_network_type(kind: str | None) -> bool:
    return bool(kind) and (kind in NETWORK_TYPES or str(kind).startswith("nfs"))


def network_filesystem(url: URL, mounts: str | None = None) -> str | None:
    """The network file system type the SQLite store lives on, or None."""
    from taskboard.store.target import sqlite_path

    path = sqlite_path(url)
    if path is None:
        return None
    kind = filesystem_type(path, mounts)
    return kind if is_network_type(kind) else None
