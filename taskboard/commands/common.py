"""What every CLI command shares: the `--db`/`--json` options, opening services, output, errors."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any, NoReturn, ParamSpec, TypeVar

import typer

from taskboard.config import Settings, load_settings

P = ParamSpec("P")
R = TypeVar("R")

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Store: a file path or an SQLAlchemy URL.", show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for programs.")]


class CliError(Exception):
    """A message for stderr; the command exits with 1."""


def fail(message: str) -> NoReturn:
    raise CliError(message)


def handles_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn every expected error into one line on stderr and exit code 1 (never a traceback)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from taskboard.services.errors import ServiceError
        from taskboard.store.errors import StoreError

        try:
            return func(*args, **kwargs)
        except (CliError, ServiceError, StoreError, ValueError, OSError) as exc:
            typer.echo(f"error: {printable(str(exc))}", err=True)
            raise typer.Exit(1) from None

    return wrapper


def printable(text: str) -> str:
    """User text on the way out: no control characters reach the terminal."""
    from taskboard.domain.text import clean

    return clean(text)


def settings(db: str | None) -> Settings:
    return load_settings(db=db)


def open_services(db: str | None, target: str | None = None, quiet: bool = False) -> Any:
    """Settings, store and services for one command (typed Any to keep imports lazy).

    `quiet` is for loading behind a running screen, where stderr belongs to Textual.
    """
    from taskboard.services import Services
    from taskboard.store import open_store

    conf = settings(db)
    if conf.db_password and not quiet:
        warn_exposed_config()
    store = open_store(conf.with_password(target or conf.store_target()))
    if not quiet:
        if store.backup_made:
            typer.echo(f"backed up the store to {store.backup_made} before upgrading it", err=True)
        warn_network_fs(store)
    return Services.open(store, conf.user)


def warn_exposed_config() -> None:
    from taskboard.config import config_exposed, config_path

    if config_exposed():
        typer.echo(
            f"warning: {config_path()} holds a database password and others can read it: "
            f"chmod 600 {config_path()}",
            err=True,
        )


def warn_network_fs(store: Any) -> None:
    from taskboard.store.netfs import network_filesystem

    kind = network_filesystem(store.url)
    if kind:
        typer.echo(
            f"warning: the store is on a network file system ({kind}); SQLite is not safe there "
            "with several machines. Use PostgreSQL for a shared board.",
            err=True,
        )


def emit_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def table(rows: Iterable[Sequence[str]], headers: Sequence[str] | None = None) -> None:
    """Left-aligned columns separated by two spaces; user text made printable."""
    body = [[printable(c) for c in r] for r in rows]
    if headers:
        body.insert(0, list(headers))
    if not body:
        return
    widths = [max(len(r[i]) for r in body) for i in range(len(body[0]))]
    for r in body:
        typer.echo("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
