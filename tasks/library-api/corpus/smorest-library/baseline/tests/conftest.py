import itertools

import pytest

from library import create_app
from library.schemas import isbn_check_digit

ADMIN = {"email": "admin@library.test", "password": "library-admin-password"}
PASSWORD = "member-password-1"
_counter = itertools.count(1)


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'test.db'}")
    monkeypatch.setenv("JWT_SECRET", "test-secret-that-is-long-enough-for-hs256")
    monkeypatch.setenv("ADMIN_EMAIL", ADMIN["email"])
    monkeypatch.setenv("ADMIN_PASSWORD", ADMIN["password"])
    application = create_app({"TESTING": True, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    yield application


@pytest.fixture
def client(app):
    return app.test_client()


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def login(client, email, password=PASSWORD):
    response = client.post("/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.fixture
def admin_tokens(client):
    return login(client, ADMIN["email"], ADMIN["password"])


@pytest.fixture
def admin(admin_tokens):
    return bearer(admin_tokens["access_token"])


@pytest.fixture
def make_member(client):
    def make():
        email = f"member{next(_counter)}@example.test"
        response = client.post(
            "/auth/register", json={"email": email, "password": PASSWORD, "name": "Reader"}
        )
        assert response.status_code == 201
        tokens = login(client, email)
        return {"id": response.get_json()["id"], "email": email, "tokens": tokens,
                "headers": bearer(tokens["access_token"])}

    return make


@pytest.fixture
def member(make_member):
    return make_member()


def new_isbn():
    first12 = f"978{next(_counter):09d}"
    return first12 + str(isbn_check_digit(first12))


@pytest.fixture
def make_author(client, admin):
    def make(**fields):
        body = {"name": f"Author {next(_counter)}", "birth_year": 1950, **fields}
        response = client.post("/authors", json=body, headers=admin)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return make


@pytest.fixture
def make_book(client, admin, make_author):
    def make(**fields):
        if "author_id" not in fields:
            fields["author_id"] = make_author()["id"]
        body = {"title": f"Title {next(_counter)}", "isbn": new_isbn(), **fields}
        response = client.post("/books", json=body, headers=admin)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return make
