"""SQLite access with the standard sqlite3 module: one connection per request."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from flask import Flask, current_app, g

from .passwords import hash_password

MAX_ID = 2**63 - 1  # the largest INTEGER PRIMARY KEY SQLite can store

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('member', 'admin')),
    password_hash TEXT    NOT NULL,
    created_at    TEXT    NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    id         TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT    NOT NULL,
    revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS login_failures (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    email     TEXT    NOT NULL,
    failed_at REAL    NOT NULL
);
CREATE INDEX IF NOT EXISTS login_failures_by_email ON login_failures (email, failed_at);
CREATE TABLE IF NOT EXISTS authors (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT    NOT NULL,
    birth_year INTEGER
);
CREATE TABLE IF NOT EXISTS books (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    title          TEXT    NOT NULL,
    isbn           TEXT    NOT NULL UNIQUE,
    author_id      INTEGER NOT NULL REFERENCES authors (id),
    published_year INTEGER
);
CREATE INDEX IF NOT EXISTS books_by_author ON books (author_id);
CREATE TABLE IF NOT EXISTS loans (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    book_id     INTEGER NOT NULL REFERENCES books (id),
    user_id     INTEGER NOT NULL REFERENCES users (id),
    borrowed_at TEXT    NOT NULL,
    due_at      TEXT    NOT NULL,
    returned_at TEXT
);
CREATE INDEX IF NOT EXISTS loans_by_user ON loans (user_id);
CREATE UNIQUE INDEX IF NOT EXISTS one_open_loan_per_book ON loans (book_id)
    WHERE returned_at IS NULL;
CREATE VIEW IF NOT EXISTS book_view AS
SELECT b.id, b.title, b.isbn, b.author_id, b.published_year,
       NOT EXISTS (
           SELECT 1 FROM loans l WHERE l.book_id = b.id AND l.returned_at IS NULL
       ) AS available
FROM books b;
"""

INSERT_ADMIN = """
INSERT OR IGNORE INTO users (email, name, role, password_hash, created_at)
VALUES (?, 'Administrator', 'admin', ?, ?)
"""


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def connect(path: str) -> sqlite3.Connection:
    # isolation_level=None: autocommit; writes use transaction() below.
    connection = sqlite3.connect(path, timeout=15, isolation_level=None)
    connection.row_factory = sqlite3.Row
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA busy_timeout = 15000")
    # SQLite's LIKE and lower() only fold ASCII; this folds any letter.
    connection.create_function("py_lower", 1, _lower, deterministic=True)
    return connection


def get_db() -> sqlite3.Connection:
    if "db" not in g:
        g.db = connect(current_app.config["DATABASE_PATH"])
    return g.db


@contextmanager
def transaction() -> Iterator[sqlite3.Connection]:
    """A write transaction that takes the lock up front (no lost updates across workers)."""
    connection = get_db()
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _close(_error: BaseException | None = None) -> None:
    connection = g.pop("db", None)
    if connection is not None:
        connection.close()


def register(app: Flask) -> None:
    app.teardown_appcontext(_close)


def init_db(app: Flask) -> None:
    """Create the tables and the admin account named by ADMIN_EMAIL / ADMIN_PASSWORD."""
    connection = connect(app.config["DATABASE_PATH"])
    try:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.executescript(SCHEMA)
        ensure_admin(connection, app.config.get("ADMIN_EMAIL"), app.config.get("ADMIN_PASSWORD"))
    finally:
        connection.close()


def ensure_admin(connection: sqlite3.Connection, email: str | None, password: str | None) -> None:
    if not email or not password:
        return
    email = email.lower()
    exists = connection.execute("SELECT 1 FROM users WHERE email = ?", (email,)).fetchone()
    if exists is None:
        connection.execute(INSERT_ADMIN, (email, hash_password(password), iso(utc_now())))
