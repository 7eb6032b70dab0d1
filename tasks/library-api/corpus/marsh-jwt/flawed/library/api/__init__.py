"""HTTP layer: one blueprint per resource; routes parse, call a service and dump."""

from flask import Flask

from . import accounts, authors, books, health, loans


def register_blueprints(app: Flask) -> None:
    for module in (health, accounts, authors, books, loans):
        app.register_blueprint(module.blueprint)
