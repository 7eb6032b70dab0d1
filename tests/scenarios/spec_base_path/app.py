"""An API served under /api/v1, as its documents say (OpenAPI servers, Swagger basePath)."""

from flask import Blueprint, Flask, jsonify, request

api = Blueprint("api", __name__, url_prefix="/api/v1")
ITEMS: dict[int, dict[str, object]] = {}


@api.get("/items")
def list_items():
    return jsonify(list(ITEMS.values()))


@api.post("/items")
def create_item():
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        return jsonify({"error": "name is required"}), 400
    item = {"id": len(ITEMS) + 1, "name": data["name"]}
    ITEMS[item["id"]] = item
    return jsonify(item), 201


@api.get("/items/<int:item_id>")
def get_item(item_id):
    if item_id not in ITEMS:
        return jsonify({"error": "no such item"}), 404
    return jsonify(ITEMS[item_id])


app = Flask(__name__)
app.register_blueprint(api)
