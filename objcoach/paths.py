"""Where objcoach keeps the user's state: one folder, OBJCOACH_HOME or the platform's data folder."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from objcoach.errors import InputError

HOME_ENV = "OBJCOACH_HOME"
DB_ENV = "OBJCOACH_DB"  # the default of every --db option
DB_NAME = "history.sqlite3"
CONFIG_NAME = "config.yaml"
CONFIG_KEYS = ("operator", "lang")


def home() -> Path:
    """OBJCOACH_HOME, else the platform's user data folder (~/.local/share/objcoach or $XDG_DATA_HOME on
    Linux, ~/Library/Application Support/objcoach on macOS, %APPDATA%\\objcoach on Windows)."""
    explicit = os.environ.get(HOME_ENV)
    if explicit:
        return Path(explicit).expanduser()
    import platformdirs  # only without OBJCOACH_HOME

    # roaming: the folder objcoach has always used on Windows (%APPDATA%, not %LOCALAPPDATA%)
    return Path(platformdirs.user_data_dir("objcoach", appauthor=False, roaming=True))


def db_path(explicit: str | None = None) -> str | Path:
    """--db (which Typer fills from OBJCOACH_DB when not given), else history.sqlite3 in the objcoach home
    folder. A PostgreSQL address (a postgresql:// URL or a libpq keyword string such as `host=db
    dbname=team`) is returned as it is; anything else is a SQLite file."""
    from objcoach.store.backends import is_postgres

    target = explicit
    if target and is_postgres(target):
        return target
    return Path(target or home() / DB_NAME).expanduser()


def config_path() -> Path:
    return home() / CONFIG_NAME


def read_config() -> dict[str, str]:
    """The config file's settings (operator, lang); a missing file is an empty config."""
    path = config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise InputError(said="config_unreadable", path=path, reason=error.strerror) from None
    import yaml  # only when there is a file: importing PyYAML costs several milliseconds

    try:
        data: Any = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        raise InputError(said="config_yaml", path=path, problem=error) from None
    if not isinstance(data, dict):
        raise InputError(said="config_shape", path=path, known=", ".join(CONFIG_KEYS))
    unknown = [key for key in data if key not in CONFIG_KEYS]
    if unknown:
        raise InputError(said="config_unknown_in", path=path, key=unknown[0], known=", ".join(CONFIG_KEYS))
    return {str(key): str(value) for key, value in data.items() if value is not None}


def operator_name(explicit: str | None = None) -> str:
    """--operator, then the config file, then the OS user."""
    if explicit and explicit.strip():
        return explicit.strip()
    configured = read_config().get("operator")
    if configured:
        return configured
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no user name on this system (some containers)
        return "operator"


def write_setting(key: str, value: str | None) -> Path:
    """Set (or with None, remove) one setting in config.yaml, keeping the others; the file is replaced whole.
    The caller has checked the value (a language is one objcoach knows)."""
    if key not in CONFIG_KEYS:
        raise InputError(said="config_unknown", key=key, known=", ".join(CONFIG_KEYS))
    settings = read_config()
    if value is None:
        settings.pop(key, None)
    else:
        value = value.strip()
        if not value:
            raise InputError(said="config_empty", key=key)
        settings[key] = value
    import yaml

    from objcoach.io import atomic_write

    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path) as out:
        out.write("# objcoach settings: operator (your name in the history), lang (ru or en)\n")
        if settings:
            out.write(yaml.safe_dump(settings, allow_unicode=True, sort_keys=True))
    return path
