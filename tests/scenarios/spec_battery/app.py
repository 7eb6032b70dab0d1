"""Users kept in SQLite, written the careless way: one planted 500 per classic bad input.

- a lone surrogate in a name cannot be stored (UnicodeEncodeError);
- an integer past 2^63 cannot be stored or looked up (OverflowError);
- a body that is not an object, or lacks a field, is read as if it were (AttributeError,
  KeyError); a limit that is not a number is converted anyway (ValueError);
- the same username twice breaks the unique index (IntegrityError);
- reading or deleting an unknown user reads a row that is not there (TypeError);
- a message form's count is converted without a check (ValueError).
"""

import sqlite3
import threading

from flask import Flask, jsonify, request

app = Flask(__name__)
LOCK = threading.Lock()
DB = sqlite3.connect(":memory:", check_same_thread=False)
DB.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT UNIQUE, age INTEGER)")


@app.get("/users")
def list_users():
    limit = int(request.args.get("limit", "10"))
    with LOCK:
        rows = DB.execute("SELECT id, username, age FROM users LIMIT ?", (limit,)).fetchall()
    return jsonify([{"id": r[0], "username": r[1], "age": r[2]} for r in rows])


@app.post("/users")
def create_user():
    data = request.get_json(silent=True)
    username, age = data.get("username"), data["age"]
    if not isinstance(username, str) or not isinstance(age, int):
        return jsonify({"error": "username (text) and age (integer) are required"}), 400
    with LOCK:
        cursor = DB.execute("INSERT INTO users (username, age) VALUES (?, ?)", (username, age))
    return jsonify({"id": cursor.lastrowid, "username": username, "age": age}), 201


@app.get("/users/<int:user_id>")
def get_user(user_id):
    with LOCK:
        row = DB.execute("SELECT id, username, age FROM users WHERE id = ?", (user_id,)).fetchone()
    return jsonify({"id": row[0], "username": row[1], "age": row[2]})


@app.delete("/users/<int:user_id>")
def delete_user(user_id):
    with LOCK:
        row = DB.execute("SELECT id FROM users WHERE id = ?", (user_id,)).fetchone()
        DB.execute("DELETE FROM users WHERE id = ?", (row[0],))
    return "", 204


@app.post("/messages")
def post_message():
    text = request.form.get("text", "")
    count = int(request.form.get("count", "1"))
    return jsonify({"text": text, "count": count}), 201


@app.post("/avatars")
def upload_avatar():
    return jsonify({"size": len(request.files["file"].read())}), 201
