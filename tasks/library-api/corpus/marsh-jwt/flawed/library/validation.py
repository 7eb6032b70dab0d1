"""Request parsing: the JSON body (415/400/422) and list query strings (422)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import request
from marshmallow import Schema, ValidationError

from .errors import BadRequest, InvalidQuery, UnsupportedMediaType, ValidationFailed

POSITIVE_INT = re.compile(r"^[0-9]{1,19}\Z")
MAX_ID = 2**63 - 1


def _no_constants(token: str) -> None:
    raise ValueError(f"{token} is not allowed in JSON")


def _big_int(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:  # longer than Python converts: keep it a number that no rule accepts
        return float("inf")


def read_json_object() -> dict[str, Any]:
    if request.mimetype != "application/json":
        raise UnsupportedMediaType()
    try:
        payload = json.loads(
            request.get_data().decode("utf-8"),
            parse_constant=_no_constants,
            parse_int=_big_int,
        )
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadRequest() from None
    if not isinstance(payload, dict):
        raise ValidationFailed({"body": "Must be a JSON object."})
    return payload


def flatten(messages: Mapping[str, Any]) -> dict[str, str]:
    flat = {}
    for field, problems in messages.items():
        flat[field] = " ".join(problems) if isinstance(problems, list) else str(problems)
    return flat


def load_body(schema: Schema, partial: bool = False) -> dict[str, Any]:
    """The validated body; a 422 naming every bad field otherwise."""
    payload = read_json_object()
    try:
        return schema.load(payload, partial=partial)
    except ValidationError as error:
        raise ValidationFailed(flatten(error.messages_dict)) from None


@dataclass
class ListQuery:
    page: int = 1
    per_page: int = 20
    filters: dict[str, Any] | None = None


class QueryReader:
    """Reads page, per_page and filters from the query string, collecting every problem."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}
        self.filters: dict[str, Any] = {}

    def _integer(self, name: str, low: int, high: int) -> int | None:
        raw = request.args.get(name)
        if raw is None:
            return None
        if not POSITIVE_INT.match(raw) or not low <= int(raw) <= high:
            self.errors[name] = f"Must be an integer from {low} to {high}."
            return None
        return int(raw)

    def id_filter(self, name: str) -> QueryReader:
        value = self._integer(name, 1, MAX_ID)
        if value is not None:
            self.filters[name] = value
        return self

    def bool_filter(self, name: str) -> QueryReader:
        raw = request.args.get(name)
        if raw is not None and raw not in ("true", "false"):
            self.errors[name] = "Must be true or false."
        elif raw is not None:
            self.filters[name] = raw == "true"
        return self

    def text_filter(self, name: str, max_length: int) -> QueryReader:
        raw = request.args.get(name)
        if raw is not None and len(raw) > max_length:
            self.errors[name] = f"Must be at most {max_length} characters."
        elif raw is not None:
            self.filters[name] = raw
        return self

    def read(self) -> ListQuery:
        page = self._integer("page", 1, 100_000) or 1
        per_page = self._integer("per_page", 1, 100) or 20
        if self.errors:
            raise InvalidQuery(self.errors)
        return ListQuery(page=page, per_page=per_page, filters=self.filters)
