from flask import Flask

from .accounts import accounts
from .authors import authors
from .books import books
from .health import health
from .loans import loans


def register_api(app: Flask) -> None:
    for blueprint in (health, accounts, authors, books, loans):
        app.register_blueprint(blueprint)
