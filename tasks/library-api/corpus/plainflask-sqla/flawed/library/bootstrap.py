"""Create the tables and the admin account at start-up."""

import logging
import time

from flask import Flask
from sqlalchemy.exc import IntegrityError, OperationalError

from .extensions import db
from .models import User
from .security import hash_password

log = logging.getLogger(__name__)
ATTEMPTS = 5


def ensure_admin(email: str | None, password: str | None) -> None:
    """If no account has ADMIN_EMAIL, create it as an admin with ADMIN_PASSWORD."""
    if not email or not password:
        log.warning("ADMIN_EMAIL or ADMIN_PASSWORD is not set: no admin account is created")
        return
    email = email.lower()
    if User.query.filter_by(email=email).first() is not None:
        return
    db.session.add(
        User(email=email, name="Administrator", role="admin", password_hash=hash_password(password))
    )
    db.session.commit()


def init_database(app: Flask) -> None:
    """Both workers start at once: a lost race on a table or on the admin is retried."""
    with app.app_context():
        for attempt in range(1, ATTEMPTS + 1):
            try:
                db.create_all()
                ensure_admin(app.config.get("ADMIN_EMAIL"), app.config.get("ADMIN_PASSWORD"))
                return
            except (IntegrityError, OperationalError):
                db.session.rollback()
                if attempt == ATTEMPTS:
                    raise
                time.sleep(0.2 * attempt)
