"""Notes API: the application factory."""

import os

from flask import Flask

from notes.errors import register_error_handlers
from notes.routes import blueprint
from notes.store import NoteStore


def create_app(config=None):
    app = Flask(__name__)
    app.config["DATABASE_PATH"] = os.environ.get("DATABASE_PATH", "/tmp/notes.db")
    app.config.update(config or {})
    app.extensions["notes_store"] = NoteStore(app.config["DATABASE_PATH"])
    app.register_blueprint(blueprint)
    register_error_handlers(app)

    @app.after_request
    def security_headers(response):
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    return app
