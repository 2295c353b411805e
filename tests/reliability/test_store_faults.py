"""Every command on stores that are not stores, are cut short or damaged, or sit on a full
disk: one clear line or the job done, never a traceback, never a lost or changed byte."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from taskboard.store.check import check_sqlite_file
from tests.reliability.conftest import EveryCommand, fill_disk

# The suite's fixtures (tests/reliability/conftest.py): `run_cli` runs a command line in
# this process, `commands` lists every command with arguments (`every` runs them all
# against one store), `seed` is a seeded store, `faults` counts.
CliRun = Callable[..., tuple[int, str, str]]
Faults = Any
Invocation = Any

PAGE = 4096


def _digest(path: Path) -> str:
    """The file and its write-ahead log, where committed changes live until a checkpoint."""
    wal = path.with_name(path.name + "-wal")
    return hashlib.sha256(
        path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    ).hexdigest()


def _sql(path: Path, *statements: str) -> Any:
    """Run statements and close the connection (a connection left open would checkpoint
    whenever it is collected, changing the file under the test's feet)."""
    with closing(sqlite3.connect(path)) as raw:
        result = None
        for statement in statements:
            result = raw.execute(statement).fetchall()
            raw.commit()
        return result


def _garbage(path: Path, seed: Path) -> None:
    path.write_bytes(os.urandom(8192))


def _text_file(path: Path, seed: Path) -> None:
    path.write_text("Shopping list\n- milk\n- eggs\n" * 50)


def _cut_in_half(path: Path, seed: Path) -> None:
    data = seed.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _header_only(path: Path, seed: Path) -> None:
    path.write_bytes(seed.read_bytes()[:100])


def _foreign(path: Path, seed: Path) -> None:
    _sql(
        path,
        "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)",
        "INSERT INTO invoices (total) VALUES (99.5)",
    )


def _no_version(path: Path, seed: Path) -> None:
    shutil.copy(seed, path)
    _sql(path, "DELETE FROM alembic_version", "PRAGMA wal_checkpoint(TRUNCATE)")


def _damaged_task_root(path: Path, seed: Path) -> None:
    shutil.copy(seed, path)
    ((root,),) = _sql(path, "SELECT rootpage FROM sqlite_master WHERE name = 'task'")
    _scribble(path, [root])


def _damaged_middle(path: Path, seed: Path) -> None:
    shutil.copy(seed, path)
    pages = path.stat().st_size // PAGE
    _scribble(path, [pages // 3, pages // 2, 2 * pages // 3])


def _scribble(path: Path, pages: list[int]) -> None:
    with path.open("r+b") as fh:
        for page in pages:
            fh.seek((page - 1) * PAGE + 8)
            fh.write(bytes(range(7, 256, 3)) * 12)


# Faults after which no command may succeed: the file must come out byte for byte.
REFUSED_KINDS: dict[str, Callable[[Path, Path], None]] = {
    "garbage": _garbage,
    "text file": _text_file,
    "cut in half": _cut_in_half,
    "header only": _header_only,
    "another program's database": _foreign,
    "emptied schema version": _no_version,
}
# Damaged pages: a command that never reads them may do its job.
DAMAGED_KINDS: dict[str, Callable[[Path, Path], None]] = {
    "damaged task root page": _damaged_task_root,
    "damaged middle pages": _damaged_middle,
}
# Commands that do not open the store at all, or refuse before it for another reason.
NEEDS_NO_STORE = {"db where", "meeting"}


@pytest.mark.parametrize("kind", sorted(REFUSED_KINDS))
def test_every_command_refuses_a_file_that_is_no_store(
    kind: str,
    seed: Path,
    tmp_path: Path,
    commands: list[Invocation],
    run_cli: CliRun,
    faults: Faults,
) -> None:
    refused = 0
    for inv in commands:
        store = tmp_path / "store.db"
        for side in tmp_path.glob("store.db*"):
            side.unlink()
        REFUSED_KINDS[kind](store, seed)
        before = _digest(store)
        code, out, err = run_cli(*inv.with_db(str(store)))
        outcome = faults.judge(f"{kind}: {inv.name}", code, out, err)
        if _digest(store) != before:
            faults.lost(f"{kind}: {inv.name}", "the store file changed")
        if inv.name in NEEDS_NO_STORE:
            continue
        assert outcome == "refused", (inv.name, out, err)
        assert str(store) in err, (inv.name, err)
        refused += 1
    assert refused >= 45  # every command that opens a store


@pytest.fixture(params=sorted(DAMAGED_KINDS))
def damaged(request: pytest.FixtureRequest, seed: Path, tmp_path: Path) -> tuple[str, Path]:
    """A copy of the seed store damaged one way: (the kind of damage, the file)."""
    store = tmp_path / "store.db"
    DAMAGED_KINDS[request.param](store, seed)
    return request.param, store


def test_every_command_on_a_damaged_store_answers_in_one_line(
    damaged: tuple[str, Path], every: EveryCommand
) -> None:
    kind, store = damaged
    outcomes = [outcome for _, outcome, _ in every.judged(store, kind)]
    assert "refused" in outcomes  # the damage was met, and named
    code, out, err = every.run_cli("db", "check", "--db", str(store))
    assert code == 1 and "What to do:" in out
    assert err.startswith("error: ") and str(store) in err and err.count("\n") == 1


# ---- a full disk --------------------------------------------------------------------


def _writes_on_a_full_disk(
    store: Path, every: EveryCommand, what: str, rows: Callable[[Path], Any]
) -> tuple[int, int]:
    """Every command against `store` while its disk is full; returns (refused, full)."""
    refused = full = 0
    before = rows(store)
    for inv, outcome, err in every.judged(store, what):
        after = rows(store)
        if outcome == "refused":
            refused += 1
            full += "is full" in err
            if after != before:
                lost = f"a refused command changed the store: {err}"
                every.faults.lost(f"{what}: {inv.name}", lost)
        before = after
    return refused, full


@pytest.fixture
def page_limit(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every SQLite connection made meanwhile may not grow its database: a full disk. The
    plain writer's connections too (`taskboard add` and its kind open no engine)."""
    from taskboard.store import writer

    def limit(dbapi_connection: Any, _record: Any = None) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {max(pages, 1)}")

    plain_open = writer._open

    def limited(target: str, password: str | None) -> writer.Writer:
        opened = plain_open(target, password)
        if opened.backend == "sqlite":
            limit(opened.raw)
        return opened

    monkeypatch.setattr(writer, "_open", limited)
    event.listen(Engine, "connect", limit)
    yield
    event.remove(Engine, "connect", limit)


def test_every_command_on_a_full_disk_by_page_limit(
    seed: Path,
    tmp_path: Path,
    every: EveryCommand,
    page_limit: None,
    store_rows: Callable[[Path], Any],
) -> None:
    store = tmp_path / "store.db"
    shutil.copy(seed, store)
    # No free pages left, so that writes need new ones.
    _sql(store, "VACUUM")
    refused, full = _writes_on_a_full_disk(store, every, "page limit", store_rows)
    assert full >= 10, (refused, full)
    assert check_sqlite_file(store).healthy


def test_every_command_on_a_full_tmpfs(
    seed: Path, tiny_disk: Path, every: EveryCommand, store_rows: Callable[[Path], Any]
) -> None:
    store = tiny_disk / "store.db"
    shutil.copy(seed, store)
    # One connection held open keeps the -wal and -shm files, as a running board does.
    keeper = sqlite3.connect(store)
    keeper.execute("PRAGMA journal_mode = WAL")
    keeper.execute("SELECT count(*) FROM task").fetchone()
    try:
        filler = fill_disk(tiny_disk)
        refused, full = _writes_on_a_full_disk(store, every, "full tmpfs", store_rows)
        assert full >= 10, (refused, full)
        filler.unlink()  # space is back
        assert check_sqlite_file(store).healthy
        code, _out, err = every.run_cli("add", "After the disk was freed +DEL", "--db", str(store))
        assert code == 0, err
    finally:
        keeper.close()


def test_the_suite_covers_every_command(commands: list[Invocation]) -> None:
    names = {inv.name for inv in commands}
    assert {"add", "export", "import", "db backup", "okr checkin", "serve", "(board)"} <= names
    assert len(names) == len(commands) >= 48


# ---- read-only and immutable stores -------------------------------------------------


def _expect_read_only(store: Path, every: EveryCommand, what: str) -> int:
    """Every command on a store that cannot be written; returns how many said so."""
    before = _digest(store)
    said = 0
    for _, _, err in every.judged(store, what):
        said += "cannot be written" in err or "cannot open" in err or "Read-only" in err
    if _digest(store) != before:
        every.faults.lost(what, "the store changed")
    return said


@pytest.mark.parametrize("leftovers", [True, False], ids=["with -wal/-shm", "checkpointed"])
def test_every_command_on_a_read_only_file_system(
    leftovers: bool, seed: Path, tiny_disk: Path, every: EveryCommand
) -> None:
    store = tiny_disk / "store.db"
    shutil.copy(seed, store)
    # A process that ends without closing its connection leaves -wal and -shm behind, as
    # every taskboard command does; closing the last connection removes them.
    end = "os._exit(0)" if leftovers else "c.close()"
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
            f"c.execute('SELECT count(*) FROM task').fetchone(); {end}",
            str(store),
        ],
        check=True,
    )
    assert store.with_name("store.db-wal").exists() == leftovers
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], check=True)
    try:
        said = _expect_read_only(store, every, f"read-only fs {leftovers}")
        assert said >= 20
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(tiny_disk)], check=True)


def test_every_command_on_an_immutable_store(
    seed: Path, tiny_disk: Path, every: EveryCommand
) -> None:
    store = tiny_disk / "store.db"
    shutil.copy(seed, store)
    keeper = sqlite3.connect(store)  # keeps -wal and -shm, which stay writable
    keeper.execute("SELECT count(*) FROM task").fetchone()
    keeper.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    if subprocess.run(["chattr", "+i", str(store)], capture_output=True).returncode != 0:
        keeper.close()
        pytest.skip("this file system has no immutable flag")
    try:
        said = _expect_read_only(store, every, "immutable store")
        assert said >= 20
    finally:
        subprocess.run(["chattr", "-i", str(store)], check=True)
        keeper.close()
