"""Migrations: pytest-alembic on both backends, revision naming, and migrate-on-open safety."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from pytest_alembic.runner import MigrationContext
from pytest_alembic.tests import (
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Connection

from taskboard.services import Services
from taskboard.services.demo import load_demo
from taskboard.store import SchemaTooNewError, migrate, open_store, resolve_url, revisions
from taskboard.store.engine import make_engine

__all__ = [
    "test_model_definitions_match_ddl",
    "test_single_head_revision",
    "test_up_down_consistency",
    "test_upgrade",
]

VERSIONS = revisions.migrations_dir() / "versions"

BATCH_REVISION = '''"""Test only: rebuild task and project the way SQLite batch migrations do."""

import sqlalchemy as sa
from alembic import op

revision = "{rev}"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("project", "task"):
        with op.batch_alter_table(table, recreate="always") as batch:
            batch.add_column(sa.Column("scratch", sa.Integer(), nullable=True))
        with op.batch_alter_table(table, recreate="always") as batch:
            batch.drop_column("scratch")


def downgrade() -> None:
    pass
'''


@pytest.fixture
def alembic_config() -> Config:
    return migrate.alembic_config()


@pytest.fixture
def alembic_engine(store_target: str) -> Iterator[Connection]:
    """A connection on an empty database of each backend; env.py takes it from the config."""
    engine = make_engine(resolve_url(store_target))
    with engine.connect() as conn:
        yield conn
    engine.dispose()


def test_revision_ids_are_sequence_numbers_matching_file_names() -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    files = sorted(p for p in VERSIONS.glob("*.py"))
    assert files, "no revisions shipped"
    previous = None
    for number, path in enumerate(files, start=1):
        assert re.fullmatch(r"\d{4}_[a-z0-9_]+\.py", path.name), path.name
        rev = script.get_revision(path.name[:4])
        assert rev is not None
        assert rev.revision == f"{number:04d}" == path.name[:4]
        assert rev.down_revision == previous
        previous = rev.revision
    assert script.get_current_head() == revisions.head_revision() == previous
    assert revisions.known_revisions() == tuple(p.name[:4] for p in files)


def _row_counts(conn: sqlite3.Connection) -> dict[str, int]:
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


@pytest.fixture
def fresh_revision_cache() -> Iterator[None]:
    revisions.known_revisions.cache_clear()
    yield
    revisions.known_revisions.cache_clear()


def _add_batch_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """Point the store at a copy of the shipped migrations plus a batch revision after head;
    returns (the old head, the new revision)."""
    head = revisions.head_revision()
    rev = f"{int(head) + 1:04d}"
    copy = tmp_path / "migrations"
    shutil.copytree(revisions.migrations_dir(), copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "versions" / f"{rev}_test_batch.py").write_text(
        BATCH_REVISION.replace("{rev}", rev).replace("{down}", head), encoding="utf-8"
    )
    monkeypatch.setattr(revisions, "migrations_dir", lambda: copy)
    revisions.known_revisions.cache_clear()
    return head, rev


@pytest.mark.usefixtures("fresh_revision_cache")
def test_batch_migration_of_a_seeded_sqlite_store_loses_no_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "seeded.db"
    store = open_store(str(path))
    services = Services.open(store, "tester")
    assert load_demo(services)
    services.tasks.add_dependency("DEL-2", "DEL-1")
    store.close()
    with sqlite3.connect(path) as raw:
        before = _row_counts(raw)
    for table in ("task", "comment", "task_tag", "dependency", "activity", "person", "project"):
        assert before[table] > 0, table

    head, rev = _add_batch_revision(tmp_path, monkeypatch)
    store = open_store(str(path))
    try:
        assert store.backup_made is not None
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == rev
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        store.close()
    with sqlite3.connect(path) as raw:
        assert _row_counts(raw) == before
        assert raw.execute("SELECT count(*) FROM task WHERE parent_id IS NOT NULL").fetchone()[0]

    backup = Path(store.backup_made)
    assert backup.parent == path.parent
    assert backup.name.startswith(f"seeded.db.{head}-")
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    with sqlite3.connect(backup) as old:
        assert old.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head
        assert _row_counts(old) == before
        assert old.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_store_from_a_newer_taskboard_is_refused(store_target: str) -> None:
    open_store(store_target).close()
    engine = create_engine(resolve_url(store_target))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(SchemaTooNewError, match="upgrade taskboard") as caught:
        open_store(store_target)
    assert "9999" in str(caught.value)

    proc = subprocess.run(
        [sys.executable, "-m", "taskboard", "list", "--db", store_target],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )
    assert proc.returncode == 1
    assert "upgrade taskboard" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_new_sqlite_store_is_private_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "new.db"
    store = open_store(str(path))
    try:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
            assert inspect(conn).has_table("task")
            assert migrate.current_revision(conn) == revisions.head_revision()
    finally:
        store.close()
    assert store.backup_made is None  # a new store has nothing to back up


def test_pytest_alembic_runs_on_this_backend(alembic_runner: MigrationContext) -> None:
    """The runner reaches env.py through the config's connection and lands on our head."""
    alembic_runner.migrate_up_to("heads", return_current=False)
    assert alembic_runner.current == revisions.head_revision()


def test_0003_adds_question_owners_and_keeps_the_meeting_items_search_triggers(
    alembic_runner: MigrationContext, alembic_engine: Connection
) -> None:
    """0003 rebuilds meeting_item on SQLite: the rows stay, the search index keeps following
    the table both ways, and the owner column comes and goes."""
    alembic_runner.migrate_up_to("0002", return_current=False)
    conn = alembic_engine
    conn.execute(text("INSERT INTO meeting (id, title, started) VALUES (1, 'W', '2026-12-01')"))
    conn.execute(
        text(
            "INSERT INTO meeting_item (id, meeting_id, kind, text, created)"
            " VALUES (1, 1, 'question', 'who books the transporter', '2026-12-01')"
        )
    )
    conn.commit()

    def index_of_items() -> list[int]:
        rows = conn.execute(text("SELECT ref_id FROM search_entry WHERE id % 8 = 3 ORDER BY 1"))
        return [r[0] for r in rows]

    def add_question(item_id: int) -> None:
        conn.execute(
            text(
                "INSERT INTO meeting_item (id, meeting_id, kind, text, created)"
                f" VALUES ({item_id}, 1, 'question', 'next one', '2026-12-02')"
            )
        )
        conn.commit()

    alembic_runner.migrate_up_one()
    columns = {c["name"] for c in inspect(conn).get_columns("meeting_item")}
    assert "owner_id" in columns and "meeting_presence" in inspect(conn).get_table_names()
    add_question(2)
    conn.execute(text("DELETE FROM meeting_item WHERE id = 1"))
    conn.commit()
    assert index_of_items() == [2]

    alembic_runner.migrate_down_one()
    assert "owner_id" not in {c["name"] for c in inspect(conn).get_columns("meeting_item")}
    add_question(3)
    assert index_of_items() == [2, 3]
