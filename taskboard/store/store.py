"""The open store: an engine plus read and write sessions, one transaction each."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from taskboard.store.engine import WRITE_OPTION, make_engine
from taskboard.store.errors import StoreError
from taskboard.store.migrate import migrate
from taskboard.store.target import mask, resolve_url, sqlite_path


class Store:
    """Hands out sessions; services own what happens inside them."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writer = engine.execution_options(**{WRITE_OPTION: True})
        self.backup_made: str | None = None

    @property
    def url(self) -> URL:
        return self.engine.url

    @property
    def display_url(self) -> str:
        return mask(self.engine.url)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: commits when the block ends, rolls back on any error."""
        with Session(self._writer, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def data_version(self) -> int:
        """A number that changes whenever any process commits a change to the store.

        Every change writes Activity rows, so the newest activity id serves on
        both backends and costs one index lookup.
        """
        with self.engine.connect() as conn:
            value = conn.exec_driver_sql("SELECT max(id) FROM activity").scalar()
        return int(value or 0)

    def close(self) -> None:
        self.engine.dispose()


def open_store(target: str, *, upgrade: bool = True, retries: int = 3) -> Store:
    """Open (and create) the store at `target`, migrated to the schema this program knows."""
    url = resolve_url(target)
    path = sqlite_path(url)
    if path is not None and path.is_dir():
        raise StoreError(f"{path} is a directory, not a taskboard store")
    try:
        engine = make_engine(url)
    except Exception as exc:
        raise StoreError(f"cannot open {mask(url)}: {exc}") from exc
    store = Store(engine)
    if upgrade:
        for attempt in range(retries):
            try:
                store.backup_made = migrate(engine)
                break
            except OperationalError as exc:
                if attempt == retries - 1 or "locked" not in str(exc):
                    engine.dispose()
                    raise StoreError(f"cannot open {mask(url)}: {exc.orig}") from exc
                time.sleep(0.2 * (attempt + 1))
            except StoreError:
                engine.dispose()
                raise
    return store
