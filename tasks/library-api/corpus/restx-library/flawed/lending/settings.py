"""Settings come from the environment; secrets have no default."""

import os
from dataclasses import dataclass


class MissingSetting(RuntimeError):
    pass


def _env(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise MissingSetting(f"set the {name} environment variable")
    return value


@dataclass(frozen=True)
class Settings:
    database_url: str
    jwt_secret: str
    admin_email: str
    admin_password: str
    access_ttl: int = 15 * 60
    refresh_ttl: int = 7 * 24 * 3600

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(
            database_url=_env("DATABASE_URL"),
            jwt_secret=_env("JWT_SECRET"),
            admin_email=_env("ADMIN_EMAIL"),
            admin_password=_env("ADMIN_PASSWORD"),
        )
