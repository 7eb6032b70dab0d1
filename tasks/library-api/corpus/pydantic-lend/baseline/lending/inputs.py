"""Turning requests into validated data: JSON body, pydantic schema, referenced records."""

import json
from typing import TypeVar

from flask import request
from pydantic import BaseModel, ValidationError

from .database import session
from .errors import BadRequest, Invalid, NotFound, UnsupportedMediaType
from .schemas import MAX_ID

Schema = TypeVar("Schema", bound=BaseModel)

MESSAGES = {
    "missing": "is required",
    "int_type": "must be an integer",
    "string_type": "must be a string",
    "string_too_short": "must not be empty",
    "literal_error": "must be true or false",
}


def _reject_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def json_object() -> dict:
    if request.mimetype != "application/json":
        raise UnsupportedMediaType("send the body as application/json")
    try:
        data = json.loads(request.get_data().decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BadRequest("the body is not valid JSON") from exc
    if not isinstance(data, dict):
        raise Invalid({"body": "must be a JSON object"})
    return data


def _message(error: dict) -> str:
    if error["type"] in MESSAGES:
        return MESSAGES[error["type"]]
    message = error["msg"]
    return message.removeprefix("Value error, ")


def _field_errors(exc: ValidationError) -> dict[str, str]:
    fields: dict[str, str] = {}
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else "body"
        fields.setdefault(name, _message(error))
    return fields


def _missing_references(data: dict, references: dict, known_bad: dict) -> dict[str, str]:
    """`references` maps a field to (model, label): the id must name an existing record."""
    problems = {}
    for field, (model, label) in references.items():
        value = data.get(field)
        if field in known_bad or value is None:
            continue
        if not 1 <= value <= MAX_ID or session().get(model, value) is None:
            problems[field] = f"{label} {value} does not exist"
    return problems


def parse(schema: type[Schema], data: dict, references: dict | None = None) -> dict:
    """Validate `data` with `schema`; 422 naming every bad field. Returns the fields sent."""
    try:
        values = schema.model_validate(data).model_dump(exclude_unset=True)
        fields, candidates = {}, values
    except ValidationError as exc:
        values, fields, candidates = {}, _field_errors(exc), _sent_ints(data)
    fields.update(_missing_references(candidates, references or {}, fields))
    if fields:
        raise Invalid(fields)
    return values


def _sent_ints(data: dict) -> dict:
    return {k: v for k, v in data.items() if isinstance(v, int) and not isinstance(v, bool)}


def body(schema: type[Schema], references: dict | None = None) -> dict:
    return parse(schema, json_object(), references)


def query(schema: type[Schema]) -> Schema:
    try:
        return schema.model_validate(request.args.to_dict())
    except ValidationError as exc:
        raise Invalid(_field_errors(exc)) from exc


def find(model, ident: int, label: str):
    """The record named in the path, or 404 (0 and ids too large for the database included)."""
    record = session().get(model, ident) if 1 <= ident <= MAX_ID else None
    if record is None:
        raise NotFound(f"{label} {ident} does not exist")
    return record
