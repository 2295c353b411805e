"""The one way files are written: whole or not at all, private where asked, never onto a store."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from taskboard import files
from taskboard.files import (
    DestinationRefused,
    FileWriteError,
    atomic_open,
    atomic_path,
    protect_store,
    write_bytes,
    write_text,
)

OLD = b"the previous file\n\x00\xff stays byte for byte"


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def protected() -> Iterator[set[str]]:
    """The protected set, emptied again afterwards: stores opened in one test stay theirs."""
    saved = set(files._protected)
    yield files._protected
    files._protected.clear()
    files._protected.update(saved)


def leftovers(directory: Path, *keep: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p not in keep)


def test_a_new_file_is_written_whole_and_follows_the_umask(tmp_path: Path, umask_022: None) -> None:
    target = tmp_path / "minutes.md"
    assert write_text(target, "# Minutes\nä\n") == target
    assert target.read_bytes() == "# Minutes\nä\n".encode()
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert leftovers(tmp_path, target) == []


def test_private_files_are_owner_only_even_when_they_replace_an_open_one(
    tmp_path: Path, umask_022: None
) -> None:
    target = tmp_path / "dump.json"
    target.write_bytes(OLD)
    target.chmod(0o644)
    write_text(target, "{}", private=True)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    fresh = tmp_path / "fresh.json"
    write_bytes(fresh, b"{}", private=True)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600


def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    target.write_bytes(OLD)
    target.chmod(0o640)
    write_text(target, "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_failure_while_writing_leaves_the_previous_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "board.md"
    target.write_bytes(OLD)

    class Broken(Exception):
        pass

    with pytest.raises(Broken), atomic_open(target) as out:
        out.write("half of the board" * 1000)
        raise Broken
    assert target.read_bytes() == OLD
    assert leftovers(tmp_path, target) == []
    with pytest.raises(Broken), atomic_open(target, "wb") as raw:
        raw.write(b"half")
        raise Broken
    assert target.read_bytes() == OLD
    assert leftovers(tmp_path, target) == []


def test_a_full_disk_is_one_clear_error_and_the_previous_file_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "goals.md"
    target.write_bytes(OLD)

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files.os, "fsync", full)
    with pytest.raises(FileWriteError, match=r"the disk holding .*goals.md is full"):
        write_text(target, "new goals")
    assert target.read_bytes() == OLD
    assert leftovers(tmp_path, target) == []


def test_a_write_error_inside_the_block_is_the_files_error(tmp_path: Path) -> None:
    target = tmp_path / "x.csv"
    target.write_bytes(OLD)
    with (
        pytest.raises(FileWriteError, match=r"cannot write .*x.csv: Input/output error"),
        atomic_open(target) as out,
    ):
        out.write("a,b\n")
        raise OSError(errno.EIO, os.strerror(errno.EIO))
    assert target.read_bytes() == OLD
    # Other OSErrors are the producer's own and pass unchanged.
    with pytest.raises(FileNotFoundError), atomic_open(target) as out:
        (tmp_path / "missing").read_text()
    assert target.read_bytes() == OLD
    assert leftovers(tmp_path, target) == []


def test_the_store_and_its_side_files_are_refused_by_every_name(
    tmp_path: Path, protected: set[str]
) -> None:
    store = tmp_path / "data" / "taskboard.db"
    store.parent.mkdir()
    store.write_bytes(OLD)
    (store.parent / "taskboard.db-wal").write_bytes(OLD)
    protect_store(store)
    (tmp_path / "link.db").symlink_to(store)
    (tmp_path / "dirlink").symlink_to(store.parent)
    os.link(store, tmp_path / "hard.db")
    names = [
        store,
        store.parent / "taskboard.db-wal",
        store.parent / "taskboard.db-shm",
        store.parent / "taskboard.db-journal",
        tmp_path / "link.db",
        tmp_path / "dirlink" / "taskboard.db",
        tmp_path / "hard.db",
        tmp_path / "data" / ".." / "data" / "taskboard.db",
    ]
    before = sorted(p.name for p in (tmp_path / "data").iterdir())
    for name in names:
        with pytest.raises(DestinationRefused, match="it is the store"):
            write_text(name, "a,b,c\n")
        with pytest.raises(DestinationRefused), atomic_path(name, private=True):
            raise AssertionError("the block must not run")
    assert store.read_bytes() == OLD
    assert (store.parent / "taskboard.db-wal").read_bytes() == OLD
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == before
    assert leftovers(tmp_path, tmp_path / "data") == ["dirlink", "hard.db", "link.db"]


def test_protect_names_another_store_for_one_write(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    other.write_bytes(OLD)
    with pytest.raises(DestinationRefused), atomic_open(other, protect=[other]):
        pass
    assert other.read_bytes() == OLD
    write_text(other, "x")  # protected for that one call only
    assert other.read_text() == "x"


def test_a_symlinked_destination_keeps_its_link(tmp_path: Path) -> None:
    real = tmp_path / "notes" / "minutes.md"
    real.parent.mkdir()
    real.write_bytes(OLD)
    link = tmp_path / "minutes.md"
    link.symlink_to(real)
    write_text(link, "new minutes")
    assert link.is_symlink()
    assert real.read_text() == "new minutes"


def test_directories_and_missing_directories(tmp_path: Path) -> None:
    with pytest.raises(DestinationRefused, match="is a directory"):
        write_text(tmp_path, "x")
    with pytest.raises(FileWriteError, match="there is no directory"):
        write_text(tmp_path / "nope" / "x.md", "x")
    assert not (tmp_path / "nope").exists()
    with atomic_path(tmp_path / "made" / "deeper" / "copy.db", parents=True) as temp:
        temp.write_bytes(b"copy")
    assert (tmp_path / "made" / "deeper" / "copy.db").read_bytes() == b"copy"


def test_a_read_only_directory_is_a_clear_error(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only directories; the tmpfs test covers root")
    directory = tmp_path / "ro"
    directory.mkdir()
    (directory / "x.md").write_bytes(OLD)
    directory.chmod(0o500)
    try:
        with pytest.raises(FileWriteError, match=r"cannot write .*x.md: Permission denied"):
            write_text(directory / "x.md", "new")
    finally:
        directory.chmod(0o700)
    assert (directory / "x.md").read_bytes() == OLD
