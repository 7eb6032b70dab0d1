"""One place for validation: JSON bodies, fields, ids and query parameters."""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import request
from werkzeug.routing import BaseConverter, ValidationError

from .errors import bad_request, not_found, unsupported_media_type, validation_error
from .extensions import db

MAX_ID = 2**63 - 1
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
ISBN_RE = re.compile(r"[0-9]{13}")
DIGITS_RE = re.compile(r"[0-9]{1,19}")


class IdConverter(BaseConverter):
    """Path ids: any run of digits (range checks happen in the view, after auth)."""

    regex = r"-?[0-9]{1,40}"

    def to_python(self, value: str) -> int:
        try:
            return int(value)
        except ValueError as exc:  # pragma: no cover - the regex only lets digits through
            raise ValidationError() from exc

    def to_url(self, value: int) -> str:
        return str(value)


def get_or_404(model, ident: int, label: str):
    """The record with this id, or a 404 (0, negative and huge ids included)."""
    record = db.session.get(model, ident) if 1 <= ident <= MAX_ID else None
    if record is None:
        raise not_found(f"{label} {ident} does not exist")
    return record


# --- bodies -------------------------------------------------------------------------------


def _reject_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def json_body() -> dict:
    """The request body as a JSON object: 415, 400 or 422 otherwise."""
    if request.mimetype != "application/json":
        raise unsupported_media_type()
    raw = request.get_data(cache=True)
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError) as exc:
        raise bad_request() from exc
    if not isinstance(data, dict):
        raise validation_error({"body": "must be a JSON object"})
    return data


# --- field checks: each returns a problem, or None when the value is fine --------------------


def _is_text(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text(max_length: int) -> Callable[[Any], str | None]:
    """A non-blank string of 1 to max_length characters."""

    def check(value: Any) -> str | None:
        if not _is_text(value):
            return "must be a string"
        if not value.strip():
            return "must not be blank"
        if len(value) > max_length:
            return f"must be at most {max_length} characters"
        return None

    return check


def password(value: Any) -> str | None:
    if not _is_text(value):
        return "must be a string"
    if not 8 <= len(value) <= 128:
        return "must be 8 to 128 characters"
    return None


def login_password(value: Any) -> str | None:
    if not _is_text(value):
        return "must be a string"
    if not value.strip():
        return "must not be blank"
    if len(value) > 128:
        return "must be at most 128 characters"
    return None


def email(value: Any) -> str | None:
    if not _is_text(value):
        return "must be a string"
    if len(value) > 254:
        return "must be at most 254 characters"
    if not EMAIL_RE.fullmatch(value):
        return "must be an email address like name@domain.tld"
    return None


def any_string(value: Any) -> str | None:
    return None if _is_text(value) else "must be a string"


def is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def year(value: Any) -> str | None:
    current = datetime.now(UTC).year
    if not is_integer(value):
        return "must be an integer or null"
    if not 1 <= value <= current:
        return f"must be from 1 to {current}"
    return None


def isbn13(value: Any) -> str | None:
    if not isinstance(value, str) or not ISBN_RE.match(value):
        return "must be a string of exactly 13 digits"
    digits = [int(d) for d in value]
    total = sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits[:12]))
    if (10 - total % 10) % 10 != digits[12]:
        return "has a wrong check digit"
    return None


def reference(model, label: str) -> Callable[[Any], str | None]:
    """The id of an existing record (a 422 in a body, unlike a 404 in a path)."""

    def check(value: Any) -> str | None:
        if not is_integer(value):
            return "must be an integer"
        if not 1 <= value <= MAX_ID or db.session.get(model, value) is None:
            return f"{label} {value} does not exist"
        return None

    return check


@dataclass(frozen=True)
class Rule:
    check: Callable[[Any], str | None]
    required: bool = True
    nullable: bool = False


def validate(data: dict, rules: dict[str, Rule], partial: bool = False) -> dict:
    """Check every field of `rules` in `data`; 422 naming every bad one.

    Fields not in `rules` are ignored. With `partial` (PATCH) nothing is required and
    absent fields are left out; otherwise absent optional fields default to None.
    """
    errors, values = {}, {}
    for name, rule in rules.items():
        if name not in data:
            if rule.required and not partial:
                errors[name] = "is required"
            elif not partial:
                values[name] = None
            continue
        value = data[name]
        problem = None if (value is None and rule.nullable) else rule.check(value)
        if problem:
            errors[name] = problem
        else:
            values[name] = value
    if errors:
        raise validation_error(errors)
    return values


# --- query parameters ------------------------------------------------------------------


class Query:
    """Reads query parameters, collecting every problem before answering 422."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def integer(self, name: str, default, low: int, high: int):
        raw = request.args.get(name)
        if raw is None:
            return default
        if not DIGITS_RE.fullmatch(raw) or not low <= int(raw) < high:
            self.errors[name] = f"must be an integer from {low} to {high}"
            return default
        return int(raw)

    def boolean(self, name: str):
        raw = request.args.get(name)
        if raw is None:
            return None
        if raw not in ("true", "false"):
            self.errors[name] = "must be true or false"
            return None
        return raw == "true"

    def text(self, name: str, max_length: int):
        raw = request.args.get(name)
        if raw is not None and len(raw) > max_length:
            self.errors[name] = f"must be at most {max_length} characters"
            return None
        return raw

    def page(self) -> tuple[int, int]:
        return self.integer("page", 1, 1, 100_000), self.integer("per_page", 20, 1, 100)

    def done(self) -> None:
        if self.errors:
            raise validation_error(self.errors)
