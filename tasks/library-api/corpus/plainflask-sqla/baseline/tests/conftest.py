import itertools
from functools import partial

import pytest
from werkzeug.security import generate_password_hash

from library import create_app
from library.extensions import db

ADMIN_EMAIL = "admin@library.test"
ADMIN_PASSWORD = "library-admin-password"
PASSWORD = "member-password-1"
_counter = itertools.count(1)


def make_isbn(n: int) -> str:
    first12 = f"978{n:09d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return first12 + str((10 - total % 10) % 10)


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """scrypt is slow on purpose; a cheap PBKDF2 keeps the suite quick and still hashes."""
    cheap = partial(generate_password_hash, method="pbkdf2:sha256:1000")
    monkeypatch.setattr("library.security.generate_password_hash", cheap)


@pytest.fixture
def env(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'test.db'}")
    monkeypatch.setenv("JWT_SECRET", "test-secret-that-is-long-enough-for-hs256")
    monkeypatch.setenv("ADMIN_EMAIL", ADMIN_EMAIL)
    monkeypatch.setenv("ADMIN_PASSWORD", ADMIN_PASSWORD)


@pytest.fixture
def app(env):
    app = create_app({"TESTING": True})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


def login(client, email, password=PASSWORD):
    response = client.post("/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def auth(tokens):
    return {"Authorization": f"Bearer {tokens['access_token']}"}


@pytest.fixture
def admin(client):
    return auth(login(client, ADMIN_EMAIL, ADMIN_PASSWORD))


@pytest.fixture
def register(client):
    def make(name="Reader"):
        email = f"reader{next(_counter)}@example.test"
        response = client.post(
            "/auth/register", json={"email": email, "password": PASSWORD, "name": name}
        )
        assert response.status_code == 201
        return response.get_json()

    return make


@pytest.fixture
def member_tokens(client, register):
    def make():
        user = register()
        return user, login(client, user["email"])

    return make


@pytest.fixture
def member(member_tokens):
    return auth(member_tokens()[1])


@pytest.fixture
def author(client, admin):
    def make(**fields):
        body = {"name": "Ursula K. Le Guin", "birth_year": 1929, **fields}
        response = client.post("/authors", json=body, headers=admin)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return make


@pytest.fixture
def book(client, admin, author):
    def make(**fields):
        if "author_id" not in fields:
            fields["author_id"] = author()["id"]
        body = {"title": "A Wizard of Earthsea", "isbn": make_isbn(next(_counter)), **fields}
        response = client.post("/books", json=body, headers=admin)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return make
