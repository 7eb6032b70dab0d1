"""One place for input rules: the JSON body, its fields and the query string."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from flask import request

from .db import MAX_ID
from .errors import ApiError, invalid

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
ISBN = re.compile(r"[0-9]{13}")
QUERY_INT = re.compile(r"[0-9]{1,19}")
MISSING = object()


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _parse_int(digits: str) -> int | float:
    """JSON integers too long for Python's int() stay numbers (refused later as out of range)."""
    try:
        return int(digits)
    except ValueError:
        return float("inf")


def json_body() -> dict[str, Any]:
    """The request's JSON object, or the right error (415, 400 or 422)."""
    if request.mimetype != "application/json":
        raise ApiError(415, "send the body as application/json")
    raw = request.get_data(cache=True)
    try:
        data = json.loads(
            raw.decode("utf-8"), parse_constant=_refuse_constant, parse_int=_parse_int
        )
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ApiError(400, "the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise invalid({"body": "must be a JSON object"})
    return data


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def isbn_check_digit(first12: str) -> int:
    total = sum(int(digit) * (3 if i % 2 else 1) for i, digit in enumerate(first12))
    return (10 - total % 10) % 10


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class Validator:
    """Collects every bad field of a body, then raises one 422 naming them all."""

    def __init__(self, data: Mapping[str, Any], partial: bool = False) -> None:
        self.data = data
        self.partial = partial
        self.errors: dict[str, str] = {}
        self.clean: dict[str, Any] = {}

    def _get(self, field: str, required: bool) -> Any:
        if field in self.data:
            return self.data[field]
        if required and not self.partial:
            self.errors[field] = "is required"
        return MISSING

    def _text_problem(self, value: Any, low: int, high: int, blank_ok: bool) -> str | None:
        if not isinstance(value, str):
            return "must be a string"
        if not low <= len(value) <= high:
            return f"must be {low} to {high} characters long"
        if not blank_ok and not value.strip():
            return "must not be blank"
        if not _encodable(value):
            return "must be valid Unicode text"
        return None

    def text(self, field: str, high: int, low: int = 1, blank_ok: bool = False) -> None:
        value = self._get(field, required=True)
        if value is MISSING:
            return
        problem = self._text_problem(value, low, high, blank_ok)
        if problem:
            self.errors[field] = problem
        else:
            self.clean[field] = value

    def email(self, field: str = "email") -> None:
        value = self._get(field, required=True)
        if value is MISSING:
            return
        if not isinstance(value, str):
            self.errors[field] = "must be a string"
        elif len(value) > 254 or not EMAIL.fullmatch(value) or not _encodable(value):
            self.errors[field] = "must be an email address like name@domain.tld"
        else:
            self.clean[field] = value.lower()

    def year(self, field: str) -> None:
        value = self._get(field, required=False)
        if value is MISSING:
            return
        this_year = datetime.now(UTC).year
        if value is not None and (not is_int(value) or not 1 <= value <= this_year):
            self.errors[field] = f"must be an integer from 1 to {this_year}, or null"
        else:
            self.clean[field] = value

    def isbn(self, field: str = "isbn") -> None:
        value = self._get(field, required=True)
        if value is MISSING:
            return
        if not isinstance(value, str) or not ISBN.fullmatch(value):
            self.errors[field] = "must be a string of exactly 13 digits"
        elif isbn_check_digit(value[:12]) != int(value[12]):
            self.errors[field] = "has a wrong check digit"
        else:
            self.clean[field] = value

    def reference(self, field: str, exists: Callable[[int], bool]) -> None:
        value = self._get(field, required=True)
        if value is MISSING:
            return
        if not is_int(value):
            self.errors[field] = "must be an integer"
        elif not 1 <= value <= MAX_ID or not exists(value):
            self.errors[field] = f"no record has the id {value}"
        else:
            self.clean[field] = value

    def check(self) -> dict[str, Any]:
        if self.errors:
            raise invalid(self.errors)
        return self.clean


class QueryParams:
    """The query string of a list: page, per_page and filters, all checked at once."""

    def __init__(self) -> None:
        self.args = request.args
        self.errors: dict[str, str] = {}

    def integer(self, name: str, default: int | None, low: int, high: int) -> int | None:
        raw = self.args.get(name)
        if raw is None:
            return default
        if not QUERY_INT.fullmatch(raw) or not low <= int(raw) <= high:
            self.errors[name] = f"must be an integer from {low} to {high}"
            return default
        return int(raw)

    def boolean(self, name: str) -> bool | None:
        raw = self.args.get(name)
        if raw is None:
            return None
        if raw not in ("true", "false"):
            self.errors[name] = "must be true or false"
            return None
        return raw == "true"

    def text(self, name: str, high: int) -> str | None:
        raw = self.args.get(name)
        if raw is None:
            return None
        if len(raw) > high:
            self.errors[name] = f"must be at most {high} characters long"
            return None
        return raw

    def page(self) -> tuple[int, int]:
        page = self.integer("page", 1, 1, 100_000)
        per_page = self.integer("per_page", 20, 1, 100)
        return page or 1, per_page or 20

    def check(self) -> None:
        if self.errors:
            raise invalid(self.errors)
