"""Fixtures: a fresh app on a scratch SQLite file per test, and helpers to act as users."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from werkzeug.security import generate_password_hash

from library import create_app, passwords

ADMIN = {"email": "admin@library.test", "password": "admin-password-for-tests"}
PASSWORD = "member-password-1"
_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """Production hashes are deliberately slow; tests use a cheap pbkdf2 round count."""
    monkeypatch.setattr(
        passwords,
        "generate_password_hash",
        lambda password: generate_password_hash(password, method="pbkdf2:sha256:1000"),
    )


@pytest.fixture
def app(tmp_path):
    return create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'library.db'}",
            "JWT_SECRET": "test-secret-" + "x" * 40,
            "ADMIN_EMAIL": ADMIN["email"],
            "ADMIN_PASSWORD": ADMIN["password"],
            "TESTING": True,
        }
    )


@pytest.fixture
def client(app):
    return app.test_client()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def login(client) -> Callable[[str, str], dict[str, Any]]:
    def do(email: str, password: str) -> dict[str, Any]:
        response = client.post("/auth/login", json={"email": email, "password": password})
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    return do


@pytest.fixture
def admin_headers(login) -> dict[str, str]:
    return bearer(login(ADMIN["email"], ADMIN["password"])["access_token"])


@pytest.fixture
def make_member(client, login) -> Callable[[], dict[str, Any]]:
    """Register and log in a new member: returns the user, its tokens and headers."""

    def make() -> dict[str, Any]:
        email = f"reader{next(_counter)}@example.test"
        body = {"email": email, "password": PASSWORD, "name": "Reader"}
        response = client.post("/auth/register", json=body)
        assert response.status_code == 201, response.get_json()
        tokens = login(email, PASSWORD)
        return {
            "user": response.get_json(),
            "tokens": tokens,
            "headers": bearer(tokens["access_token"]),
        }

    return make


@pytest.fixture
def member(make_member) -> dict[str, Any]:
    return make_member()


def isbn13(number: int) -> str:
    first12 = f"978{number:09d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return first12 + str((10 - total % 10) % 10)


@pytest.fixture
def create_author(client, admin_headers) -> Callable[..., dict[str, Any]]:
    def create(**fields: Any) -> dict[str, Any]:
        body = {"name": f"Author {next(_counter)}", **fields}
        response = client.post("/authors", json=body, headers=admin_headers)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return create


@pytest.fixture
def create_book(client, admin_headers, create_author) -> Callable[..., dict[str, Any]]:
    def create(**fields: Any) -> dict[str, Any]:
        if "author_id" not in fields:
            fields["author_id"] = create_author()["id"]
        body = {"title": f"Title {next(_counter)}", "isbn": isbn13(next(_counter)), **fields}
        response = client.post("/books", json=body, headers=admin_headers)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return create


@pytest.fixture
def borrow(client) -> Callable[[dict[str, Any], int], dict[str, Any]]:
    def do(account: dict[str, Any], book_id: int) -> dict[str, Any]:
        response = client.post("/loans", json={"book_id": book_id}, headers=account["headers"])
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return do
