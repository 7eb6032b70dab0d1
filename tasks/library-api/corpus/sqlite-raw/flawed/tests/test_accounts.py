import time

import jwt
import pytest
from conftest import ADMIN, PASSWORD, bearer

from library import ratelimit


def test_register_creates_a_member_and_ignores_role(client):
    body = {"email": "Ged@Example.TEST", "password": PASSWORD, "name": "Ged", "role": "admin"}
    response = client.post("/auth/register", json=body)
    assert response.status_code == 201
    user = response.get_json()
    assert user["email"] == "ged@example.test"
    assert user["role"] == "member"
    assert user["created_at"].endswith("Z")
    assert "password" not in response.get_data(as_text=True)


def test_an_email_registers_once_whatever_its_case(client, member):
    body = {"email": member["user"]["email"].upper(), "password": PASSWORD, "name": "Twin"}
    response = client.post("/auth/register", json=body)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "conflict"


def test_register_names_every_bad_field(client):
    body = {"email": "no-at-sign", "password": "short", "name": "   "}
    response = client.post("/auth/register", json=body)
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"email", "password", "name"}


@pytest.mark.parametrize("email", ["a b@c.d", "a@@b.c", 42, "x" * 250 + "@b.cd"])
def test_register_refuses_bad_emails(client, email):
    body = {"email": email, "password": PASSWORD, "name": "Ged"}
    response = client.post("/auth/register", json=body)
    assert response.status_code == 422
    assert "email" in response.get_json()["error"]["fields"]


def test_login_answers_tokens_without_caching(client, member, login):
    response = client.post(
        "/auth/login", json={"email": member["user"]["email"].upper(), "password": PASSWORD}
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    tokens = response.get_json()
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 900


def test_wrong_password_is_401_with_www_authenticate(client, member):
    response = client.post(
        "/auth/login", json={"email": member["user"]["email"], "password": "wrong-password"}
    )
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_login_with_a_blank_password_is_422(client):
    response = client.post("/auth/login", json={"email": "a@b.cd", "password": "  "})
    assert response.status_code == 422


def test_me_and_patch_me_change_only_the_name(client, member):
    headers = member["headers"]
    assert client.get("/me", headers=headers).get_json()["id"] == member["user"]["id"]
    response = client.patch(
        "/me", json={"name": "Sparrowhawk", "role": "admin", "email": "x@y.zz"}, headers=headers
    )
    assert response.status_code == 200
    me = response.get_json()
    assert me["name"] == "Sparrowhawk"
    assert me["role"] == "member"
    assert me["email"] == member["user"]["email"]


def test_patch_me_validates_the_name(client, member):
    response = client.patch("/me", json={"name": ""}, headers=member["headers"])
    assert response.status_code == 422


def test_refresh_gives_a_new_access_token(client, member):
    refresh = member["tokens"]["refresh_token"]
    response = client.post("/auth/refresh", json={"refresh_token": refresh})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    access = response.get_json()["access_token"]
    assert client.get("/me", headers=bearer(access)).status_code == 200


def test_tokens_cannot_stand_in_for_each_other(client, member):
    tokens = member["tokens"]
    assert client.get("/me", headers=bearer(tokens["refresh_token"])).status_code == 401
    response = client.post("/auth/refresh", json={"refresh_token": tokens["access_token"]})
    assert response.status_code == 401


def test_refresh_needs_a_string(client):
    assert client.post("/auth/refresh", json={}).status_code == 422
    assert client.post("/auth/refresh", json={"refresh_token": 5}).status_code == 422
    assert client.post("/auth/refresh", json={"refresh_token": "x"}).status_code == 401


def test_logout_ends_only_that_login(client, member, login):
    other_login = login(member["user"]["email"], PASSWORD)
    refreshed = client.post(
        "/auth/refresh", json={"refresh_token": member["tokens"]["refresh_token"]}
    ).get_json()["access_token"]
    assert client.post("/auth/logout", headers=member["headers"]).status_code == 204
    assert client.get("/me", headers=member["headers"]).status_code == 401
    assert client.get("/me", headers=bearer(refreshed)).status_code == 401
    assert client.get("/me", headers=bearer(other_login["access_token"])).status_code == 200


@pytest.mark.parametrize(
    "header", ["", "Bearer", "Bearer not-a-token", "Basic YWRtaW46YWRtaW4=", "token"]
)
def test_unusable_authorization_headers_are_401(client, header):
    response = client.get("/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_forged_tokens_are_401(client, app, member):
    claims = jwt.decode(member["tokens"]["access_token"], options={"verify_signature": False})
    other_key = jwt.encode(claims, "another-key-that-is-long-enough-32b", algorithm="HS256")
    unsigned = jwt.encode(claims, None, algorithm="none")
    expired = jwt.encode(
        {**claims, "exp": int(time.time()) - 5}, app.config["JWT_SECRET"], algorithm="HS256"
    )
    escalated = jwt.encode(
        {**claims, "sub": "1"}, "another-key-that-is-long-enough-32b", algorithm="HS256"
    )
    for token in (other_key, unsigned, expired, escalated):
        assert client.get("/me", headers=bearer(token)).status_code == 401


def test_five_failures_lock_the_email_even_for_the_right_password(client, member):
    email = member["user"]["email"]
    for _ in range(5):
        wrong = client.post("/auth/login", json={"email": email, "password": "wrong-pass"})
        assert wrong.status_code == 401
    response = client.post("/auth/login", json={"email": email.upper(), "password": PASSWORD})
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_four_failures_then_the_right_password_logs_in(client, member):
    email = member["user"]["email"]
    for _ in range(4):
        client.post("/auth/login", json={"email": email, "password": "wrong-pass"})
    response = client.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200


def test_unknown_emails_are_counted_too(client):
    body = {"email": "nobody@example.test", "password": "whatever"}
    statuses = [client.post("/auth/login", json=body).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]


def test_failures_older_than_the_window_do_not_count(client, member, monkeypatch):
    email = member["user"]["email"]
    start = time.time()
    monkeypatch.setattr(ratelimit.time, "time", lambda: start - 61)
    for _ in range(5):
        client.post("/auth/login", json={"email": email, "password": "wrong-pass"})
    monkeypatch.setattr(ratelimit.time, "time", lambda: start)
    response = client.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200


def test_the_admin_is_created_once_from_the_environment(client, app, login):
    tokens = login(ADMIN["email"], ADMIN["password"])
    me = client.get("/me", headers=bearer(tokens["access_token"])).get_json()
    assert me["role"] == "admin"
    from library import create_app

    create_app(dict(app.config))  # a restart does not duplicate or reset the admin
    assert login(ADMIN["email"], ADMIN["password"])["access_token"]
