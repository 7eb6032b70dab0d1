import pytest

from library import create_app

ADMIN = {"email": "admin@example.test", "password": "admin-password"}


@pytest.fixture
def app(tmp_path):
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'library.db'}",
            "JWT_SECRET": "a-test-secret-that-is-long-enough-for-hs256",
            "ADMIN_EMAIL": ADMIN["email"],
            "ADMIN_PASSWORD": ADMIN["password"],
        }
    )


@pytest.fixture
def client(app):
    return app.test_client()


def login(client, email, password):
    response = client.post("/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['access_token']}"}


@pytest.fixture
def admin(client):
    return login(client, **ADMIN)


@pytest.fixture
def member(client):
    return make_member(client, "member@example.test")


def make_member(client, email):
    body = {"email": email, "password": "member-password", "name": "A Member"}
    assert client.post("/auth/register", json=body).status_code == 201
    return login(client, email, body["password"])


@pytest.fixture
def book(client, admin):
    author = client.post("/authors", json={"name": "Ursula K. Le Guin"}, headers=admin).json
    body = {"title": "A Wizard of Earthsea", "isbn": "9780553383041", "author_id": author["id"]}
    response = client.post("/books", json=body, headers=admin)
    assert response.status_code == 201, response.json
    return response.json
