"""Small in-memory submissions for the engineering measures: a clean Flask project, and trees
built from it with one change each."""

from __future__ import annotations

from grader.stages.engineering.inputs import GitCommit, GitHistory, SourceFile, SourceTree

APP_INIT = '''\
"""The library API."""

from __future__ import annotations

import os

from flask import Flask

from app.books import books
from app.extensions import db, migrate


def create_app(test_config: dict[str, object] | None = None) -> Flask:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get("DATABASE_URL", "sqlite:///app.db")
    if test_config:
        app.config.update(test_config)
    db.init_app(app)
    migrate.init_app(app, db)
    app.register_blueprint(books)
    return app
'''
SECRET_KEY_LINE = 15  # of APP_INIT

BOOKS = """\
from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text

from app.extensions import db

books = Blueprint("books", __name__, url_prefix="/books")


@books.get("/<int:book_id>")
def get_book(book_id: int) -> ResponseReturnValue:
    query = text("SELECT title FROM books WHERE id = :id")
    row = db.session.execute(query, {"id": book_id}).first()
    if row is None:
        return jsonify(error="not found"), 404
    return jsonify(title=row.title)
"""
QUERY_LINE = 14  # of BOOKS

README = """\
# Library API

## Set up

    pip install -r requirements.txt

## Run

    flask --app app run

## Test

    pytest
"""

CLEAN: dict[str, str] = {
    "app/__init__.py": APP_INIT,
    "app/books.py": BOOKS,
    "app/extensions.py": (
        "from flask_migrate import Migrate\n"
        "from flask_sqlalchemy import SQLAlchemy\n\n"
        "db = SQLAlchemy()\n"
        "migrate = Migrate()\n"
    ),
    "migrations/env.py": "def run_migrations_online():\n    pass\n",
    "migrations/alembic.ini": "[alembic]\n",
    "requirements.txt": "flask==3.0.3\nflask-sqlalchemy==3.1.1  # the ORM\nflask-migrate==4.0.7\n",
    "requirements.lock": "flask==3.0.3\nwerkzeug==3.0.4\n",
    "README.md": README,
    "Dockerfile": "FROM python:3.11-slim\n",
    ".github/workflows/ci.yml": "on: push\n",
    ".env.example": "SECRET_KEY=change-me\n",
    ".gitignore": ".env\n",
    "tests/conftest.py": 'SECRET_KEY = "test-only"\n',
    "tests/test_books.py": "def test_book(client) -> None:\n    assert client.get('/books/1')\n",
}

CLEAN_HISTORY = GitHistory(
    commits=(
        GitCommit("b" * 40, "Serve a book", ("app/books.py", "tests/test_books.py")),
        GitCommit("a" * 40, "Start the app", ("app/__init__.py", "README.md")),
    )
)


def source_tree(files: dict[str, str]) -> SourceTree:
    return SourceTree(
        files=tuple(
            SourceFile(path=path, text=text, size=len(text.encode()))
            for path, text in sorted(files.items())
        )
    )


def changed(
    base: dict[str, str], files: dict[str, str] | None = None, *, drop: tuple[str, ...] = ()
) -> dict[str, str]:
    """`base` without the files under `drop`, with `files` written over it."""
    kept = {path: text for path, text in base.items() if not path.startswith(drop)}
    return {**kept, **(files or {})}
