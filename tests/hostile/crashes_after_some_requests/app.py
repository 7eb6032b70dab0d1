"""A small working notes API that dies for good after a dozen requests."""

import os

from flask import Flask, abort, request

app = Flask(__name__)
NOTES = {}
SERVED = [0]


@app.before_request
def count():
    SERVED[0] += 1
    if SERVED[0] > 12:
        os._exit(3)


@app.after_request
def headers(response):
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    return response


@app.errorhandler(404)
def not_found(error):
    return {"error": {"code": "not_found", "message": "no such note"}}, 404


@app.get("/health")
def health():
    return {"status": "ok"}


@app.post("/notes")
def create():
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("title"), str) or not data["title"]:
        fields = {"title": "is required"}
        return {"error": {"code": "validation_error", "message": "invalid", "fields": fields}}, 422
    note = {"id": len(NOTES) + 1, "title": data["title"], "body": data.get("body", "")}
    NOTES[note["id"]] = note
    return note, 201


@app.get("/notes/<int:note_id>")
def read(note_id):
    return NOTES.get(note_id) or abort(404)


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8000, threaded=True)
