"""Schema upgrades: a seeded copy loses no rows, an older program refuses a newer store, and two
programs opening an unmigrated store at once migrate it exactly once."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from taskboard.services import Services
from taskboard.services.demo import load_demo
from taskboard.store import migrate, open_store, resolve_url, revisions

REVISION = '''"""Test only: a newer program's revision."""

import sqlalchemy as sa
from alembic import op

revision = "{rev}"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade() -> None:
{body}


def downgrade() -> None:
    pass
'''

# The risky kind on SQLite: batch mode copies every row of the rebuilt tables.
REBUILD = """    for table in ("project", "task", "comment"):
        with op.batch_alter_table(table, recreate="always") as batch:
            batch.add_column(sa.Column("scratch", sa.Integer(), nullable=True))"""
NEW_TABLE = (
    """    op.create_table("future_feature", sa.Column("id", sa.Integer(), primary_key=True))"""
)

OPENER = r"""
import sys, time
from taskboard.store import open_store

sys.stdout.write("ready\n")
sys.stdout.flush()
sys.stdin.readline()
started = time.perf_counter()
store = open_store(sys.argv[1])
store.close()
print(f"{time.perf_counter() - started:.3f}")
"""


@pytest.fixture
def newer_program(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[str], str]]:
    """Turn this process into a newer taskboard: the shipped migrations plus one revision."""

    def install(body: str) -> str:
        head = revisions.head_revision()
        rev = f"{int(head) + 1:04d}"
        copy = tmp_path / "newer-migrations"
        shutil.copytree(
            revisions.migrations_dir(), copy, ignore=shutil.ignore_patterns("__pycache__")
        )
        (copy / "versions" / f"{rev}_future.py").write_text(
            REVISION.format(rev=rev, down=head, body=body), encoding="utf-8"
        )
        monkeypatch.setattr(revisions, "migrations_dir", lambda: copy)
        revisions.known_revisions.cache_clear()
        return rev

    revisions.known_revisions.cache_clear()
    yield install
    revisions.known_revisions.cache_clear()


def _tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as raw:
        names = [
            r[0]
            for r in raw.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version'"
            )
        ]
        return {n: sorted(raw.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}


def _seed(target: str) -> None:
    store = open_store(target)
    services = Services.open(store, "tester")
    assert load_demo(services)
    services.tasks.add_dependency("DEL-2", "DEL-1")
    store.close()


def _backend(target: str) -> str:
    return "postgresql" if target.startswith("postgresql") else "sqlite"


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_upgrading_a_copy_of_a_seeded_store_loses_no_rows(
    tmp_path: Path, newer_program: Callable[[str], str], figures: list[str]
) -> None:
    seeded = tmp_path / "seeded.db"
    _seed(str(seeded))
    copy = tmp_path / "copy.db"
    shutil.copy(seeded, copy)
    before = _tables(seeded)

    rev = newer_program(REBUILD)
    started = time.perf_counter()
    store = open_store(str(copy))
    took = time.perf_counter() - started
    try:
        with store.engine.connect() as conn:
            assert migrate.current_revision(conn) == rev
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    finally:
        store.close()
    after = _tables(copy)
    for table, rows in before.items():
        if table in ("project", "task", "comment"):  # one more column, every value kept
            assert [r[:-1] for r in sorted(after[table], key=lambda r: repr(r[:-1]))] == sorted(
                rows, key=repr
            ), table
            assert {r[-1] for r in after[table]} == {None}
        else:
            assert after[table] == rows, table
    assert _tables(seeded) == before  # the original was not touched
    total = sum(len(r) for r in before.values())
    figures.append(
        f"schema upgrade (sqlite): seeded copy with {total} rows in {len(before)} tables rebuilt "
        f"in {took * 1000:.0f} ms, 0 rows lost or changed"
    )


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_an_older_program_refuses_a_newer_store(
    store_target: str, newer_program: Callable[[str], str]
) -> None:
    _seed(store_target)
    rev = newer_program(NEW_TABLE)
    open_store(store_target).close()  # the newer program upgrades the store

    # This checkout's installed program is the older one: it runs in its own process.
    proc = subprocess.run(
        [sys.executable, "-m", "taskboard", "add", "late +DEL", "--db", store_target],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ),
    )
    assert proc.returncode == 1
    assert f"written by a newer taskboard (schema {rev}" in proc.stderr
    assert "upgrade taskboard" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""

    engine = create_engine(resolve_url(store_target))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [
            rev
        ]
        assert conn.execute(text("SELECT count(*) FROM task WHERE title = 'late'")).scalar() == 0
    engine.dispose()


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_two_programs_on_an_unmigrated_store_migrate_it_once(
    store_target: str, spawn: Callable[..., list[subprocess.Popen[str]]], figures: list[str]
) -> None:
    procs = spawn(OPENER, [store_target], [store_target])
    times = []
    for p in procs:
        out, err = p.communicate(timeout=100)
        assert p.returncode == 0, err
        assert "Traceback" not in err
        times.append(float(out.strip()))
    engine = create_engine(resolve_url(store_target))
    with engine.connect() as conn:
        versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    engine.dispose()
    assert versions == [revisions.head_revision()]
    store = open_store(store_target)  # usable afterwards
    try:
        Services.open(store, "tester").projects.create("MIG", "Migrated once")
    finally:
        store.close()
    figures.append(
        f"migration race ({_backend(store_target)}): 2 programs opened an empty store together, "
        f"both succeeded in {max(times) * 1000:.0f} ms, one alembic_version row at head"
    )
