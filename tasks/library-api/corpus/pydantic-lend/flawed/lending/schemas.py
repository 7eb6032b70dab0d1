"""Request schemas (pydantic v2, strict: "1929", 1929.5 and true are not integers).

Optional fields of the PATCH schemas default to None *without* validation, so "absent" and
"sent as null" differ: absent is left out by `exclude_unset`, null is validated (and refused
where null is not allowed).
"""

import re
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
ISBN_RE = re.compile(r"[0-9]{13}")
QUERY_INT_RE = re.compile(r"[0-9]{1,19}")
MAX_ID = 2**63 - 1


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


def _email(value: str) -> str:
    if not EMAIL_RE.fullmatch(value):
        raise ValueError("must be an email address like name@domain.tld")
    return value


def _not_future(value: int) -> int:
    current = datetime.now(UTC).year
    if value > current:
        raise ValueError(f"must be from 1 to {current}")
    return value


def _isbn13(value: str) -> str:
    if not ISBN_RE.fullmatch(value):
        raise ValueError("must be a string of exactly 13 digits")
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(value[:12]))
    if (10 - total % 10) % 10 != int(value[12]):
        raise ValueError("has a wrong check digit")
    return value


def _query_int(value: object) -> object:
    if isinstance(value, str):
        if not QUERY_INT_RE.fullmatch(value):
            raise ValueError("must be an integer")
        return int(value)
    return value


def Text(max_length: int):
    return Annotated[str, Field(min_length=1, max_length=max_length), AfterValidator(_not_blank)]


Email = Annotated[str, Field(max_length=254), AfterValidator(_email)]
Year = Annotated[int, Field(ge=1), AfterValidator(_not_future)]
Isbn = Annotated[str, AfterValidator(_isbn13)]
QueryInt = Annotated[int, BeforeValidator(_query_int)]


class Body(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")


class Registration(Body):
    email: Email
    password: Annotated[str, Field(min_length=8, max_length=128)]
    name: Text(100)
    role: Literal["member", "admin"] = "member"


class Credentials(Body):
    email: Email
    password: Annotated[str, Field(max_length=128), AfterValidator(_not_blank)]


class RefreshRequest(Body):
    refresh_token: str


class ProfileUpdate(Body):
    name: Text(100) = None


class AuthorCreate(Body):
    name: Text(200)
    birth_year: Year | None = None


class AuthorUpdate(Body):
    name: Annotated[str, Field(max_length=200)] = None
    birth_year: Year | None = None


class BookCreate(Body):
    title: Text(300)
    isbn: Isbn
    author_id: int
    published_year: Year | None = None


class BookUpdate(Body):
    title: Text(300) = None
    isbn: Isbn = None
    author_id: int = None
    published_year: Year | None = None


class LoanCreate(Body):
    book_id: int


class PageQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    page: Annotated[QueryInt, Field(ge=1, le=100_000)] = 1
    per_page: Annotated[QueryInt, Field(ge=1, le=100)] = 20


Flag = Literal["true", "false"]


class AuthorQuery(PageQuery):
    name: Annotated[str, Field(max_length=200)] | None = None


class BookQuery(PageQuery):
    title: Annotated[str, Field(max_length=300)] | None = None
    author_id: Annotated[QueryInt, Field(ge=1, le=MAX_ID)] | None = None
    available: Flag | None = None


class LoanQuery(PageQuery):
    active: Flag | None = None
    book_id: Annotated[QueryInt, Field(ge=1, le=MAX_ID)] | None = None
