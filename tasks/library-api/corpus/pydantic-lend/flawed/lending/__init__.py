"""Lending library API."""

from flask import Flask

from .api import register_api
from .bootstrap import prepare_database
from .database import init_engine
from .errors import install_error_handlers
from .middleware import install_middleware
from .settings import Settings


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config["SETTINGS"] = settings
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json.sort_keys = False

    init_engine(app, settings.database_url)
    install_error_handlers(app)
    install_middleware(app)
    register_api(app)

    prepare_database(app.extensions["engine"], settings)
    # gunicorn --preload forks after this: children must not share the parent's connections.
    app.extensions["engine"].dispose()
    return app
