"""Library API: a lending library's catalogue, members and loans."""

from flask import Flask

from .bootstrap import init_database
from .config import load_config
from .errors import register_error_handlers
from .extensions import db
from .http import register_http_hooks
from .routes import register_blueprints
from .validation import IdConverter


def create_app(overrides: dict | None = None) -> Flask:
    """Build the app: configuration from the environment, then `overrides` (for tests)."""
    app = Flask(__name__)
    app.config.update(load_config())
    if overrides:
        app.config.update(overrides)
    app.url_map.converters["id"] = IdConverter
    app.url_map.strict_slashes = False

    db.init_app(app)
    register_error_handlers(app)
    register_http_hooks(app)
    register_blueprints(app)
    init_database(app)
    return app
