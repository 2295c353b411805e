"""Turns a `--db` target (a file path or an SQLAlchemy URL) into a URL, and shows URLs safely."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL, make_url

from taskboard.store.errors import StoreError


def resolve_url(target: str) -> URL:
    """A file path becomes `sqlite:///ABSOLUTE`; a URL is checked and kept."""
    if "://" in target:
        try:
            url = make_url(target)
        except Exception as exc:  # SQLAlchemy raises ArgumentError and ValueError here
            raise StoreError(f"not a database URL: {mask(target)}") from exc
        if url.get_backend_name() not in ("sqlite", "postgresql"):
            raise StoreError(
                f"unsupported database {url.get_backend_name()!r}: use SQLite or PostgreSQL"
            )
        if url.get_backend_name() == "postgresql" and url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        return url
    path = Path(target).expanduser().resolve()
    return URL.create("sqlite", database=str(path))


def sqlite_path(url: URL) -> Path | None:
    """The file behind a SQLite URL, or None for memory databases and other backends."""
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file::memory:"):
        return None
    return Path(database)


def mask(url: str | URL) -> str:
    """The URL with its password replaced by ***, for every message a person sees."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except Exception:
        return "<invalid URL>"
    return parsed.render_as_string(hide_password=True)
