"""A package with an app factory, served under /api as its document says."""

from flask import Blueprint, Flask, jsonify, request

TAGS: dict[str, int] = {}


def create_app() -> Flask:
    app = Flask(__name__)
    api = Blueprint("api", __name__, url_prefix="/api")

    @api.get("/ping")
    def ping():
        return jsonify({"ok": True})

    @api.post("/tags")
    def add_tag():
        data = request.get_json(silent=True) or {}
        name = data["name"]  # a body without a name: KeyError, the planted 500
        TAGS[name] = TAGS.get(name, 0) + 1
        return jsonify({"name": name, "count": TAGS[name]}), 201

    app.register_blueprint(api)
    return app
