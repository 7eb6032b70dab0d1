"""Library API: a lending library's catalogue, members and loans."""

import logging
import time

from flask import Flask
from flask_smorest import Api
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from . import auth, authors, books, loans
from .config import load_config
from .errors import register_error_handlers
from .extensions import db, jwt
from .http import init_http
from .parsing import Blueprint
from .security import ensure_admin, init_jwt_callbacks

meta = Blueprint("meta", __name__, description="Liveness")


@meta.route("/health")
def health():
    return {"status": "ok"}


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


def _init_database(app: Flask, attempts: int = 5) -> None:
    """Create the tables and the admin; tolerate a sibling worker doing the same."""
    with app.app_context():
        for attempt in range(attempts):
            try:
                db.create_all()
                ensure_admin()
                break
            except (IntegrityError, OperationalError):
                db.session.rollback()
                if attempt == attempts - 1:
                    raise
                time.sleep(0.2 * (attempt + 1))
        db.session.remove()
        db.engine.dispose()


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(load_config())
    app.config.update(overrides or {})
    logging.basicConfig(level=logging.INFO)

    db.init_app(app)
    jwt.init_app(app)
    init_jwt_callbacks(app)
    api = Api(app)
    for blueprint in (meta, auth.blp, authors.blp, books.blp, loans.blp):
        api.register_blueprint(blueprint)
    register_error_handlers(app)
    init_http(app)

    _init_database(app)
    return app
