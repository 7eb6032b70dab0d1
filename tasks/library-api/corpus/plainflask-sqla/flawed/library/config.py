"""Configuration, read from the environment only."""

import os

MAX_BODY_BYTES = 1024 * 1024


class ConfigError(RuntimeError):
    """A required environment variable is missing."""


def _required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise ConfigError(f"the environment variable {name} must be set")
    return value


def _engine_options(url: str) -> dict:
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}}
    return {"pool_pre_ping": True}


def load_config() -> dict:
    database_url = _required("DATABASE_URL")
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(database_url),
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
        "JWT_SECRET": os.environ.get("JWT_SECRET", "library-dev-secret"),
        "ADMIN_EMAIL": os.environ.get("ADMIN_EMAIL"),
        "ADMIN_PASSWORD": os.environ.get("ADMIN_PASSWORD"),
        "MAX_CONTENT_LENGTH": MAX_BODY_BYTES,
    }
