import base64
import json

import pytest
from conftest import ADMIN, PASSWORD, bearer, login


def test_register_creates_a_member_and_ignores_role(client):
    body = {"email": "Ged@Example.TEST", "password": PASSWORD, "name": "Ged", "role": "admin"}
    response = client.post("/auth/register", json=body)
    assert response.status_code == 201
    user = response.get_json()
    assert user["email"] == "ged@example.test"
    assert user["role"] == "member"
    assert user["created_at"].endswith("Z")
    assert "password" not in response.get_data(as_text=True)


def test_register_twice_ignoring_case_is_409(client, member):
    body = {"email": member["email"].upper(), "password": PASSWORD, "name": "Twin"}
    response = client.post("/auth/register", json=body)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "conflict"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"email", "password", "name"}),
        ({"email": "no-at-sign", "password": "short", "name": "   "}, {"email", "password", "name"}),
        ({"email": "a b@x.test", "password": "x" * 129, "name": "x" * 101},
         {"email", "password", "name"}),
        ({"email": "a@nodot", "password": PASSWORD, "name": 5}, {"email", "name"}),
    ],
)
def test_register_validation_names_every_bad_field(client, body, fields):
    response = client.post("/auth/register", json=body)
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == fields


def test_login_answers_tokens_without_caching(client, member):
    response = client.post("/auth/login", json={"email": member["email"], "password": PASSWORD})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    tokens = response.get_json()
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 900


def test_login_is_case_insensitive_on_email(client, member):
    login(client, member["email"].upper())


def test_wrong_password_is_401_with_www_authenticate(client, member):
    response = client.post("/auth/login", json={"email": member["email"], "password": "nope-nope"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_me_and_patch_me(client, member):
    response = client.patch(
        "/me", json={"name": "Sparrowhawk", "role": "admin", "email": "x@y.test"},
        headers=member["headers"],
    )
    assert response.status_code == 200
    me = client.get("/me", headers=member["headers"]).get_json()
    assert me["name"] == "Sparrowhawk"
    assert me["role"] == "member"
    assert me["email"] == member["email"]


def test_patch_me_refuses_a_blank_name(client, member):
    response = client.patch("/me", json={"name": "  "}, headers=member["headers"])
    assert response.status_code == 422
    assert "name" in response.get_json()["error"]["fields"]


def test_refresh_gives_a_working_access_token(client, member):
    response = client.post("/auth/refresh", json={"refresh_token": member["tokens"]["refresh_token"]})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    access = response.get_json()["access_token"]
    assert client.get("/me", headers=bearer(access)).get_json()["id"] == member["id"]


def test_tokens_cannot_stand_in_for_each_other(client, member):
    tokens = member["tokens"]
    assert client.get("/me", headers=bearer(tokens["refresh_token"])).status_code == 401
    response = client.post("/auth/refresh", json={"refresh_token": tokens["access_token"]})
    assert response.status_code == 401
    assert client.post("/auth/refresh", json={"refresh_token": "garbage"}).status_code == 401
    assert client.post("/auth/refresh", json={}).status_code == 422


def _b64(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_unsigned_and_tampered_tokens_are_401(client, member):
    header, payload, signature = member["tokens"]["access_token"].split(".")
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{payload}."
    assert client.get("/me", headers=bearer(unsigned)).status_code == 401
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = "1"
    tampered = f"{header}.{_b64(claims)}.{signature}"
    assert client.get("/me", headers=bearer(tampered)).status_code == 401


@pytest.mark.parametrize("value", ["Bearer", "Bearer x.y.z", "Basic YWRtaW46YWRtaW4=", "token"])
def test_unusable_authorization_headers_are_401(client, value):
    response = client.get("/me", headers={"Authorization": value})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_logout_ends_only_that_login(client, member):
    first = member["tokens"]
    second = login(client, member["email"])
    refreshed = client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
    refreshed_access = refreshed.get_json()["access_token"]
    assert client.post("/auth/logout", headers=bearer(first["access_token"])).status_code == 204
    assert client.get("/me", headers=bearer(first["access_token"])).status_code == 401
    assert client.get("/me", headers=bearer(refreshed_access)).status_code == 401
    response = client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert response.status_code == 401
    assert client.get("/me", headers=bearer(second["access_token"])).status_code == 200


def test_rate_limit_after_five_failures(client, member):
    wrong = {"email": member["email"], "password": "wrong-password"}
    for _ in range(4):
        assert client.post("/auth/login", json=wrong).status_code == 401
    login(client, member["email"])
    assert client.post("/auth/login", json=wrong).status_code == 401
    right = {"email": member["email"].upper(), "password": PASSWORD}
    response = client.post("/auth/login", json=right)
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_rate_limit_counts_unknown_emails_and_not_invalid_attempts(client):
    for _ in range(5):
        client.post("/auth/login", json={"email": "ghost@example.test", "password": "x"})
        client.post("/auth/login", json={"email": "ghost@example.test", "password": " "})
    response = client.post("/auth/login", json={"email": "ghost@example.test", "password": "x"})
    assert response.status_code == 429


def test_the_admin_is_seeded_once(app, client):
    from lending import ensure_admin

    with app.app_context():
        ensure_admin(app.config["SETTINGS"], "pbkdf2:sha256:1000")
    tokens = login(client, ADMIN["email"], ADMIN["password"])
    me = client.get("/me", headers=bearer(tokens["access_token"])).get_json()
    assert me["role"] == "admin"
