"""Every file taskboard writes goes through here: whole or not at all, never onto the store.

A write goes to a temporary file in the destination's directory, is flushed and
fsynced, and is renamed over the destination only when all of it was written; the
directory is fsynced after the rename. On any failure the previous file is left
byte-identical and the temporary file is removed. A destination that is an open
store, or its `-wal`, `-shm` or `-journal` file (compared by real path, symlinks and
hard links included), is refused before anything is written.

Stdlib only, so every layer (store, exchange, ui, commands) can use it.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import IO, BinaryIO, Literal, TextIO, cast, overload

__all__ = [
    "DestinationRefused",
    "FileWriteError",
    "atomic_open",
    "atomic_path",
    "check_destination",
    "protect_store",
    "write_bytes",
    "write_text",
]

# Files SQLite keeps beside a database; writing over any of them damages the store.
STORE_SIDE_FILES = ("", "-wal", "-shm", "-journal")

# Errors of writing itself (not of the code that produces the content): the disk is
# full, a quota is reached, the file is too large, the device failed or is read-only.
_WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS})

# Real paths of the stores this process has opened, with their side files. A process
# never writes a file over its own store, whichever layer asks.
_protected: set[str] = set()


class FileWriteError(Exception):
    """A file could not be written; the message names it and why. The previous file is
    unchanged."""


class DestinationRefused(FileWriteError):
    """The destination must not be written at all: the store, its side files, a directory."""


def protect_store(path: os.PathLike[str] | str) -> None:
    """Refuse every later write onto the store at `path` and its side files."""
    real = os.path.realpath(os.path.expanduser(path))
    _protected.update(real + suffix for suffix in STORE_SIDE_FILES)


def _protected_names(extra: Iterable[os.PathLike[str] | str]) -> set[str]:
    names = set(_protected)
    for path in extra:
        real = os.path.realpath(os.path.expanduser(path))
        names.update(real + suffix for suffix in STORE_SIDE_FILES)
    return names


def check_destination(
    destination: os.PathLike[str] | str,
    protect: Iterable[os.PathLike[str] | str] = (),
    *,
    parents: bool = False,
) -> Path:
    """The real path a write to `destination` would replace, or DestinationRefused (or
    FileWriteError for a missing directory, unless `parents` will create it).

    `protect` names stores to refuse besides those this process opened. A command that
    changes the store before it writes a file checks the file's destination first."""
    shown = os.fspath(destination)
    path = Path(destination).expanduser()
    if path.is_dir():
        raise DestinationRefused(f"{shown} is a directory: give a file name")
    # A symlink is followed, so the file it points to is replaced and the link stays.
    real = os.path.realpath(path)
    names = _protected_names(protect)
    if real in names:
        raise DestinationRefused(f"refusing to write {shown}: it is the store or one of its files")
    try:
        dest_stat = os.stat(real)
    except OSError:
        dest_stat = None
    if dest_stat is not None:
        # Another name for the same file (a hard link) is the same file.
        for name in names:
            try:
                if os.path.samestat(dest_stat, os.stat(name)):
                    raise DestinationRefused(
                        f"refusing to write {shown}: it is the store or one of its files"
                    )
            except OSError:
                continue
    if not parents and not os.path.isdir(os.path.dirname(real)):
        raise FileWriteError(f"cannot write {shown}: there is no directory {os.path.dirname(real)}")
    return Path(real)


def _cannot(shown: str, exc: OSError) -> FileWriteError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return FileWriteError(f"the disk holding {shown} is full; {shown} was left as it was")
    reason = exc.strerror or str(exc)
    return FileWriteError(f"cannot write {shown}: {reason}")


def _new_file_mode(real: Path, private: bool) -> int:
    """Owner-only for private files; else the mode the file had, or what the umask allows."""
    if private:
        return 0o600
    try:
        return stat.S_IMODE(os.stat(real).st_mode)
    except OSError:
        return -1  # a new file: the umask applied at creation stays


def _create_temp(directory: Path, name: str, private: bool) -> Path:
    for _ in range(100):
        temp = directory / f".{name}.{secrets.token_hex(4)}.tmp"
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if private else 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return temp
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(directory))


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def atomic_path(
    destination: os.PathLike[str] | str,
    *,
    private: bool = False,
    parents: bool = False,
    protect: Iterable[os.PathLike[str] | str] = (),
) -> Iterator[Path]:
    """Yield a temporary path beside `destination`; whatever is written there replaces
    `destination` when the block ends without an error, and is removed when it fails.

    `private` makes the file owner-only (0600) from its first byte, for dumps and
    backups that hold what the store holds; else a new file follows the umask and a
    replaced file keeps its mode. `parents` creates missing directories."""
    shown = os.fspath(destination)
    real = check_destination(destination, protect, parents=parents)
    try:
        if parents:
            real.parent.mkdir(parents=True, exist_ok=True)
        mode = _new_file_mode(real, private)
        temp = _create_temp(real.parent, real.name, private)
    except OSError as exc:
        raise _cannot(shown, exc) from exc
    try:
        yield temp
    except OSError as exc:
        _remove(temp)
        # Writing the temporary file failed (a full disk, a failed device): this file's
        # failure. Any other OSError belongs to the code producing the content.
        if exc.errno in _WRITE_ERRNOS or exc.filename == str(temp):
            raise _cannot(shown, exc) from exc
        raise
    except BaseException:
        _remove(temp)
        raise
    try:
        if mode >= 0:
            os.chmod(temp, mode)
        _fsync_path(temp)
        os.replace(temp, real)
        _fsync_path(real.parent)
    except OSError as exc:
        _remove(temp)
        raise _cannot(shown, exc) from exc


def _remove(temp: Path) -> None:
    temp.unlink(missing_ok=True)


@overload
def atomic_open(
    destination: os.PathLike[str] | str,
    mode: Literal["w"] = "w",
    *,
    encoding: str = "utf-8",
    newline: str | None = None,
    private: bool = False,
    parents: bool = False,
    protect: Iterable[os.PathLike[str] | str] = (),
) -> AbstractContextManager[TextIO]: ...


@overload
def atomic_open(
    destination: os.PathLike[str] | str,
    mode: Literal["wb"],
    *,
    encoding: None = None,
    newline: None = None,
    private: bool = False,
    parents: bool = False,
    protect: Iterable[os.PathLike[str] | str] = (),
) -> AbstractContextManager[BinaryIO]: ...


def atomic_open(
    destination: os.PathLike[str] | str,
    mode: Literal["w", "wb"] = "w",
    *,
    encoding: str | None = "utf-8",
    newline: str | None = None,
    private: bool = False,
    parents: bool = False,
    protect: Iterable[os.PathLike[str] | str] = (),
) -> AbstractContextManager[TextIO] | AbstractContextManager[BinaryIO]:
    """A stream (text for "w", binary for "wb") whose content replaces `destination` when
    the block ends without an error; see `atomic_path` for `private` and the rest."""
    stream = _atomic_stream(
        destination,
        mode,
        encoding=None if mode == "wb" else encoding,
        newline=newline,
        private=private,
        parents=parents,
        protect=protect,
    )
    return cast("AbstractContextManager[TextIO] | AbstractContextManager[BinaryIO]", stream)


@contextmanager
def _atomic_stream(
    destination: os.PathLike[str] | str,
    mode: str,
    *,
    encoding: str | None,
    newline: str | None,
    private: bool,
    parents: bool,
    protect: Iterable[os.PathLike[str] | str],
) -> Iterator[IO[str] | IO[bytes]]:
    with (
        atomic_path(destination, private=private, parents=parents, protect=protect) as temp,
        open(temp, mode, encoding=encoding, newline=newline) as stream,
    ):
        yield stream


def write_text(destination: os.PathLike[str] | str, text: str, *, private: bool = False) -> Path:
    """Replace `destination` with `text` (UTF-8) as one whole; returns the path written."""
    with atomic_open(destination, "w", private=private) as out:
        out.write(text)
    return Path(destination)


def write_bytes(destination: os.PathLike[str] | str, data: bytes, *, private: bool = False) -> Path:
    """Replace `destination` with `data` as one whole; returns the path written."""
    with atomic_open(destination, "wb", private=private) as out:
        out.write(data)
    return Path(destination)
