"""The database handle and the few helpers every blueprint uses with it."""

import sqlite3

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase

from library.errors import Conflict, NotFound


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


@event.listens_for(Engine, "connect")
def _configure_sqlite(connection, _record):
    """SQLite leaves foreign keys off by default; WAL lets readers and a writer overlap."""
    if isinstance(connection, sqlite3.Connection):
        cursor = connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()


def init_db(app, seed):
    """Create the tables and seed what the app needs (both idempotent), once per start."""
    with app.app_context():
        db.create_all()
        seed()
        db.session.remove()
        # gunicorn --preload forks its workers after this: they must not share our connections.
        db.engine.dispose()


def find_or_404(model, ident, what):
    found = db.session.get(model, ident)
    if found is None:
        raise NotFound(f"{what} {ident} does not exist")
    return found


def commit_or_conflict(message):
    """Commit; a unique or foreign-key constraint that another request won is a 409."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(message) from None
