"""The PostgreSQL password from ~/.pgpass or the 0600 config file: it works and is never shown."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from taskboard.config import Settings, config_path

PG_URL = os.environ.get("TASKBOARD_TEST_POSTGRES_URL")

needs_pg = pytest.mark.skipif(PG_URL is None, reason="TASKBOARD_TEST_POSTGRES_URL is not set")


@dataclass(frozen=True)
class Account:
    """A role of its own with a password nobody would mistake for another word in the output."""

    url: str  # without the password
    password: str
    host: str
    port: int
    database: str
    user: str


@pytest.fixture
def account() -> Iterator[Account]:
    assert PG_URL is not None
    tag = uuid.uuid4().hex[:8]
    user, database, password = f"tb_team_{tag}", f"tb_team_{tag}", f"Pw-{uuid.uuid4().hex}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {user} LOGIN PASSWORD '{password}'"))
        conn.execute(text(f"CREATE DATABASE {database} OWNER {user}"))
    base = make_url(PG_URL)
    url = URL.create(base.drivername, user, None, base.host, base.port, database)
    try:
        yield Account(
            url=url.render_as_string(hide_password=False),
            password=password,
            host=base.host or "127.0.0.1",
            port=base.port or 5432,
            database=database,
            user=user,
        )
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
            conn.execute(text(f"DROP ROLE IF EXISTS {user}"))
        admin.dispose()


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = dict(os.environ)
    full_env.pop("PGPASSWORD", None)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "taskboard", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=full_env,
    )


def write_config(body: str, mode: int = 0o600) -> Path:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    path.chmod(mode)
    return path


@needs_pg
def test_password_from_pgpass(account: Account, tmp_path: Path) -> None:
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(
        f"{account.host}:{account.port}:{account.database}:{account.user}:{account.password}\n",
        encoding="utf-8",
    )
    pgpass.chmod(0o600)
    missing = tmp_path / "no-pgpass"

    refused = run(
        "add", "Without a password", "--db", account.url, env={"PGPASSFILE": str(missing)}
    )
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr

    env = {"PGPASSFILE": str(pgpass)}
    assert run("project", "add", "TEAM", "Team", "--db", account.url, env=env).returncode == 0
    added = run("add", "Shared board works +TEAM", "--db", account.url, env=env)
    assert added.returncode == 0, added.stderr
    listed = run("list", "--json", "--db", account.url, env=env)
    assert '"Shared board works"' in listed.stdout
    for proc in (refused, added, listed):
        assert account.password not in proc.stdout + proc.stderr


@needs_pg
def test_password_from_the_config_file_is_used_and_never_shown(
    account: Account, tmp_path: Path
) -> None:
    env = {"PGPASSFILE": str(tmp_path / "no-pgpass")}
    write_config(f'db = "{account.url}"\ndb_password = "{account.password}"\n')
    assert run("project", "add", "TEAM", "Team", env=env).returncode == 0
    added = run("add", "Typed in the meeting +TEAM", env=env)
    assert added.returncode == 0, added.stderr
    where = run("db", "where", env=env)
    assert where.returncode == 0
    assert where.stdout.strip() == make_url(account.url).set(password="x").render_as_string()
    assert ":***@" in where.stdout
    for proc in (added, where):
        assert account.password not in proc.stdout + proc.stderr
        assert "warning" not in proc.stderr  # the file is 0600

    engine = create_engine(make_url(account.url).set(password=account.password))
    with engine.connect() as conn:
        titles = conn.execute(text("SELECT title FROM task")).scalars().all()
    engine.dispose()
    assert titles == ["Typed in the meeting"]


def test_a_readable_config_file_holding_a_password_gets_a_warning(tmp_path: Path) -> None:
    store = str(tmp_path / "s.db")
    path = write_config('db_password = "Pw-secret-word"\n', mode=0o644)
    loose = run("list", "--db", store)
    assert loose.returncode == 0, loose.stderr
    assert f"chmod 600 {path}" in loose.stderr
    assert "Pw-secret-word" not in loose.stderr + loose.stdout

    path.chmod(0o600)
    tight = run("list", "--db", store)
    assert tight.returncode == 0
    assert "warning" not in tight.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_config_password_only_fills_a_postgresql_url_without_one() -> None:
    conf = Settings(db_password="Pw-x")
    assert conf.with_password("postgresql+psycopg://me@db.example/board") == (
        "postgresql+psycopg://me:Pw-x@db.example/board"
    )
    kept = "postgresql+psycopg://me:own@db.example/board"
    assert conf.with_password(kept) == kept
    assert conf.with_password("/tmp/board.db") == "/tmp/board.db"
    assert Settings().with_password("postgresql://me@h/b") == "postgresql://me@h/b"
    assert "Pw-x" not in repr(conf)
