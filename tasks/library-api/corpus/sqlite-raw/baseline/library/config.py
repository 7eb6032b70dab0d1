"""Configuration, read from the environment only: no secret has a default value."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import unquote, urlsplit

REQUIRED = ("DATABASE_URL", "JWT_SECRET")
FROM_ENVIRONMENT = ("DATABASE_URL", "JWT_SECRET", "ADMIN_EMAIL", "ADMIN_PASSWORD")
MAX_BODY_BYTES = 1024 * 1024


class ConfigError(RuntimeError):
    """The environment does not say enough to start."""


def database_path(url: str) -> str:
    """The file path of an SQLAlchemy-style SQLite URL (`sqlite:////data/library.db`)."""
    parts = urlsplit(url)
    if parts.scheme != "sqlite":
        raise ConfigError(f"DATABASE_URL must be an sqlite:// URL, got scheme {parts.scheme!r}")
    if parts.netloc:
        raise ConfigError("DATABASE_URL must look like sqlite:///relative.db or sqlite:////abs.db")
    path = unquote(parts.path)
    if path in ("", "/", "/:memory:"):
        raise ConfigError("DATABASE_URL must name a database file (state must survive restarts)")
    # "sqlite:///x.db" -> "/x.db" (relative), "sqlite:////data/x.db" -> "//data/x.db" (absolute)
    return path[1:]


def load_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    values: dict[str, Any] = {name: os.environ.get(name) for name in FROM_ENVIRONMENT}
    values.update(overrides or {})
    missing = [name for name in REQUIRED if not values.get(name)]
    if missing:
        raise ConfigError(f"set these environment variables: {', '.join(missing)}")
    values["DATABASE_PATH"] = database_path(values["DATABASE_URL"])
    values["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    return values
