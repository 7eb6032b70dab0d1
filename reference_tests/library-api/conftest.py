"""Helpers shared by the library-api reference tests (public: candidates see this file).

Every test makes the data it needs through the API, with unique values: it never assumes an
empty database, small ids, or anything another test did. Setup helpers accept any 2xx answer,
so that a test fails only for what it checks; checks say what was expected and what came back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

# The grader starts the app with these (see BRIEF.md); start your dev server with them too.
ADMIN_EMAIL = "admin@library.test"
ADMIN_PASSWORD = "library-admin-password"

MEMBER_PASSWORD = "member-password-1"
UNKNOWN_ID = 9_876_543_210_123  # no test creates this many records


def describe(response: httpx.Response) -> str:
    """What came back, for failure messages: request, status, content type, start of the body."""
    request = response.request
    body = response.text[:300].replace("\n", " ") if response.content else "(empty body)"
    kind = response.headers.get("content-type", "(no content type)")
    return f"{request.method} {request.url.path} -> {response.status_code} {kind}: {body}"


def json_of(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        pytest.fail(f"expected a JSON body, got {describe(response)}", pytrace=False)


def expect(response: httpx.Response, status: int) -> Any:
    """Check the status; return the JSON body (None for an empty one)."""
    assert response.status_code == status, f"expected {status}, got {describe(response)}"
    return json_of(response) if response.content else None


def expect_success(response: httpx.Response, doing: str) -> Any:
    """Any 2xx (for a test whose subject is not the exact status); return the JSON body."""
    assert response.is_success, f"expected {doing} to succeed, got {describe(response)}"
    return json_of(response) if response.content else None


def assert_refused(response: httpx.Response) -> None:
    """A 4xx in the error envelope: refused, without a crash, an HTML page or a stack trace."""
    assert 400 <= response.status_code < 500, f"expected a 4xx refusal, got {describe(response)}"
    data = json_of(response)
    error = data.get("error") if isinstance(data, dict) else None
    assert isinstance(error, dict), f"expected the error envelope, got {describe(response)}"
    assert isinstance(error.get("code"), str), (
        f"expected a string error.code, got {describe(response)}"
    )


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """Check the status and the error envelope {"error": {"code", "message", ...}}."""
    assert response.status_code == status, f"expected {status}, got {describe(response)}"
    data = json_of(response)
    error = data.get("error") if isinstance(data, dict) else None
    assert isinstance(error, dict), (
        f"expected the error envelope {{'error': {{'code': ..., 'message': ...}}}}, "
        f"got {describe(response)}"
    )
    assert error.get("code") == code, (
        f"expected error.code {code!r}, got {error.get('code')!r} in {describe(response)}"
    )
    assert isinstance(error.get("message"), str), (
        f"expected a string error.message, got {describe(response)}"
    )
    return error


def assert_invalid(response: httpx.Response) -> dict[str, Any]:
    """Refused as invalid, in the envelope with error.fields; returns the fields.

    The brief asks for 422 `validation_error`. These checks grade the validation itself and
    also take a 400 with the same envelope; the exact status is graded under errors.
    """
    assert response.status_code in (422, 400), (
        f"expected 422 with error.fields, got {describe(response)}"
    )
    data = json_of(response)
    error = data.get("error") if isinstance(data, dict) else None
    fields = error.get("fields") if isinstance(error, dict) else None
    assert isinstance(fields, dict), (
        f"expected the error envelope with an error.fields object, got {describe(response)}"
    )
    return fields


def assert_field_error(response: httpx.Response, field: str) -> None:
    """Refused as invalid (see assert_invalid), with error.fields naming `field`."""
    fields = assert_invalid(response)
    assert field in fields, f"expected error.fields to name {field!r}, got {fields!r}"


def isbn13(number: int) -> str:
    """A valid ISBN-13: 978, nine digits taken from `number`, and the check digit."""
    first12 = f"978{number % 10**9:09d}"
    total = sum(int(digit) * (3 if position % 2 else 1) for position, digit in enumerate(first12))
    return first12 + str((10 - total % 10) % 10)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Account:
    """A logged-in user: send `headers` to act as them."""

    id: int
    email: str
    password: str
    access_token: str
    refresh_token: str

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.access_token)


def setup_ok(response: httpx.Response, doing: str) -> Any:
    assert response.is_success, f"setup: could not {doing}: {describe(response)}"
    return json_of(response) if response.content else None


def log_in(client: httpx.Client, email: str, password: str, user_id: int = 0) -> Account:
    response = client.post("/auth/login", json={"email": email, "password": password})
    tokens = setup_ok(response, f"log in as {email}")
    return Account(
        id=user_id,
        email=email,
        password=password,
        access_token=tokens.get("access_token", ""),
        refresh_token=tokens.get("refresh_token", ""),
    )


@pytest.fixture
def new_email(unique: Callable[[str], str]) -> Callable[[], str]:
    return lambda: f"{unique('reader')}@example.test"


@pytest.fixture
def new_isbn(unique: Callable[[str], str]) -> Callable[[], str]:
    """A valid ISBN-13 no other test uses."""

    def make() -> str:
        digest = hashlib.sha256(unique("isbn").encode()).hexdigest()
        return isbn13(int(digest, 16))

    return make


@pytest.fixture
def admin(client: httpx.Client) -> Account:
    """The admin account the app seeds from ADMIN_EMAIL / ADMIN_PASSWORD, logged in."""
    response = client.post("/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    assert response.is_success, (
        f"setup: could not log in as the admin (start the app with ADMIN_EMAIL={ADMIN_EMAIL} "
        f"ADMIN_PASSWORD={ADMIN_PASSWORD}): {describe(response)}"
    )
    tokens = json_of(response)
    access, refresh = tokens.get("access_token", ""), tokens.get("refresh_token", "")
    return Account(0, ADMIN_EMAIL, ADMIN_PASSWORD, access, refresh)


@pytest.fixture
def make_member(client: httpx.Client, new_email: Callable[[], str]) -> Callable[[], Account]:
    """Register a new member and log them in."""

    def make() -> Account:
        email = new_email()
        body = {"email": email, "password": MEMBER_PASSWORD, "name": "Test Reader"}
        user = setup_ok(client.post("/auth/register", json=body), "register a member")
        return log_in(client, email, MEMBER_PASSWORD, user_id=user["id"])

    return make


@pytest.fixture
def member(make_member: Callable[[], Account]) -> Account:
    return make_member()


@pytest.fixture
def create_author(
    client: httpx.Client, admin: Account, unique: Callable[[str], str]
) -> Callable[..., dict[str, Any]]:
    """Create an author as the admin; fields override a unique name and a birth year."""

    def create(**fields: Any) -> dict[str, Any]:
        body = {"name": unique("Author"), "birth_year": 1950, **fields}
        return setup_ok(
            client.post("/authors", json=body, headers=admin.headers), "create an author"
        )

    return create


@pytest.fixture
def create_book(
    client: httpx.Client,
    admin: Account,
    unique: Callable[[str], str],
    new_isbn: Callable[[], str],
    create_author: Callable[..., dict[str, Any]],
) -> Callable[..., dict[str, Any]]:
    """Create a book as the admin (by a new author unless `author_id` is given)."""

    def create(**fields: Any) -> dict[str, Any]:
        if "author_id" not in fields:
            fields["author_id"] = create_author()["id"]
        body = {"title": unique("Title"), "isbn": new_isbn(), "published_year": 1999, **fields}
        return setup_ok(client.post("/books", json=body, headers=admin.headers), "create a book")

    return create


@pytest.fixture
def borrow(client: httpx.Client) -> Callable[[Account, int], dict[str, Any]]:
    """`borrow(account, book_id)`: the account borrows the book; returns the loan."""

    def make(account: Account, book_id: int) -> dict[str, Any]:
        response = client.post("/loans", json={"book_id": book_id}, headers=account.headers)
        return setup_ok(response, f"borrow book {book_id}")

    return make


def assert_fields(actual: Any, expected: dict[str, Any]) -> None:
    """`actual` is an object with at least these fields and values (extra fields are fine)."""
    assert isinstance(actual, dict), f"expected an object with {expected!r}, got {actual!r}"
    different = {
        key: actual.get(key, "(missing)") for key in expected if actual.get(key) != expected[key]
    }
    assert not different, f"expected {expected!r}, but these differ: {different!r} in {actual!r}"
