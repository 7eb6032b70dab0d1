"""A lending library's JSON API: Flask, the standard sqlite3 module and PyJWT."""

from __future__ import annotations

from typing import Any

from flask import Flask

from . import db, errors, http
from .config import load_config
from .routes import accounts, authors, books, health, loans


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app from the environment (and `overrides`, for tests)."""
    app = Flask(__name__)
    app.config.update(load_config(overrides))
    app.json.ensure_ascii = False

    errors.register(app)
    http.register(app)
    db.register(app)

    for blueprint in (health.bp, accounts.bp, authors.bp, books.bp, loans.bp):
        app.register_blueprint(blueprint)

    db.init_db(app)
    return app
