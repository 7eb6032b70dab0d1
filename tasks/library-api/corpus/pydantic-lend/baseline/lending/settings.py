"""Settings come from the environment and nowhere else."""

import os
from dataclasses import dataclass


class MissingSetting(RuntimeError):
    pass


def _need(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise MissingSetting(f"{name} must be set in the environment")
    return value


@dataclass(frozen=True)
class Settings:
    database_url: str
    jwt_secret: str
    admin_email: str | None
    admin_password: str | None
    max_body_bytes: int = 1024 * 1024

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(
            database_url=_need("DATABASE_URL"),
            jwt_secret=_need("JWT_SECRET"),
            admin_email=os.environ.get("ADMIN_EMAIL") or None,
            admin_password=os.environ.get("ADMIN_PASSWORD") or None,
        )
