"""Start-up: tables, SQLite settings and the admin account."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import User
from .passwords import hash_password


def _configure_sqlite(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # let "begin" below start transactions
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 15000")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        # Take the write lock up front: two workers never interleave read-then-write.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def ensure_admin(email: str | None, password: str | None) -> None:
    if not email or not password:
        return
    email = email.lower()
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        return
    db.session.add(
        User(email=email, name="Administrator", role="admin", password_hash=hash_password(password))
    )
    try:
        db.session.commit()
    except IntegrityError:  # the other worker created it first
        db.session.rollback()


def prepare_database(app: Flask) -> None:
    _configure_sqlite(db.engine)
    db.create_all()
    ensure_admin(app.config.get("ADMIN_EMAIL"), app.config.get("ADMIN_PASSWORD"))
    db.session.remove()
    db.engine.dispose()  # no pooled connection may cross a fork into gunicorn's workers
