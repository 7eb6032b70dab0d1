"""The notes endpoints."""

from flask import Blueprint, abort, current_app, jsonify, request

from notes.validation import read_new_note

blueprint = Blueprint("notes", __name__)


def store():
    return current_app.extensions["notes_store"]


@blueprint.get("/health")
def health():
    return jsonify({"status": "ok"})


@blueprint.post("/notes")
def create_note():
    title, body = read_new_note(request)
    return jsonify(store().add(title, body)), 201


@blueprint.get("/notes")
def list_notes():
    return jsonify({"items": store().all()})


@blueprint.get("/notes/<int:note_id>")
def get_note(note_id):
    note = store().get(note_id)
    if note is None:
        abort(404, description=f"note {note_id} does not exist")
    return jsonify(note)


@blueprint.delete("/notes/<int:note_id>")
def delete_note(note_id):
    if not store().delete(note_id):
        abort(404, description=f"note {note_id} does not exist")
    return "", 204
