"""Store plumbing: target resolution, masking, network file systems, online backups, checks."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

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
