"""Marshmallow schemas: the one place where input rules live, and the output shapes."""

import re

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validates

from .extensions import db
from .models import MAX_DB_INT, Author, Book
from .timeutil import utcnow

EMAIL_RE = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
ISBN_RE = re.compile(r"[0-9]{13}")
DIGITS_RE = re.compile(r"[0-9]{1,18}")
ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def isbn_check_digit(first12: str) -> int:
    total = sum(int(digit) * (3 if position % 2 else 1) for position, digit in enumerate(first12))
    return (10 - total % 10) % 10


# ---------------------------------------------------------------- fields


class Text(fields.String):
    """A string of min_len..max_len characters; blank strings optionally refused."""

    def __init__(self, *, max_len, min_len=1, non_blank=True, **kwargs):
        super().__init__(**kwargs)
        self.max_len, self.min_len, self.non_blank = max_len, min_len, non_blank

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if self.non_blank and not value.strip():
            raise ValidationError("must not be blank")
        if not self.min_len <= len(value) <= self.max_len:
            raise ValidationError(f"must be {self.min_len} to {self.max_len} characters")
        return value


class Email(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if len(value) > 254 or not EMAIL_RE.fullmatch(value):
            raise ValidationError("must be an email address like name@domain.tld")
        return value.lower()


class StrictInt(fields.Integer):
    """A JSON integer (not a string, a float or a boolean) from minimum to maximum."""

    def __init__(self, *, minimum=None, maximum=None, **kwargs):
        super().__init__(strict=True, **kwargs)
        self.minimum, self.maximum = minimum, maximum

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        maximum = self.maximum() if callable(self.maximum) else self.maximum
        if self.minimum is not None and value < self.minimum:
            raise ValidationError(f"must be at least {self.minimum}")
        if maximum is not None and value > maximum:
            raise ValidationError(f"must be at most {maximum}")
        return value


def current_year() -> int:
    return utcnow().year


def year_field():
    return StrictInt(minimum=1, maximum=current_year, allow_none=True, load_default=None)


class Isbn(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if not ISBN_RE.fullmatch(value):
            raise ValidationError("must be a string of exactly 13 digits")
        if int(value[12]) != isbn_check_digit(value[:12]):
            raise ValidationError("has a wrong check digit")
        return value


class QueryInt(fields.Field):
    """An integer query parameter, written in plain digits."""

    def __init__(self, *, minimum, maximum=None, **kwargs):
        super().__init__(**kwargs)
        self.minimum, self.maximum = minimum, maximum

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not DIGITS_RE.fullmatch(value):
            raise ValidationError("must be an integer")
        number = int(value)
        if number < self.minimum or (self.maximum is not None and number > self.maximum):
            raise ValidationError(f"must be from {self.minimum} to {self.maximum or 'up'}")
        return number


class QueryBool(fields.Field):
    def _deserialize(self, value, attr, data, **kwargs):
        if value not in ("true", "false"):
            raise ValidationError("must be true or false")
        return value == "true"


def _exists(model, value) -> bool:
    return 1 <= value <= MAX_DB_INT and db.session.get(model, value) is not None


# ---------------------------------------------------------------- input


class InputSchema(Schema):
    class Meta:
        unknown = EXCLUDE


class RegisterIn(InputSchema):
    email = Email(required=True)
    password = Text(required=True, min_len=8, max_len=128, non_blank=False)
    name = Text(required=True, max_len=100)


class LoginIn(InputSchema):
    email = Email(required=True)
    password = Text(required=True, max_len=10_000)


class RefreshIn(InputSchema):
    refresh_token = fields.String(required=True)


class MeIn(InputSchema):
    name = Text(required=True, max_len=100)


class AuthorIn(InputSchema):
    name = Text(required=True, max_len=200)
    birth_year = year_field()


class AuthorPatch(AuthorIn):
    """AuthorIn, loaded with partial=True: only the fields sent change."""


class BookIn(InputSchema):
    title = Text(required=True, max_len=300)
    isbn = Isbn(required=True)
    author_id = StrictInt(required=True)
    published_year = year_field()

    @validates("author_id")
    def _author_exists(self, value, **kwargs):
        if not _exists(Author, value):
            raise ValidationError("no author has this id")


class BookPatch(BookIn):
    """BookIn, loaded with partial=True."""


class LoanIn(InputSchema):
    book_id = StrictInt(required=True)

    @validates("book_id")
    def _book_exists(self, value, **kwargs):
        if not _exists(Book, value):
            raise ValidationError("no book has this id")


# ---------------------------------------------------------------- query strings


class PageArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    page = QueryInt(minimum=1, maximum=100_000, load_default=1)
    per_page = QueryInt(minimum=1, maximum=100, load_default=20)


class AuthorArgs(PageArgs):
    name = Text(max_len=200, min_len=0, non_blank=False)


class BookArgs(PageArgs):
    title = Text(max_len=300, min_len=0, non_blank=False)
    author_id = QueryInt(minimum=1)
    available = QueryBool()


class LoanArgs(PageArgs):
    active = QueryBool()
    book_id = QueryInt(minimum=1)


# ---------------------------------------------------------------- output


class UserOut(Schema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    role = fields.String()
    created_at = fields.DateTime(format=ISO_FORMAT)


class AuthorOut(Schema):
    id = fields.Integer()
    name = fields.String()
    birth_year = fields.Integer(allow_none=True)


class BookOut(Schema):
    id = fields.Integer()
    title = fields.String()
    isbn = fields.String()
    author_id = fields.Integer()
    published_year = fields.Integer(allow_none=True)
    available = fields.Boolean()


class LoanOut(Schema):
    id = fields.Integer()
    book_id = fields.Integer()
    user_id = fields.Integer()
    borrowed_at = fields.DateTime(format=ISO_FORMAT)
    due_at = fields.DateTime(format=ISO_FORMAT)
    returned_at = fields.DateTime(format=ISO_FORMAT, allow_none=True)


class TokensOut(Schema):
    access_token = fields.String()
    refresh_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()


class AccessTokenOut(Schema):
    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()


def page_schema(item_schema):
    class PageOut(Schema):
        items = fields.List(fields.Nested(item_schema))
        page = fields.Integer()
        per_page = fields.Integer()
        total = fields.Integer()

    PageOut.__name__ = f"{item_schema.__name__.removesuffix('Out')}Page"
    return PageOut


AuthorPage = page_schema(AuthorOut)
BookPage = page_schema(BookOut)
LoanPage = page_schema(LoanOut)
