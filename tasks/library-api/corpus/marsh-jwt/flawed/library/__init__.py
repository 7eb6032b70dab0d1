"""Library API: Flask, marshmallow, flask-jwt-extended and Flask-SQLAlchemy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from .api import register_blueprints
from .config import Settings
from .errors import register_error_handlers
from .extensions import db, jwt
from .http_hooks import register_http_hooks
from .security import register_jwt_callbacks
from .services.bootstrap import prepare_database


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(Settings.from_env(overrides).as_flask_config())
    app.json.ensure_ascii = False

    db.init_app(app)
    jwt.init_app(app)
    register_jwt_callbacks(jwt)
    register_error_handlers(app)
    register_http_hooks(app)
    register_blueprints(app)

    with app.app_context():
        prepare_database(app)
    return app
