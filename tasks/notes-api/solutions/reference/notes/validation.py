"""Checking what a client sends."""

from flask import abort

from notes.errors import ValidationError


def read_new_note(request):
    data = request.get_json(silent=True)
    if data is None:
        abort(400, description="the body must be a JSON object")
    if not isinstance(data, dict):
        raise ValidationError({"body": "must be a JSON object"})
    fields = {}
    title = data.get("title")
    body = data.get("body", "")
    if title is None:
        fields["title"] = "is required"
    elif not isinstance(title, str) or not 1 <= len(title) <= 200:
        fields["title"] = "must be a string of 1 to 200 characters"
    if not isinstance(body, str):
        fields["body"] = "must be a string"
    if fields:
        raise ValidationError(fields)
    return title, body
