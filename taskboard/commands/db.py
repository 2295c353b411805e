"""`taskboard db …`: where the store is, upgrades, backups and checks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from taskboard.commands.common import (
    DbOption,
    fail,
    handles_errors,
    printable,
    settings,
    warn_exposed_config,
)

db_app = typer.Typer(
    help="Where the store lives, upgrades, backups and checks.", no_args_is_help=True
)


@db_app.command("where")
@handles_errors
def db_where(db: DbOption = None) -> None:
    """Print which store the commands use (password masked)."""
    from taskboard.store import mask, resolve_url

    conf = settings(db)
    if conf.db_password:
        warn_exposed_config()
    typer.echo(mask(resolve_url(conf.store_target())))


@db_app.command("upgrade")
@handles_errors
def db_upgrade(db: DbOption = None) -> None:
    """Migrate the store to this program's schema (a SQLite file is backed up first)."""
    from taskboard.store import open_store
    from taskboard.store.revisions import head_revision

    store = open_store(settings(db).store_target())
    if store.backup_made:
        typer.echo(f"backup: {store.backup_made}")
    typer.echo(f"{store.display_url} is at schema {head_revision()}")


@db_app.command("backup")
@handles_errors
def db_backup(
    path: Annotated[Path, typer.Argument(help="The copy; an earlier backup there is replaced.")],
    db: DbOption = None,
) -> None:
    """Write a consistent copy of a SQLite store while others keep working."""
    from taskboard.store import open_store
    from taskboard.store.backup import backup_sqlite

    store = open_store(settings(db).store_target())
    if store.backend != "sqlite":
        fail("backups of PostgreSQL stores are made with pg_dump")
    typer.echo(printable(str(backup_sqlite(store.engine, path))))


@db_app.command("check")
@handles_errors
def db_check(db: DbOption = None) -> None:
    """Check the store's integrity and references, and say what to do about damage.

    A SQLite file is only read: never upgraded, never written."""
    from taskboard.store import open_store, resolve_url
    from taskboard.store.check import check_sqlite_file, check_store, repair_advice
    from taskboard.store.target import sqlite_path

    target = settings(db).store_target()
    path = sqlite_path(resolve_url(target))
    if path is None:
        problems = check_store(open_store(target))
        for line in problems:
            typer.echo(printable(line))
        if problems:
            fail(f"{_count(len(problems))} found in the store (listed above)")
        typer.echo("ok")
        return
    report = check_sqlite_file(path)
    for line in report.notes:
        typer.echo(printable(line))
    if report.healthy:
        typer.echo("ok")
        return
    for line in report.problems[:50]:
        typer.echo(printable(line))
    if len(report.problems) > 50:
        typer.echo(f"… and {len(report.problems) - 50} more")
    for line in repair_advice(path):
        typer.echo(printable(line))
    if report.unreadable is not None:
        fail(f"cannot open {path}: {report.unreadable}")
    fail(f"{path} has {_count(len(report.problems))} (listed above, with what to do)")


def _count(n: int) -> str:
    return f"{n} problem" if n == 1 else f"{n} problems"


def register(app: typer.Typer) -> None:
    """Attach `db` to the root app."""
    app.add_typer(db_app, name="db")
