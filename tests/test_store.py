"""Store plumbing: target resolution, masking, network file systems, online backups, checks."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from taskboard.store import StoreError, mask, open_store, resolve_url
from taskboard.store.errors import StoreUnreachableError
from taskboard.store.netfs import filesystem_type, network_filesystem
from taskboard.store.target import sqlite_path

MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
proc /proc proc rw,nosuid 0 0
server:/export /mnt/share nfs4 rw,vers=4.2 0 0
//nas/team /mnt/team\\040drive cifs rw 0 0
me@host:/srv /home/me/remote fuse.sshfs rw 0 0
tmpfs /home/me/remote/cache tmpfs rw 0 0
"""


def test_file_paths_become_absolute_sqlite_urls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    url = resolve_url("boards/team.db")
    assert url.get_backend_name() == "sqlite"
    assert sqlite_path(url) == tmp_path / "boards" / "team.db"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert sqlite_path(resolve_url("~/t.db")) == tmp_path / "home" / "t.db"
    assert sqlite_path(resolve_url(f"sqlite:///{tmp_path}/u.db")) == tmp_path / "u.db"
    assert sqlite_path(resolve_url("sqlite://")) is None
    assert sqlite_path(resolve_url("sqlite:///:memory:")) is None


def test_database_urls_are_checked() -> None:
    pg = resolve_url("postgresql://team:s3cret@db.example:5432/board")
    assert pg.drivername == "postgresql+psycopg"
    assert (pg.username, pg.password, pg.host, pg.port, pg.database) == (
        "team",
        "s3cret",
        "db.example",
        5432,
        "board",
    )
    assert resolve_url("postgresql+psycopg://h/b").drivername == "postgresql+psycopg"
    with pytest.raises(StoreError, match="unsupported database 'mysql'"):
        resolve_url("mysql://u:p@h/db")
    for bad in ("postgresql://team:s3cret@h:port/db", "notaurl://::"):
        with pytest.raises(StoreError, match="not a database URL") as caught:
            resolve_url(bad)
        assert "s3cret" not in str(caught.value)


def test_passwords_are_masked() -> None:
    url = "postgresql+psycopg://team:s3cret@db.example/board"
    assert mask(url) == "postgresql+psycopg://team:***@db.example/board"
    assert mask(make_url(url)) == mask(url)
    assert mask("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"
    assert mask("postgresql://u:s3cret@h:port/db") == "<invalid URL>"


def test_opening_a_directory_or_a_dead_server_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a directory"):
        open_store(str(tmp_path))
    with pytest.raises(StoreUnreachableError, match="cannot connect to postgresql") as caught:
        open_store("postgresql+psycopg://team:s3cret@127.0.0.1:1/none?connect_timeout=2")
    assert "s3cret" not in str(caught.value)


def test_network_file_systems_are_detected_from_mounts() -> None:
    assert filesystem_type(Path("/mnt/share/board.db"), MOUNTS) == "nfs4"
    assert filesystem_type(Path("/mnt/shared/board.db"), MOUNTS) == "ext4"
    assert filesystem_type(Path("/mnt/team drive/b.db"), MOUNTS) == "cifs"
    assert filesystem_type(Path("/home/me/remote/b.db"), MOUNTS) == "fuse.sshfs"
    assert filesystem_type(Path("/home/me/remote/cache/b.db"), MOUNTS) == "tmpfs"
    assert filesystem_type(Path("/x"), "garbage\n") is None

    def net(target: str) -> str | None:
        return network_filesystem(resolve_url(target), MOUNTS)

    assert net("/mnt/share/board.db") == "nfs4"
    assert net("/mnt/team drive/board.db") == "cifs"
    assert net("/home/me/remote/board.db") == "fuse.sshfs"
    assert net("/home/me/remote/cache/board.db") is None
    assert net("/var/lib/board.db") is None
    assert net("postgresql+psycopg://h/b") is None
    assert net("sqlite://") is None


WRITER = """
import sys
from pathlib import Path
from taskboard.services import Services
from taskboard.store import open_store

services = Services.open(open_store(sys.argv[1]), "writer")
print("ready", flush=True)
stop = Path(sys.argv[2])
written = 0
while not stop.exists() or written < 20:
    services.tasks.capture(f"write {written} #busy")
    written += 1
print(written)
"""


def _taskboard(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "taskboard", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )


@pytest.mark.slow
def test_backup_while_another_process_writes(tmp_path: Path) -> None:
    target = str(tmp_path / "live.db")
    open_store(target).close()
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, target, str(tmp_path / "stop")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )
    assert writer.stdout is not None
    assert writer.stdout.readline() == "ready\n"
    backup = tmp_path / "backups" / "copy.db"
    proc = _taskboard("db", "backup", str(backup), "--db", target)
    still_writing = writer.poll() is None
    (tmp_path / "stop").touch()
    out, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err
    written = int(out)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(backup)
    assert still_writing, "the writer died during the backup"
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert [p.name for p in backup.parent.iterdir()] == ["copy.db"]  # no temporary file left
    with sqlite3.connect(backup) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("PRAGMA foreign_key_check").fetchall() == []
        copied = copy.execute("SELECT count(*) FROM task").fetchone()[0]
    assert 0 <= copied <= written
    # The copy is a store of its own: it opens and passes `db check`.
    check = _taskboard("db", "check", "--db", str(backup))
    assert (check.returncode, check.stdout.strip()) == (0, "ok")
    with sqlite3.connect(target) as live:
        assert live.execute("SELECT count(*) FROM task").fetchone()[0] == written


def test_db_check_reports_broken_references(tmp_path: Path) -> None:
    target = tmp_path / "broken.db"
    open_store(str(target)).close()
    with sqlite3.connect(target) as raw:
        raw.execute("PRAGMA foreign_keys = OFF")
        raw.execute("INSERT INTO comment (task_id, body, created) VALUES (999, 'x', '2026-01-01')")
    proc = _taskboard("db", "check", "--db", str(target))
    assert proc.returncode == 1
    assert "broken reference: table comment" in proc.stdout
    assert proc.stderr == f"error: {target} has 1 problem (listed above, with what to do)\n"


# ---- faults of the store's surroundings ------------------------------------------------


def _seeded(path: Path, tasks: int = 120) -> Path:
    """A store with enough tasks and comments that damage in its middle hits data."""
    from taskboard.services import Services

    store = open_store(str(path))
    services = Services.open(store, "tester")
    services.projects.create("DEL", "Deliveries")
    for i in range(tasks):
        key = services.tasks.capture(f"Task {i} with a title of some length #t{i % 5}", "DEL")
        services.tasks.comment(key.task.key, "a comment that takes room " * 5)
    store.close()
    return path


def _damage_page(path: Path, page: int) -> None:
    with path.open("r+b") as fh:
        fh.seek((page - 1) * 4096 + 8)
        fh.write(b"\xa5" * 3000)


def _task_root_page(path: Path) -> int:
    with sqlite3.connect(path) as raw:
        return int(
            raw.execute("SELECT rootpage FROM sqlite_master WHERE name = 'task'").fetchone()[0]
        )


def test_files_that_are_no_store_are_refused_without_a_change(tmp_path: Path) -> None:
    from taskboard.store.errors import StoreDamagedError

    text = tmp_path / "notes.txt"
    text.write_bytes(b"shopping: milk, eggs\n" * 10)
    half = _seeded(tmp_path / "half.db")
    with half.open("r+b") as fh:
        fh.truncate(half.stat().st_size // 2)
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as raw:
        raw.execute("CREATE TABLE notes (body TEXT)")
        raw.execute("INSERT INTO notes VALUES ('mine')")
    expected = {
        text: "not a taskboard store (file is not a database)",
        half: "is damaged (database disk image is malformed)",
        foreign: "not a taskboard store (it holds other tables: notes)",
    }
    for path, message in expected.items():
        before = path.read_bytes()
        with pytest.raises(StoreDamagedError, match=re.escape(message)) as caught:
            open_store(str(path))
        assert str(path) in str(caught.value)
        assert path.read_bytes() == before  # not even the header switched to WAL
        assert not path.with_name(path.name + "-wal").exists()


def test_an_emptied_schema_version_is_named_not_half_migrated(tmp_path: Path) -> None:
    from taskboard.store.errors import SchemaVersionMissingError

    path = _seeded(tmp_path / "store.db", tasks=3)
    with sqlite3.connect(path) as raw:
        raw.execute("DELETE FROM alembic_version")
    with pytest.raises(SchemaVersionMissingError, match="no schema version") as caught:
        open_store(str(path))
    assert "restore a backup" in str(caught.value)
    with sqlite3.connect(path) as raw:  # nothing was created or dropped
        assert raw.execute("SELECT count(*) FROM task").fetchone()[0] == 3


def test_db_check_names_the_damage_and_the_backups(tmp_path: Path) -> None:
    from taskboard.services import Services
    from taskboard.store.check import check_sqlite_file, repair_advice
    from taskboard.store.errors import StoreDamagedError

    path = _seeded(tmp_path / "store.db")
    bak = tmp_path / "store.db.0001-20260101T000000.bak"
    bak.write_bytes(path.read_bytes())
    # The middle leaf of the comments' table (the middle of the file may be a search-index
    # blob, whose bytes SQLite's integrity check does not read).
    with sqlite3.connect(path) as raw:
        leaves = [
            r[0]
            for r in raw.execute(
                "SELECT pageno FROM dbstat WHERE name = 'comment' AND pagetype = 'leaf'"
            )
        ]
    _damage_page(path, leaves[len(leaves) // 2])
    report = check_sqlite_file(path)
    assert not report.healthy and report.unreadable is None
    assert report.problems and all(p.startswith("integrity: ") for p in report.problems)
    assert any("page" in p for p in report.problems)
    advice = "\n".join(repair_advice(path))
    assert str(bak) in advice
    assert "taskboard db check --db BACKUP" in advice and ".recover" in advice
    # A damaged root page of the task table: reading tasks is one StoreError, and the
    # check finds it.
    _damage_page(path, _task_root_page(path))
    assert not check_sqlite_file(path).healthy
    store = open_store(str(path))
    try:
        with pytest.raises(StoreDamagedError, match=f"^{re.escape(str(path))} is damaged"):
            Services.open(store, "tester").tasks.rows(include_closed=True)
    finally:
        store.close()


def test_db_check_on_files_it_cannot_read(tmp_path: Path) -> None:
    from taskboard.store.check import check_sqlite_file

    with pytest.raises(StoreError, match="there is no store at"):
        check_sqlite_file(tmp_path / "missing.db")
    assert not (tmp_path / "missing.db").exists()  # checking never creates a store
    garbage = tmp_path / "g.db"
    garbage.write_bytes(b"\x00garbage" * 100)
    assert check_sqlite_file(garbage).unreadable == (
        "not a taskboard store (it is not a SQLite database)"
    )
    half = _seeded(tmp_path / "half.db", tasks=40)
    with half.open("r+b") as fh:
        fh.truncate(half.stat().st_size // 2)
    report = check_sqlite_file(half)
    assert report.unreadable is not None and "damaged" in report.unreadable


def test_a_full_disk_writes_nothing_and_the_store_stays_sound(tmp_path: Path) -> None:
    """SQLite's max_page_count is a disk that holds no more pages than the store has."""
    from sqlalchemy import event

    from taskboard.services import Services
    from taskboard.store.check import check_sqlite_file
    from taskboard.store.errors import StoreFullError

    path = _seeded(tmp_path / "store.db", tasks=5)
    store = open_store(str(path))
    services = Services.open(store, "tester")
    before = services.tasks.rows(include_closed=True)

    @event.listens_for(store.engine, "connect")
    def _full(dbapi_connection: Any, _record: Any) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    store.engine.dispose()  # new connections, each with the limit
    with pytest.raises(StoreFullError) as caught:
        for i in range(200):
            services.tasks.capture(f"Filling the disk {i} " + "x" * 400, "DEL")
    assert str(caught.value) == f"the disk holding {path} is full; nothing was written"
    added = len(services.tasks.rows(include_closed=True)) - len(before)
    event.remove(store.engine, "connect", _full)
    store.engine.dispose()
    # Space is back: every acknowledged task is there, the refused one is not, and the
    # store passes the check.
    assert check_sqlite_file(path).healthy
    keys = [r.title for r in services.tasks.rows(include_closed=True)]
    assert sum(t.startswith("Filling the disk") for t in keys) == added == i
    store.close()


def test_backups_refuse_the_store_and_files_that_are_no_backup(tmp_path: Path) -> None:
    from taskboard.files import DestinationRefused
    from taskboard.services import Services
    from taskboard.store.backup import backup_sqlite

    path = _seeded(tmp_path / "store.db", tasks=3)
    store = open_store(str(path))
    try:
        live = path.read_bytes()
        (tmp_path / "link.db").symlink_to(path)
        for name in ("store.db", "store.db-wal", "store.db-shm", "link.db"):
            with pytest.raises(DestinationRefused, match="it is the store"):
                backup_sqlite(store.engine, tmp_path / name)
        assert path.read_bytes() == live
        notes = tmp_path / "notes.txt"
        notes.write_text("my notes\n")
        with pytest.raises(StoreError, match="is not a SQLite database: refusing"):
            backup_sqlite(store.engine, notes)
        assert notes.read_text() == "my notes\n"
        nightly = tmp_path / "nightly.db"
        backup_sqlite(store.engine, nightly)
        Services.open(store, "tester").tasks.capture("after the first backup", "DEL")
        backup_sqlite(store.engine, nightly)  # the next night replaces it
        assert stat.S_IMODE(nightly.stat().st_mode) == 0o600
        with sqlite3.connect(nightly) as copy:
            assert copy.execute("SELECT count(*) FROM task").fetchone()[0] == 4
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    finally:
        store.close()


def test_an_open_store_is_never_a_destination(tmp_path: Path) -> None:
    from taskboard.files import DestinationRefused, write_text

    path = tmp_path / "fresh.db"
    open_store(str(path)).close()
    before = path.read_bytes()
    with pytest.raises(DestinationRefused):
        write_text(path, "id,title\n")
    assert path.read_bytes() == before


PG_FAULTS = [
    ("?connect_timeout=abc", "bad value for connect_timeout: 'abc'"),
    ("@nosuchhost.invalid:5432/taskboard", "failed to resolve host 'nosuchhost.invalid'"),
    ("@127.0.0.1:1/taskboard", "Connection refused"),
]


@pytest.mark.parametrize(("tail", "message"), PG_FAULTS)
def test_postgresql_url_faults_are_one_clear_error(tail: str, message: str) -> None:
    url = (
        f"postgresql+psycopg://team:s3cret{tail}"
        if tail.startswith("@")
        else f"postgresql+psycopg://team:s3cret@127.0.0.1:1/taskboard{tail}"
    )
    with pytest.raises(StoreUnreachableError) as caught:
        open_store(url + ("&" if "?" in url else "?") + "connect_timeout=3" * ("?" not in tail))
    text = str(caught.value)
    assert text.startswith("cannot connect to postgresql+psycopg://team:***@")
    assert message in text and "s3cret" not in text and "\n" not in text


@pytest.mark.skipif(not os.environ.get("TASKBOARD_TEST_POSTGRES_URL"), reason="needs PostgreSQL")
def test_postgresql_refusals_by_the_server_are_one_clear_error() -> None:
    base = make_url(os.environ["TASKBOARD_TEST_POSTGRES_URL"])
    wrong_password = base.set(password="not-the-password")
    no_database = base.set(database="taskboard_no_such_database")
    for url, message in (
        (wrong_password, "password authentication failed"),
        (no_database, '_no_such_database" does not exist'),
    ):
        with pytest.raises(StoreUnreachableError) as caught:
            open_store(url.render_as_string(hide_password=False))
        assert message in str(caught.value)
        assert "not-the-password" not in str(caught.value)
        # (The password is blanked wherever it appears: CI's equals the user and database.)
        assert str(caught.value).startswith("cannot connect to postgresql+psycopg://")
        assert ":***@127.0.0.1" in str(caught.value)


def test_a_pooled_connection_dropped_while_idle_is_replaced(store_target: str) -> None:
    """The pool checks a connection that sat idle (`ping_when_idle`): one the server dropped
    meanwhile is replaced, and the next use case works as if nothing happened."""
    if not store_target.startswith("postgresql"):
        pytest.skip("SQLite has no server to drop a connection")
    from sqlalchemy import text

    from taskboard.services import Services
    from taskboard.store.engine import PING_AFTER_IDLE_S

    store = open_store(store_target)
    other = open_store(store_target)
    try:
        services = Services.open(store, "tester")
        services.projects.create("DEL", "Deliveries")
        with store.engine.connect() as conn:
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        with other.engine.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        time.sleep(PING_AFTER_IDLE_S + 0.1)
        assert services.projects.get("DEL").name == "Deliveries"
    finally:
        other.close()
        store.close()
