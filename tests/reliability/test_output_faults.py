"""Every file a command writes: whole or not at all, never onto the store; and no escape
sequence stored in the data ever reaches the terminal through any command."""

from __future__ import annotations

import errno
import os
import re
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from taskboard import files
from tests.reliability.conftest import fill_disk

# The suite's fixtures (tests/reliability/conftest.py): `run_cli` runs a command line in
# this process, `commands` lists every command with arguments, `seed` is a seeded store,
# `faults` counts.
CliRun = Callable[..., tuple[int, str, str]]
Faults = Any
Invocation = Any

PREVIOUS = b"# Last week's minutes\n\nWritten by hand, \xc3\xa4, kept byte for byte.\n"

# How each command that writes `-o FILE` is made to fail after it opened the store.
FAILING_INPUT: dict[tuple[str, ...], tuple[str, ...]] = {
    ("export",): ("--project", "NOPE", "--format", "markdown"),
    ("minutes",): ("--project", "NOPE"),
    ("okr", "report"): ("--cycle", "nonsense"),
    ("handover",): ("nobody", "anna"),
}


def writers(commands: list[Invocation]) -> list[Invocation]:
    found = [inv for inv in commands if "output" in inv.params]
    assert {inv.words for inv in found} == set(FAILING_INPUT)  # a new -o: add a failure above
    return found


def _failing(inv: Invocation) -> list[str]:
    """The command with an input it refuses, replacing the value of a repeated option."""
    args = list(inv.args)
    bad = list(FAILING_INPUT[inv.words])
    if inv.words == ("handover",):
        return [*inv.words, *bad]
    for i in range(0, len(bad), 2):
        if bad[i] in args:
            args[args.index(bad[i]) + 1] = bad[i + 1]
        else:
            args += bad[i : i + 2]
    return args


@pytest.fixture
def store(seed: Path, tmp_path: Path) -> Path:
    path = tmp_path / "store.db"
    shutil.copy(seed, path)
    return path


def _untouched(
    what: str, target: Path, faults: Faults, outcome: str, previous: bytes = PREVIOUS
) -> None:
    if target.read_bytes() != previous:
        faults.lost(what, f"{target} changed")
    leftovers = [p.name for p in target.parent.iterdir() if p.name.startswith(".")]
    if leftovers:
        faults.lost(what, f"temporary files left: {leftovers}")
    assert outcome == "refused", what


def test_every_output_file_survives_a_failing_command(
    store: Path,
    tmp_path: Path,
    commands: list[Invocation],
    run_cli: CliRun,
    faults: Faults,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "minutes.md"
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(os.urandom(4096))
    for inv in writers(commands):
        for what, args in (
            ("garbage store", [*inv.args, "--db", str(garbage)]),
            ("refused input", [*_failing(inv), "--db", str(store)]),
        ):
            target.write_bytes(PREVIOUS)
            code, out, err = run_cli(*args, "-o", str(target))
            outcome = faults.judge(f"-o, {what}: {inv.name}", code, out, err)
            _untouched(f"-o, {what}: {inv.name}", target, faults, outcome)
        # The disk fills up while the file is written: the helper's fsync fails.
        target.write_bytes(PREVIOUS)

        def full(fd: int) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        with monkeypatch.context() as patch:
            patch.setattr(files.os, "fsync", full)
            code, out, err = run_cli(*inv.with_db(str(store)), "-o", str(target))
        outcome = faults.judge(f"-o, disk full: {inv.name}", code, out, err)
        assert f"the disk holding {target} is full" in err
        _untouched(f"-o, disk full: {inv.name}", target, faults, outcome)
        # And once it works, the file is the new content, whole.
        code, out, err = run_cli(*inv.with_db(str(store)), "-o", str(target))
        assert code == 0, err
        assert target.read_bytes() != PREVIOUS and target.stat().st_size > 0


def test_no_output_goes_onto_the_store(
    store: Path,
    tmp_path: Path,
    commands: list[Invocation],
    run_cli: CliRun,
    faults: Faults,
    store_rows: Callable[[Path], Any],
) -> None:
    (tmp_path / "link.db").symlink_to(store)
    os.link(store, tmp_path / "hard.db")
    wal = store.with_name("store.db-wal")
    names = [store, wal, store.with_name("store.db-shm"), tmp_path / "link.db"]
    names.append(tmp_path / "hard.db")
    before = store_rows(store)
    for inv in writers(commands):
        for name in names:
            code, out, err = run_cli(*inv.with_db(str(store)), "-o", str(name))
            outcome = faults.judge(f"-o onto the store ({name.name}): {inv.name}", code, out, err)
            assert outcome == "refused" and "it is the store" in err, err
    for name in names:
        code, out, err = run_cli("db", "backup", str(name), "--db", str(store))
        outcome = faults.judge(f"backup onto the store ({name.name})", code, out, err)
        assert outcome == "refused" and "it is the store" in err, err
    # Not a row changed: not even the handover, refused before it reassigned anything.
    if store_rows(store) != before:
        faults.lost("output onto the store", "the store changed")


def test_backups_replace_backups_and_nothing_else(
    store: Path, tmp_path: Path, run_cli: CliRun, faults: Faults
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_bytes(PREVIOUS)
    code, out, err = run_cli("db", "backup", str(notes), "--db", str(store))
    outcome = faults.judge("backup onto a file that is no database", code, out, err)
    assert "is not a SQLite database" in err
    _untouched("backup onto notes.txt", notes, faults, outcome)
    nightly = tmp_path / "nightly.db"
    for _ in range(2):  # the nightly job: the second run replaces the first copy
        code, out, err = run_cli("db", "backup", str(nightly), "--db", str(store))
        assert code == 0 and out.strip() == str(nightly), err
    with closing(sqlite3.connect(nightly)) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)


# A disk this small fills up with one output file (see `tiny_disk` in conftest.py).
TINY_DISK = "600k"


def test_outputs_onto_a_full_tmpfs_keep_the_previous_file(
    store: Path, tiny_disk: Path, commands: list[Invocation], run_cli: CliRun, faults: Faults
) -> None:
    backup = tiny_disk / "backup.db"
    code, _out, err = run_cli("db", "backup", str(backup), "--db", str(store))
    assert code == 0, err
    previous_backup = backup.read_bytes()
    target = tiny_disk / "report.md"
    target.write_bytes(PREVIOUS * 200)  # big enough that the new file needs more space
    fill_disk(tiny_disk)
    code, out, err = run_cli("db", "backup", str(backup), "--db", str(store))
    outcome = faults.judge("backup onto a full disk", code, out, err)
    assert f"the disk holding {backup} is full" in err, err
    _untouched("backup onto a full disk", backup, faults, outcome, previous_backup)
    for inv in writers(commands):
        code, out, err = run_cli(*inv.with_db(str(store)), "-o", str(target))
        outcome = faults.judge(f"-o onto a full disk: {inv.name}", code, out, err)
        _untouched(f"-o onto a full disk: {inv.name}", target, faults, outcome, PREVIOUS * 200)


# ---- escape sequences in stored text ------------------------------------------------

# Stored before text was cleaned on its way in (an old store, a restored dump): clear
# screen, a window title by OSC, a hyperlink, CSI as one C1 byte, a bell, a NUL.
NASTY = "\x1b[2J\x1b]0;pwned\x07\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\\x9b31m\x07\x00"
NASTY_COLUMNS = {
    "task": ("title", "notes"),
    "comment": ("body",),
    "person": ("name",),
    "project": ("name", "description"),
    "board_column": ("name",),
    "objective": ("title", "description"),
    "key_result": ("title", "unit"),
    "meeting": ("title",),
    "meeting_item": ("text",),
    "template": ("description",),
    "template_step": ("title",),
    "agenda_item": ("title",),
    "tag": ("name",),
    "check_in": ("note",),
}
# Bytes that must never reach the terminal: ESC, C1, and C0 other than tab and newlines.
UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@pytest.fixture(scope="module")
def nasty_store(seed: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded store with escape sequences appended to every piece of user text."""
    path = tmp_path_factory.mktemp("nasty") / "nasty.db"
    shutil.copy(seed, path)
    with closing(sqlite3.connect(path)) as raw:
        raw.execute("PRAGMA foreign_keys = OFF")
        for table, columns in NASTY_COLUMNS.items():
            for column in columns:
                raw.execute(
                    f"UPDATE {table} SET {column} = coalesce({column}, '') || ? "
                    "WHERE rowid % 3 = 1",
                    (NASTY,),
                )
        raw.commit()
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def test_stored_escape_sequences_never_reach_the_terminal(
    nasty_store: Path,
    tmp_path: Path,
    commands: list[Invocation],
    run_cli: CliRun,
    faults: Faults,
) -> None:
    runs = 0
    for inv in commands:
        variants = [list(inv.args)]
        if "as_json" in inv.params:
            variants.append([*inv.args, "--json"])
        if inv.words == ("export",):
            variants = [
                [*inv.words, "--format", fmt, *(["--project", "DEL"] if fmt == "obsidian" else [])]
                for fmt in ("markdown", "obsidian", "json", "csv", "ics")
            ]
        for args in variants:
            store = tmp_path / "store.db"
            for old in tmp_path.glob("store.db*"):
                old.unlink()
            shutil.copy(nasty_store, store)
            code, out, err = run_cli(*args, "--db", str(store))
            what = f"stored escapes: {' '.join(args)}"
            bad = UNSAFE.search(out + err)
            if bad:
                at = (out + err)[max(0, bad.start() - 40) : bad.end() + 10]
                faults.leaked(what, f"{bad.group()!r} reached the terminal: {at!r}")
            # One line for a refusal, never a traceback, whatever the stored text.
            faults.judge(what, code, out, err)
            runs += 1
    assert runs >= 60
