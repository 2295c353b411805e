"""Settings: flags > environment (`TASKBOARD_*`) > `taskboard.toml` > defaults; built by the CLI."""

from __future__ import annotations

import getpass
import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

APP_NAME = "taskboard"


def config_path() -> Path:
    """`taskboard.toml` in the platform's config dir (`$XDG_CONFIG_HOME/taskboard` on Linux)."""
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME)) / "taskboard.toml"


def data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME))


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


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TASKBOARD_", extra="ignore")

    db: str | None = Field(default=None, description="store: a file path or an SQLAlchemy URL")
    user: str = Field(default_factory=_login_name, description="your handle: who changes things")
    theme: str = Field(default="textual-dark")
    last_project: str | None = None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=config_path())
        return (init_settings, env_settings, toml)

    def store_target(self) -> str:
        return self.db or str(default_store())


def load_settings(**overrides: Any) -> Settings:
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{config_path()} is not valid TOML: {exc}") from exc


def save_setting(key: str, value: str | None) -> None:
    """Remember one setting (theme, last project) in the config file, keeping the others."""
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
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.tmp")
    # The file may hold a database password: owner-only from the first byte.
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        tomli_w.dump(data, fh)
    os.replace(temp, path)
