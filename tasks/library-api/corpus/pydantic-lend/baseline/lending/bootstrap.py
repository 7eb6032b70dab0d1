"""Start-up: tables, then the admin account from ADMIN_EMAIL / ADMIN_PASSWORD."""

import logging
import time

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from .auth.passwords import hash_password
from .database import Base
from .models import User
from .settings import Settings

log = logging.getLogger(__name__)


def _seed_admin(engine: Engine, settings: Settings) -> None:
    if not (settings.admin_email and settings.admin_password):
        log.warning("no ADMIN_EMAIL/ADMIN_PASSWORD: no admin account created")
        return
    email = settings.admin_email.lower()
    with Session(engine) as db:
        if db.scalars(select(User).where(User.email == email)).first() is None:
            password_hash = hash_password(settings.admin_password)
            db.add(User(email=email, name="Admin", role="admin", password_hash=password_hash))
            db.commit()


def prepare_database(engine: Engine, settings: Settings, attempts: int = 5) -> None:
    """Idempotent and safe when several processes start together."""
    for attempt in range(1, attempts + 1):
        try:
            Base.metadata.create_all(engine)
            _seed_admin(engine, settings)
            return
        except (IntegrityError, OperationalError):
            if attempt == attempts:
                raise
            time.sleep(0.25 * attempt)
