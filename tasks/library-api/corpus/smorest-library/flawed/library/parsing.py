"""Request parsing: the JSON body rules (415, 400, 422) and webargs errors as our envelope."""

import json

from flask import request
from flask_smorest import Blueprint as SmorestBlueprint
from webargs.flaskparser import FlaskParser

from .errors import ApiError, ValidationFailed


def _reject_constant(name):
    raise ValueError(f"{name} is not valid JSON")


def read_json_object() -> dict:
    """The request body as a JSON object, or the matching ApiError."""
    if request.mimetype != "application/json":
        raise ApiError(415)
    raw = request.get_data(cache=True)
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ApiError(400, "the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise ValidationFailed({"body": "must be a JSON object"})
    return data


def flatten_messages(messages) -> dict:
    """Marshmallow's nested message lists as {field: "message"}."""
    if not isinstance(messages, dict):
        return {"body": _first(messages)}
    flat = {}
    for field, value in messages.items():
        if isinstance(value, dict) and field in ("json", "query", "querystring"):
            flat.update(flatten_messages(value))
        else:
            flat["body" if field == "_schema" else field] = _first(value)
    return flat


def _first(value) -> str:
    while isinstance(value, (list, tuple)) and value:
        value = value[0]
    if isinstance(value, dict):
        value = next(iter(value.values()), "is invalid")
        return _first(value)
    return str(value)


class LibraryParser(FlaskParser):
    """A webargs parser that enforces the body rules and raises our envelope."""

    def load_json(self, req, schema):
        return read_json_object()

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        raise ValidationFailed(flatten_messages(error.messages))


class Blueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = LibraryParser()
