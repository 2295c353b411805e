"""Settings: flags > environment (`TASKBOARD_*`) > `taskboard.toml` > defaults; built by the CLI."""

from __future__ import annotations

import getpass
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

APP_NAME = "taskboard"


def config_path() -> Path:
    """`taskboard.toml` in the platform's config dir (`$XDG_CONFIG_HOME/taskboard` on Linux)."""
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME)) / "taskboard.toml"


def data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME))


def log_path() -> Path:
    """The log of internal errors (`$XDG_STATE_HOME/taskboard/taskboard.log` on Linux):
    every traceback a user met goes there, from the CLI and from the UI's workers.
    `taskboard.errorlog.record(exc)` writes to it."""
    import platformdirs

    return Path(platformdirs.user_state_dir(APP_NAME)) / "taskboard.log"


def default_store() -> Path:
    return data_dir() / "taskboard.db"


def demo_store() -> Path:
    return data_dir() / "demo.db"


def _login_name() -> str:
    try:
        name = getpass.getuser()
    except Exception:  # no passwd entry in some containers
        name = "me"
    cleaned = "".join(ch for ch in name.lower() if ch.isalnum() or ch in "._-")
    return cleaned or "me"


# Every setting: its type and default. Plain code instead of pydantic-settings on purpose:
# pydantic costs 0.2 s of import, a third of the budget for the board's first paint.
FIELDS: dict[str, Any] = {
    "db": None,  # store: a file path or an SQLAlchemy URL
    "user": _login_name,  # your handle: who changes things
    "theme": "textual-dark",
    "last_project": None,
    "board_views": None,  # each board's order, swimlanes and card size, as the board left them
    "db_password": None,  # injected into a PostgreSQL URL that has none; never printed
}


@dataclass(frozen=True)
class Settings:
    """Flags > environment (`TASKBOARD_DB`, `TASKBOARD_USER`, …) > config file > defaults."""

    db: str | None = None
    user: str = field(default_factory=_login_name)
    theme: str = "textual-dark"
    last_project: str | None = None
    board_views: str | None = None
    db_password: str | None = field(default=None, repr=False)

    def store_target(self) -> str:
        return self.with_password(self.db or str(default_store()))

    def with_password(self, target: str) -> str:
        """`target` with `db_password` added when it is a PostgreSQL URL without a password."""
        if not self.db_password or not target.startswith("postgresql"):
            return target
        from sqlalchemy.engine import make_url

        url = make_url(target)
        if url.password is not None:
            return target
        return url.set(password=self.db_password).render_as_string(hide_password=False)


class ConfigError(ValueError):
    """The config file cannot be read or holds a bad value; the message names it."""


def config_exposed() -> bool:
    """True when the config file can be read by the group or others."""
    try:
        return bool(config_path().stat().st_mode & 0o077)
    except OSError:
        return False


def _file_values() -> dict[str, Any]:
    path = config_path()
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path} is not UTF-8 text: {exc.reason}") from exc
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from exc
    values = {}
    for key, value in data.items():
        if key not in FIELDS:
            continue  # unknown keys are other versions' settings: keep quiet
        if not isinstance(value, str):
            raise ConfigError(f"{path}: '{key}' must be a string")
        values[key] = value
    return values


def load_settings(**overrides: Any) -> Settings:
    """Settings from flags (`overrides`), then `TASKBOARD_*` variables, then the file."""
    values = _file_values()
    for key in FIELDS:
        env = os.environ.get(f"TASKBOARD_{key.upper()}")
        if env is not None and env != "":
            values[key] = env
    values.update({k: v for k, v in overrides.items() if v is not None and k in FIELDS})
    return Settings(**values)


def save_setting(key: str, value: str | None) -> None:
    """Remember one setting (theme, last project, board views) in the config file, keeping
    the others."""
    import tomli_w

    path = config_path()
    data: dict[str, Any] = {}
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError:
            return  # never overwrite a file the user is in the middle of fixing
    if value is None:
        data.pop(key, None)
    else:
        data[key] = value
    from taskboard.files import atomic_open

    # The file may hold a database password: owner-only from the first byte.
    with atomic_open(path, "wb", private=True, parents=True) as fh:
        tomli_w.dump(data, fh)
