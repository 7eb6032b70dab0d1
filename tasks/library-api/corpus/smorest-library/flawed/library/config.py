"""Configuration, read from the environment only."""

import os
from datetime import timedelta


class ConfigError(RuntimeError):
    """A required setting is missing from the environment."""


def _required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise ConfigError(f"the environment variable {name} must be set")
    return value


def load_config() -> dict:
    """Build the Flask config from the environment (no default secrets)."""
    return {
        "SQLALCHEMY_DATABASE_URI": _required("DATABASE_URL"),
        "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"timeout": 30}},
        "JWT_SECRET_KEY": os.environ.get("JWT_SECRET", "library-dev-secret-change-me"),
        "ADMIN_EMAIL": _required("ADMIN_EMAIL"),
        "ADMIN_PASSWORD": _required("ADMIN_PASSWORD"),
        "JWT_ALGORITHM": "HS256",
        "JWT_DECODE_ALGORITHMS": ["HS256"],
        "JWT_TOKEN_LOCATION": ["headers"],
        "JWT_ACCESS_TOKEN_EXPIRES": timedelta(minutes=15),
        "JWT_REFRESH_TOKEN_EXPIRES": timedelta(days=7),
        "PASSWORD_HASH_METHOD": os.environ.get("PASSWORD_HASH_METHOD", "scrypt"),
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "API_TITLE": "Library API",
        "API_VERSION": "1.0.0",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/",
        "OPENAPI_JSON_PATH": "openapi.json",
    }
