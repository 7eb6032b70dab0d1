"""Notes behind a login: register, log in for a bearer token, then the notes.

Planted: a note's title with a lone surrogate cannot be stored (500), a bearer token that is
not hex is a 500, and the register operation answers an invalid body with 422, which its
document forgot to list."""

import secrets

from flask import Flask, jsonify, request

app = Flask(__name__)
USERS: dict[str, str] = {}
TOKENS: dict[str, str] = {}
NOTES: dict[int, dict[str, object]] = {}


def _body() -> dict[str, object] | None:
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else None


def _filled(value: object) -> bool:
    return isinstance(value, str) and value != ""


def _user() -> str | None:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    token = header.removeprefix("Bearer ")
    bytes.fromhex(token)  # a token that is not hex raises here: the planted invalid-token 500
    return TOKENS.get(token)


@app.post("/auth/register")
def register():
    data = _body()
    if data is None or not _filled(data.get("username")) or not _filled(data.get("password")):
        return jsonify({"error": "username and password are required"}), 422
    if data["username"] in USERS:
        return jsonify({"error": "taken"}), 409
    USERS[data["username"]] = data["password"]
    return jsonify({"username": data["username"]}), 201


@app.post("/auth/login")
def login():
    data = _body() or {}
    if (
        not _filled(data.get("password"))
        or USERS.get(str(data.get("username"))) != data["password"]
    ):
        return jsonify({"error": "wrong username or password"}), 401
    token = secrets.token_hex(16)
    TOKENS[token] = str(data["username"])
    return jsonify({"access_token": token})


@app.get("/notes")
def list_notes():
    user = _user()
    if user is None:
        return jsonify({"error": "log in"}), 401
    return jsonify([n for n in NOTES.values() if n["owner"] == user])


@app.post("/notes")
def create_note():
    user = _user()
    if user is None:
        return jsonify({"error": "log in"}), 401
    data = _body()
    if data is None or not isinstance(data.get("title"), str):
        return jsonify({"error": "title is required"}), 400
    data["title"].encode("utf-8")  # a lone surrogate raises here: the planted 500
    note = {"id": len(NOTES) + 1, "title": data["title"], "owner": user}
    NOTES[note["id"]] = note
    return jsonify(note), 201


@app.get("/notes/<int:note_id>")
def get_note(note_id):
    user = _user()
    if user is None:
        return jsonify({"error": "log in"}), 401
    note = NOTES.get(note_id)
    if note is None or note["owner"] != user:
        return jsonify({"error": "no such note"}), 404
    return jsonify(note)
