"""Settings: defaults, then the environment, then what the caller passes (tests)."""

import os
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

DEFAULTS: dict[str, Any] = {
    "ACCESS_TOKEN_TTL": timedelta(minutes=15),
    "REFRESH_TOKEN_TTL": timedelta(days=7),
    "LOAN_PERIOD": timedelta(days=14),
    "LOGIN_FAILURE_LIMIT": 5,
    "LOGIN_FAILURE_WINDOW": timedelta(seconds=60),
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    "ADMIN_EMAIL": "",
    "ADMIN_PASSWORD": "",
    "JWT_SECRET": "7c1f9a0e4b6d2f8a3e5c9b1d7f0a2c4e",
}

# environment variable -> config key
ENVIRONMENT = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "JWT_SECRET": "JWT_SECRET",
    "ADMIN_EMAIL": "ADMIN_EMAIL",
    "ADMIN_PASSWORD": "ADMIN_PASSWORD",
}

REQUIRED = {"SQLALCHEMY_DATABASE_URI": "DATABASE_URL", "JWT_SECRET": "JWT_SECRET"}


class ConfigError(RuntimeError):
    pass


def load_config(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] = os.environ
) -> dict[str, Any]:
    config = dict(DEFAULTS)
    config.update({key: environ[name] for name, key in ENVIRONMENT.items() if environ.get(name)})
    config.update(overrides or {})
    missing = [name for key, name in REQUIRED.items() if not config.get(key)]
    if missing:
        raise ConfigError(f"set {' and '.join(missing)} in the environment")
    return config
