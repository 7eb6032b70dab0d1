"""Settings come from the environment only; there is no default for any secret."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

ACCESS_TOKEN_TTL = timedelta(minutes=15)
REFRESH_TOKEN_TTL = timedelta(days=7)
MAX_BODY_BYTES = 1024 * 1024


class ConfigurationError(RuntimeError):
    pass


@dataclass(frozen=True)
class Settings:
    database_url: str
    jwt_secret: str
    admin_email: str | None
    admin_password: str | None
    testing: bool = False

    @classmethod
    def from_env(cls, overrides: Mapping[str, Any] | None = None) -> Settings:
        values = {
            "DATABASE_URL": os.environ.get("DATABASE_URL"),
            "JWT_SECRET": os.environ.get("JWT_SECRET", "dev-jwt-secret-change-me"),
            "ADMIN_EMAIL": os.environ.get("ADMIN_EMAIL"),
            "ADMIN_PASSWORD": os.environ.get("ADMIN_PASSWORD"),
            **(overrides or {}),
        }
        for required in ("DATABASE_URL", "JWT_SECRET"):
            if not values.get(required):
                raise ConfigurationError(f"the environment variable {required} is not set")
        return cls(
            database_url=values["DATABASE_URL"],
            jwt_secret=values["JWT_SECRET"],
            admin_email=values.get("ADMIN_EMAIL"),
            admin_password=values.get("ADMIN_PASSWORD"),
            testing=bool(values.get("TESTING", False)),
        )

    def as_flask_config(self) -> dict[str, Any]:
        return {
            "TESTING": self.testing,
            "SQLALCHEMY_DATABASE_URI": self.database_url,
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"timeout": 15}},
            "JWT_SECRET_KEY": self.jwt_secret,
            "JWT_ALGORITHM": "HS256",
            "JWT_DECODE_ALGORITHMS": ["HS256"],
            "JWT_TOKEN_LOCATION": ["headers"],
            "JWT_ACCESS_TOKEN_EXPIRES": ACCESS_TOKEN_TTL,
            "JWT_REFRESH_TOKEN_EXPIRES": REFRESH_TOKEN_TTL,
            "ADMIN_EMAIL": self.admin_email,
            "ADMIN_PASSWORD": self.admin_password,
            "MAX_CONTENT_LENGTH": MAX_BODY_BYTES,
        }
