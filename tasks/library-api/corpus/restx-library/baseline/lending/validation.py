"""Input rules: the JSON body (415/400), field checks (422, every bad field at once)."""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import request

from . import db
from .errors import BadRequest, Invalid, UnsupportedMediaType
from .models import BIGGEST_ID, Author, Book, now

EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
THIRTEEN_DIGITS = re.compile(r"[0-9]{13}")
PLAIN_DIGITS = re.compile(r"[0-9]{1,18}")


class FieldError(ValueError):
    """One field's problem; the message is shown to the client."""


def json_body() -> dict:
    """The body as a JSON object, after the content-type and syntax checks."""
    if request.mimetype != "application/json":
        raise UnsupportedMediaType()
    try:
        data = json.loads(request.get_data().decode("utf-8"), parse_constant=_no_constants)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadRequest("the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise Invalid({"body": "must be a JSON object"})
    return data


def _no_constants(name):
    raise ValueError(f"{name} is not JSON")


# ---------------------------------------------------------------- field checks


def text(max_length: int, min_length: int = 1, blank_ok: bool = False) -> Callable:
    def check(value):
        if not isinstance(value, str):
            raise FieldError("must be a string")
        if not blank_ok and not value.strip():
            raise FieldError("must not be blank")
        if not min_length <= len(value) <= max_length:
            raise FieldError(f"must be {min_length} to {max_length} characters")
        return value

    return check


def email(value):
    if not isinstance(value, str) or len(value) > 254 or not EMAIL.fullmatch(value):
        raise FieldError("must be an email like name@domain.tld")
    return value.lower()


def integer(value):
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError("must be an integer")
    return value


def year(value):
    if value is None:
        return None
    value = integer(value)
    if not 1 <= value <= now().year:
        raise FieldError(f"must be from 1 to {now().year}")
    return value


def isbn(value):
    if not isinstance(value, str) or not THIRTEEN_DIGITS.fullmatch(value):
        raise FieldError("must be a string of exactly 13 digits")
    if int(value[12]) != isbn_check_digit(value[:12]):
        raise FieldError("has a wrong check digit")
    return value


def isbn_check_digit(first12: str) -> int:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return (10 - total % 10) % 10


def reference(model) -> Callable:
    def check(value):
        value = integer(value)
        if not 1 <= value <= BIGGEST_ID or db.session.get(model, value) is None:
            raise FieldError(f"no {model.__name__.lower()} has this id")
        return value

    return check


@dataclass(frozen=True)
class Rule:
    check: Callable[[Any], Any]
    required: bool = False
    nullable: bool = False
    default: Any = None
    has_default: bool = False


_ABSENT = object()


def _clean_field(rule: Rule, value, partial: bool):
    """The cleaned value, or _ABSENT to leave the field out; FieldError if it is bad."""
    if value is _ABSENT:
        if rule.required and not partial:
            raise FieldError("is required")
        return rule.default if rule.has_default and not partial else _ABSENT
    if value is None and not rule.nullable:
        raise FieldError("must not be null")
    return rule.check(value)


def validate(rules: dict, data: dict, partial: bool = False) -> dict:
    """Clean `data` with `rules`; unknown fields are dropped; all errors are raised at once."""
    clean, errors = {}, {}
    for name, rule in rules.items():
        try:
            value = _clean_field(rule, data.get(name, _ABSENT), partial)
        except FieldError as exc:
            errors[name] = str(exc)
            continue
        if value is not _ABSENT:
            clean[name] = value
    if errors:
        raise Invalid(errors)
    return clean


OPTIONAL_YEAR = Rule(year, nullable=True, has_default=True)
REGISTER = {
    "email": Rule(email, required=True),
    "password": Rule(text(128, min_length=8, blank_ok=True), required=True),
    "name": Rule(text(100), required=True),
}
LOGIN = {"email": Rule(email, required=True), "password": Rule(text(10_000), required=True)}
REFRESH = {"refresh_token": Rule(text(10_000, min_length=0, blank_ok=True), required=True)}
PROFILE = {"name": Rule(text(100), required=True)}
AUTHOR = {"name": Rule(text(200), required=True), "birth_year": OPTIONAL_YEAR}
BOOK = {
    "title": Rule(text(300), required=True),
    "isbn": Rule(isbn, required=True),
    "author_id": Rule(reference(Author), required=True),
    "published_year": OPTIONAL_YEAR,
}
LOAN = {"book_id": Rule(reference(Book), required=True)}


# ---------------------------------------------------------------- query strings


def query_int(minimum: int, maximum: int | None = None) -> Callable:
    def check(value):
        if not PLAIN_DIGITS.fullmatch(value):
            raise FieldError("must be an integer")
        number = int(value)
        if number < minimum or (maximum is not None and number > maximum):
            raise FieldError(f"must be from {minimum} to {maximum or 'any'}")
        return number

    return check


def query_bool(value):
    if value not in ("true", "false"):
        raise FieldError("must be true or false")
    return value == "true"


PAGING = {
    "page": Rule(query_int(1, 100_000), default=1, has_default=True),
    "per_page": Rule(query_int(1, 100), default=20, has_default=True),
}
AUTHOR_QUERY = {**PAGING, "name": Rule(text(200, min_length=0, blank_ok=True))}
BOOK_QUERY = {
    **PAGING,
    "title": Rule(text(300, min_length=0, blank_ok=True)),
    "author_id": Rule(query_int(1)),
    "available": Rule(query_bool),
}
LOAN_QUERY = {**PAGING, "active": Rule(query_bool), "book_id": Rule(query_int(1))}


def query(rules: dict) -> dict:
    return validate(rules, request.args.to_dict(flat=True))
