from __future__ import annotations

import itertools

import pytest
from werkzeug.security import generate_password_hash

from library import create_app
from library.extensions import db
from library.services import passwords

ADMIN_EMAIL = "admin@library.test"
ADMIN_PASSWORD = "admin-password-in-tests"
MEMBER_PASSWORD = "member-password-1"
sequence = itertools.count(1)


def valid_isbn(n: int) -> str:
    digits = f"978{n:09d}"
    check = (10 - sum(int(d) * (1, 3)[i % 2] for i, d in enumerate(digits)) % 10) % 10
    return f"{digits}{check}"


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    monkeypatch.setattr(
        passwords,
        "generate_password_hash",
        lambda pw: generate_password_hash(pw, method="pbkdf2:sha256:1000"),
    )


@pytest.fixture
def settings(tmp_path):
    return {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'test.db'}",
        "JWT_SECRET": "jwt-secret-for-the-test-suite-only-0123456789",
        "ADMIN_EMAIL": ADMIN_EMAIL,
        "ADMIN_PASSWORD": ADMIN_PASSWORD,
        "TESTING": True,
    }


@pytest.fixture
def app(settings):
    application = create_app(settings)
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


class Api:
    """Small helpers over the test client."""

    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str) -> dict:
        response = self.client.post("/auth/login", json={"email": email, "password": password})
        assert response.status_code == 200, response.json
        return response.json

    def member(self) -> dict:
        email = f"member{next(sequence)}@example.test"
        registered = self.client.post(
            "/auth/register", json={"email": email, "password": MEMBER_PASSWORD, "name": "M"}
        )
        assert registered.status_code == 201, registered.json
        tokens = self.login(email, MEMBER_PASSWORD)
        return {**registered.json, "tokens": tokens, "headers": auth(tokens["access_token"])}

    def admin_headers(self) -> dict:
        return auth(self.login(ADMIN_EMAIL, ADMIN_PASSWORD)["access_token"])

    def author(self, **fields) -> dict:
        body = {"name": f"Author {next(sequence)}", **fields}
        response = self.client.post("/authors", json=body, headers=self.admin_headers())
        assert response.status_code == 201, response.json
        return response.json

    def book(self, **fields) -> dict:
        fields.setdefault("author_id", self.author()["id"])
        body = {"title": f"Book {next(sequence)}", "isbn": valid_isbn(next(sequence)), **fields}
        response = self.client.post("/books", json=body, headers=self.admin_headers())
        assert response.status_code == 201, response.json
        return response.json

    def borrow(self, member: dict, book_id: int) -> dict:
        response = self.client.post("/loans", json={"book_id": book_id}, headers=member["headers"])
        assert response.status_code == 201, response.json
        return response.json


@pytest.fixture
def api(client):
    return Api(client)


@pytest.fixture
def admin(api):
    return api.admin_headers()
