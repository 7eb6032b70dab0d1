import itertools
from dataclasses import dataclass
from functools import partial

import pytest
from werkzeug.security import generate_password_hash

from lending import create_app
from lending.settings import Settings

ADMIN = ("admin@library.test", "library-admin-password")
PASSWORD = "correct-horse-battery"
SECRET = "tests-only-secret-0123456789abcdef0123456789"
_seq = itertools.count(1)


def isbn_for(n: int) -> str:
    head = f"978{n:09d}"
    check = (10 - sum(int(c) * (1, 3)[i % 2] for i, c in enumerate(head)) % 10) % 10
    return f"{head}{check}"


@dataclass
class Caller:
    id: int
    email: str
    access: str
    refresh: str

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.access}"}


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch):
    """Production hashing is deliberately slow; the tests only need it to be a real hash."""
    fast = partial(generate_password_hash, method="pbkdf2:sha256:1000")
    monkeypatch.setattr("lending.auth.passwords.generate_password_hash", fast)


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'lending.db'}",
        jwt_secret=SECRET,
        admin_email=ADMIN[0].upper(),
        admin_password=ADMIN[1],
    )


@pytest.fixture
def app(settings):
    app = create_app(settings)
    yield app
    app.extensions["engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


def sign_in(client, email, password=PASSWORD, user_id=0) -> Caller:
    response = client.post("/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.json
    return Caller(user_id, email, response.json["access_token"], response.json["refresh_token"])


@pytest.fixture
def admin(client) -> Caller:
    return sign_in(client, *ADMIN)


@pytest.fixture
def new_member(client):
    def make() -> Caller:
        email = f"member{next(_seq)}@example.test"
        response = client.post(
            "/auth/register", json={"email": email, "password": PASSWORD, "name": "Member"}
        )
        assert response.status_code == 201
        return sign_in(client, email, user_id=response.json["id"])

    return make


@pytest.fixture
def member(new_member) -> Caller:
    return new_member()


@pytest.fixture
def new_author(client, admin):
    def make(**extra) -> dict:
        response = client.post(
            "/authors", json={"name": "Octavia Butler", **extra}, headers=admin.headers
        )
        assert response.status_code == 201, response.json
        return response.json

    return make


@pytest.fixture
def new_book(client, admin, new_author):
    def make(**extra) -> dict:
        payload = {"title": "Kindred", "isbn": isbn_for(next(_seq)), **extra}
        payload.setdefault("author_id", new_author()["id"])
        response = client.post("/books", json=payload, headers=admin.headers)
        assert response.status_code == 201, response.json
        return response.json

    return make
