"""Lending library API (Flask-RESTX + SQLAlchemy + PyJWT)."""

import logging
import time

from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.security import generate_password_hash

from . import db, errors, hooks
from .api import create_blueprint
from .models import User
from .settings import Settings


def ensure_admin(settings: Settings, method: str) -> None:
    """Create the ADMIN_EMAIL account as an admin unless an account already has that email."""
    email = settings.admin_email.lower()
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        return
    admin = User(
        email=email,
        name="Administrator",
        role="admin",
        password_hash=generate_password_hash(settings.admin_password, method=method),
    )
    db.session.add(admin)
    db.session.commit()


def prepare_database(app: Flask, engine, tries: int = 5) -> None:
    """Tables and admin, tolerating the other gunicorn worker doing the same at once."""
    for attempt in range(1, tries + 1):
        try:
            db.Base.metadata.create_all(engine)
            ensure_admin(app.config["SETTINGS"], app.config["PASSWORD_HASH_METHOD"])
            break
        except (IntegrityError, OperationalError):
            db.session.rollback()
            if attempt == tries:
                raise
            time.sleep(0.2 * attempt)
    db.session.remove()


def create_app(overrides: dict | None = None) -> Flask:
    settings = Settings.from_env()
    app = Flask(__name__)
    app.config.update(
        SETTINGS=settings,
        MAX_CONTENT_LENGTH=1024 * 1024,
        PASSWORD_HASH_METHOD="scrypt",
        RESTX_ERROR_404_HELP=False,
        RESTX_MASK_SWAGGER=False,
    )
    app.config.update(overrides or {})
    logging.basicConfig(level=logging.INFO)

    engine = db.make_engine(settings.database_url)
    db.bind(engine)
    app.teardown_appcontext(db.shutdown_session)

    errors.register(app)
    hooks.register(app)
    app.register_blueprint(create_blueprint())

    prepare_database(app, engine)
    return app
