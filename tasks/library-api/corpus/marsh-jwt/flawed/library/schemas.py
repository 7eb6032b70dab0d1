"""marshmallow schemas: the input rules (load) and the resource shapes (dump)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, ClassVar

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from .extensions import db
from .models import SQLITE_MAX_INT, Author, Book

TIMESTAMP = "%Y-%m-%dT%H:%M:%SZ"
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+\Z")
ISBN_PATTERN = re.compile(r"^[0-9]{13}\Z")


class StrictInteger(fields.Integer):
    """A JSON integer: not a string, not a float, not a boolean."""

    default_error_messages: ClassVar[dict[str, str]] = {"invalid": "Must be an integer."}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.make_error("invalid")
        return value


class Text(fields.String):
    """A string that must be valid Unicode (no lone surrogates)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:
            raise ValidationError("Must be valid Unicode text.") from error
        return text


def not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Must not be blank.")


def a_past_year(value: int | None) -> None:
    this_year = datetime.now(UTC).year
    if value is not None and not 1 <= value <= this_year:
        raise ValidationError(f"Must be a year from 1 to {this_year}.")


def an_email(value: str) -> None:
    if len(value) > 254 or not EMAIL_PATTERN.match(value):
        raise ValidationError("Must be an email address like name@domain.tld.")


def an_isbn13(value: str) -> None:
    if not ISBN_PATTERN.match(value):
        raise ValidationError("Must be a string of exactly 13 digits.")
    total = sum(int(digit) * (3 if i % 2 else 1) for i, digit in enumerate(value[:12]))
    if (10 - total % 10) % 10 != int(value[12]):
        raise ValidationError("Has a wrong check digit.")


def existing(model: type[db.Model], label: str):
    def check(value: int) -> None:
        if not 1 <= value <= SQLITE_MAX_INT or db.session.get(model, value) is None:
            raise ValidationError(f"No {label} has the id {value}.")

    return check


def name_field(max_length: int, **kwargs: Any) -> Text:
    return Text(validate=[validate.Length(min=1, max=max_length), not_blank], **kwargs)


def year_field() -> StrictInteger:
    return StrictInteger(allow_none=True, load_default=None, validate=a_past_year)


class InputSchema(Schema):
    class Meta:
        unknown = EXCLUDE


class RegistrationSchema(InputSchema):
    email = Text(required=True, validate=an_email)
    password = Text(required=True, validate=validate.Length(min=8, max=128))
    name = name_field(100, required=True)
    role = Text(load_default="member", validate=validate.OneOf(["member", "admin"]))


class CredentialsSchema(InputSchema):
    email = Text(required=True, validate=an_email)
    password = Text(required=True, validate=[validate.Length(min=1, max=128), not_blank])


class RefreshSchema(InputSchema):
    refresh_token = Text(required=True)


class ProfileSchema(InputSchema):
    name = name_field(100)


class AuthorInputSchema(InputSchema):
    name = name_field(200, required=True)
    birth_year = year_field()


class BookInputSchema(InputSchema):
    title = name_field(300, required=True)
    isbn = Text(required=True, validate=an_isbn13)
    author_id = StrictInteger(required=True, validate=existing(Author, "author"))
    published_year = StrictInteger(allow_none=True, load_default=None, validate=validate.Range(1))


class LoanInputSchema(InputSchema):
    book_id = StrictInteger(required=True, validate=existing(Book, "book"))


class UserSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    role = fields.String()
    created_at = fields.DateTime(format=TIMESTAMP)


class AuthorSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    birth_year = fields.Integer(allow_none=True)


class BookSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    isbn = fields.String()
    author_id = fields.Integer()
    published_year = fields.Integer(allow_none=True)
    available = fields.Boolean()


class LoanSchema(Schema):
    id = fields.Integer()
    book_id = fields.Integer()
    user_id = fields.Integer()
    borrowed_at = fields.DateTime(format=TIMESTAMP)
    due_at = fields.DateTime(format=TIMESTAMP)
    returned_at = fields.DateTime(format=TIMESTAMP, allow_none=True)
