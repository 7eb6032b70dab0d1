"""Library API: the application factory."""

from flask import Flask

from library.api import register_api
from library.config import load_config
from library.database import db, init_db
from library.errors import register_error_handlers
from library.hooks import register_hooks
from library.security import seed_admin


def create_app(config=None):
    """The app, configured from the environment (DATABASE_URL, JWT_SECRET, ADMIN_*) and `config`."""
    app = Flask(__name__)
    app.config.from_mapping(load_config(config))
    db.init_app(app)
    register_error_handlers(app)
    register_hooks(app)
    register_api(app)
    init_db(app, seed=seed_admin)
    return app
