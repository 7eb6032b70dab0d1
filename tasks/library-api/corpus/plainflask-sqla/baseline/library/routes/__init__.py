"""Blueprints of the API."""

from flask import Flask

from . import auth, authors, books, loans, meta


def register_blueprints(app: Flask) -> None:
    for module in (meta, auth, authors, books, loans):
        app.register_blueprint(module.bp)
