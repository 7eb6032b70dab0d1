"""Everything a client sends is checked here: JSON bodies and query parameters.

A schema is a dict of field name -> Field. Unknown fields are ignored (so a client can never
set `id` or `role`); every problem is collected and answered at once as a 422 naming the fields.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from flask import request
from werkzeug import exceptions

from library.database import db
from library.errors import BadRequest, ValidationError

MAX_ID = 2**63 - 1  # the largest id the database can hold
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class Invalid(Exception):
    """One field's problem; the message says what the field must be."""


@dataclass(frozen=True)
class Field:
    required: bool = True
    nullable: bool = False

    def clean(self, value):
        return value


@dataclass(frozen=True)
class Text(Field):
    min_length: int = 1
    max_length: int = 200

    def clean(self, value):
        if not isinstance(value, str):
            raise Invalid("must be a string")
        if not self.min_length <= len(value) <= self.max_length:
            raise Invalid(f"must have {self.min_length} to {self.max_length} characters")
        if not value.strip():
            raise Invalid("must not be blank")
        return value


@dataclass(frozen=True)
class Email(Field):
    def clean(self, value):
        if not isinstance(value, str) or len(value) > 254 or not EMAIL.fullmatch(value):
            raise Invalid("must be an email address")
        return value.lower()


@dataclass(frozen=True)
class Integer(Field):
    minimum: int = 1
    maximum: int = MAX_ID

    def clean(self, value):
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid("must be an integer")
        if not self.minimum <= value <= self.upper_bound():
            raise Invalid(f"must be between {self.minimum} and {self.upper_bound()}")
        return value

    def upper_bound(self):
        return self.maximum


@dataclass(frozen=True)
class Year(Integer):
    """A year from 1 to the current one."""

    def upper_bound(self):
        return datetime.now(timezone.utc).year


@dataclass(frozen=True)
class Isbn13(Field):
    def clean(self, value):
        if not isinstance(value, str) or not re.fullmatch(r"[0-9]{13}", value):
            raise Invalid("must be a string of 13 digits")
        if not isbn13_checksum_ok(value):
            raise Invalid("has a wrong check digit")
        return value


@dataclass(frozen=True)
class Reference(Field):
    """The id of an existing row of `model`."""

    model: type | None = None

    def clean(self, value):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise Invalid("must be a positive integer")
        if value > MAX_ID or db.session.get(self.model, value) is None:
            raise Invalid(f"no {self.model.__name__.lower()} has this id")
        return value


def isbn13_checksum_ok(isbn):
    total = sum(int(digit) * (3 if position % 2 else 1) for position, digit in enumerate(isbn))
    return total % 10 == 0


def validate(data, schema, *, partial=False):
    """The cleaned fields of `data`; with `partial`, missing fields are left out (PATCH)."""
    if not isinstance(data, dict):
        raise ValidationError({"body": "must be a JSON object"})
    cleaned, problems = {}, {}
    for name, field in schema.items():
        if name not in data:
            if field.required and not partial:
                problems[name] = "is required"
            continue
        value = data[name]
        if value is None:
            if field.nullable:
                cleaned[name] = None
            else:
                problems[name] = "must not be null"
            continue
        try:
            cleaned[name] = field.clean(value)
        except Invalid as problem:
            problems[name] = str(problem)
    if problems:
        raise ValidationError(problems)
    return cleaned


def json_body(schema, *, partial=False):
    """The request's JSON object, validated. 415 if it is not JSON, 400 if it does not parse."""
    try:
        data = request.get_json()
    except exceptions.BadRequest:
        raise BadRequest("the body is not valid JSON") from None
    except RecursionError:
        raise BadRequest("the JSON body is nested too deeply") from None
    return validate(data, schema, partial=partial)


# Query parameters arrive as strings: these parse them, then check like the fields above.


@dataclass(frozen=True)
class Param:
    default: object = None

    def parse(self, raw):
        return raw


@dataclass(frozen=True)
class IntParam(Param):
    minimum: int = 1
    maximum: int = MAX_ID

    def parse(self, raw):
        if not re.fullmatch(r"-?[0-9]{1,20}", raw):
            raise Invalid("must be an integer")
        value = int(raw)
        if not self.minimum <= value <= self.maximum:
            raise Invalid(f"must be between {self.minimum} and {self.maximum}")
        return value


@dataclass(frozen=True)
class BoolParam(Param):
    def parse(self, raw):
        if raw not in ("true", "false"):
            raise Invalid("must be true or false")
        return raw == "true"


@dataclass(frozen=True)
class TextParam(Param):
    max_length: int = 200

    def parse(self, raw):
        if len(raw) > self.max_length:
            raise Invalid(f"must have at most {self.max_length} characters")
        return raw


def query_params(spec):
    """The request's query parameters named in `spec`, parsed; others are ignored."""
    values, problems = {}, {}
    for name, param in spec.items():
        raw = request.args.get(name)
        if raw is None:
            values[name] = param.default
            continue
        try:
            values[name] = param.parse(raw)
        except Invalid as problem:
            problems[name] = str(problem)
    if problems:
        raise ValidationError(problems)
    return values
