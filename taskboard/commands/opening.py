"""Settings, store and services for one command; no Typer, so the board's path can use it."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from taskboard.config import Settings, load_settings

if TYPE_CHECKING:
    from taskboard.services import Services
    from taskboard.services.plain_tasks import PlainTasks
    from taskboard.store import Store


def _warn(message: str) -> None:
    print(message, file=sys.stderr)


def settings(db: str | None) -> Settings:
    return load_settings(db=db)


def plain_target(conf: Settings) -> tuple[str, str | None]:
    """The store the plain reader and writer open, and the configured password when its
    URL has none."""
    from urllib.parse import urlsplit

    from taskboard.config import default_store

    target = conf.db or str(default_store())
    password = None
    if conf.db_password and target.startswith("postgresql"):
        try:
            password = None if urlsplit(target).password is not None else conf.db_password
        except ValueError:
            password = conf.db_password
    return target, password


def run_plain(db: str | None, job: Callable[[PlainTasks], tuple[str, str]]) -> int | None:
    """Run `job` over the plain writer of the store `db` names and print its (out, err);
    the exit code, or None when the store is one the plain writer leaves to Typer and the
    services (`NotReadable`: raised before anything is written)."""
    from taskboard.services.plain_tasks import PlainTasks
    from taskboard.store.connect import NotReadable

    conf = settings(db)
    target, password = plain_target(conf)
    try:
        out, err = job(PlainTasks(target, password, conf.user))
    except NotReadable:
        return None
    # A driver's error is not retried the ordinary way: it may come from the COMMIT of a
    # change the store took. It goes up to `cli.run`, which names the store's fault.
    if conf.db_password:
        warn_exposed_config()
    sys.stdout.write(out)
    if err:
        sys.stderr.write(err)
    return 0


def open_services(db: str | None, target: str | None = None, quiet: bool = False) -> Services:
    """Settings, store and services for one command.

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
            _warn(f"backed up the store to {store.backup_made} before upgrading it")
        warn_network_fs(store)
    return Services.open(store, conf.user)


def warn_exposed_config() -> None:
    from taskboard.config import config_exposed, config_path

    if config_exposed():
        _warn(
            f"warning: {config_path()} holds a database password and others can read it: "
            f"chmod 600 {config_path()}",
        )


def warn_network_fs(store: Store) -> None:
    from taskboard.store.netfs import network_filesystem

    kind = network_filesystem(store.url)
    if kind:
        _warn(
            f"warning: the store is on a network file system ({kind}); SQLite is not safe there "
            "with several machines. Use PostgreSQL for a shared board.",
        )


def store_label(db: str | None) -> str:
    """The store a command uses, as messages name it (passwords masked)."""
    from taskboard.store import mask, resolve_url
    from taskboard.store.target import sqlite_path

    url = resolve_url(settings(db).store_target())
    path = sqlite_path(url)
    return str(path) if path is not None else mask(url)
