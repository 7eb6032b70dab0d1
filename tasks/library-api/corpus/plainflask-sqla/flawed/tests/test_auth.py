from datetime import UTC, datetime, timedelta

import jwt
import pytest

from library import create_app
from library.ratelimit import LIMIT

from .conftest import ADMIN_EMAIL, PASSWORD, auth, login


def test_register_creates_a_member_and_ignores_role(client):
    body = {"email": "Ged@Example.Test", "password": PASSWORD, "name": "Ged", "role": "admin"}
    response = client.post("/auth/register", json=body)
    assert response.status_code == 201
    user = response.get_json()
    assert user["email"] == "ged@example.test"
    assert user["role"] == "member"
    assert user["created_at"].endswith("Z")
    assert "password" not in response.get_data(as_text=True)


def test_emails_are_case_insensitive(client, register):
    user = register()
    body = {"email": user["email"].upper(), "password": PASSWORD, "name": "Twin"}
    assert client.post("/auth/register", json=body).status_code == 409
    assert login(client, user["email"].upper())["token_type"] == "Bearer"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"email", "password", "name"}),
        (
            {"email": "no-at-sign", "password": "short", "name": "   "},
            {"email", "password", "name"},
        ),
        (
            {"email": "a b@x.test", "password": "x" * 129, "name": "x" * 101},
            {"email", "password", "name"},
        ),
        ({"email": "a@nodot", "password": 12345678, "name": 5}, {"email", "password", "name"}),
        ({"email": "a@b.c" + "x" * 254, "password": PASSWORD, "name": "A"}, {"email"}),
    ],
)
def test_register_names_every_bad_field(client, body, fields):
    response = client.post("/auth/register", json=body)
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == fields


def test_login_answers_tokens_without_caching(client, register):
    user = register()
    response = client.post("/auth/login", json={"email": user["email"], "password": PASSWORD})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    tokens = response.get_json()
    assert tokens["expires_in"] == 900
    assert set(tokens) == {"access_token", "refresh_token", "token_type", "expires_in"}


def test_wrong_password_and_unknown_email_are_401(client, register):
    user = register()
    for email in (user["email"], "nobody@example.test"):
        response = client.post("/auth/login", json={"email": email, "password": "wrong-one"})
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert response.get_json()["error"]["code"] == "unauthorized"


def test_login_validation_is_422(client):
    response = client.post("/auth/login", json={"email": "x", "password": "  "})
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"email", "password"}


def test_rate_limit_after_five_failures(client, register):
    user = register()
    wrong = {"email": user["email"].upper(), "password": "wrong-password"}
    for _ in range(LIMIT):
        assert client.post("/auth/login", json=wrong).status_code == 401
    response = client.post("/auth/login", json={"email": user["email"], "password": PASSWORD})
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_four_failures_then_success(client, register):
    user = register()
    for _ in range(LIMIT - 1):
        client.post("/auth/login", json={"email": user["email"], "password": "wrong-password"})
    assert (
        client.post("/auth/login", json={"email": user["email"], "password": PASSWORD}).status_code
        == 200
    )


def test_rate_limit_expires(client, register, monkeypatch):
    user = register()
    clock = [1_000_000.0]
    monkeypatch.setattr("library.ratelimit.time.time", lambda: clock[0])
    for _ in range(LIMIT):
        client.post("/auth/login", json={"email": user["email"], "password": "wrong-password"})
    clock[0] += 30
    limited = client.post("/auth/login", json={"email": user["email"], "password": PASSWORD})
    assert limited.headers["Retry-After"] == "30"
    clock[0] += 31
    assert (
        client.post("/auth/login", json={"email": user["email"], "password": PASSWORD}).status_code
        == 200
    )


def test_me_and_patch_me(client, member):
    assert client.get("/me", headers=member).get_json()["role"] == "member"
    response = client.patch("/me", json={"name": "Sparrowhawk"}, headers=member)
    assert response.status_code == 200
    assert response.get_json()["name"] == "Sparrowhawk"
    assert response.get_json()["role"] == "member"
    assert client.patch("/me", json={"name": " "}, headers=member).status_code == 422


def test_refresh_and_token_kinds(client, member_tokens):
    _, tokens = member_tokens()
    response = client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    fresh = response.get_json()
    assert client.get("/me", headers=auth(fresh)).status_code == 200
    # an access token is not a refresh token, and the other way round
    assert (
        client.post("/auth/refresh", json={"refresh_token": tokens["access_token"]}).status_code
        == 401
    )
    headers = {"Authorization": f"Bearer {tokens['refresh_token']}"}
    assert client.get("/me", headers=headers).status_code == 401
    assert client.post("/auth/refresh", json={}).status_code == 422


def test_logout_revokes_the_whole_login_only(client, member_tokens):
    user, first = member_tokens()
    second = login(client, user["email"])
    refreshed = client.post(
        "/auth/refresh", json={"refresh_token": first["refresh_token"]}
    ).get_json()
    assert client.post("/auth/logout", headers=auth(first)).status_code == 204
    assert client.get("/me", headers=auth(first)).status_code == 401
    assert client.get("/me", headers=auth(refreshed)).status_code == 401
    assert client.get("/me", headers=auth(second)).status_code == 200


def _forge(claims, key="test-secret-that-is-long-enough-for-hs256", algorithm="HS256"):
    return jwt.encode(claims, key, algorithm=algorithm)


def test_forged_and_expired_tokens_are_401(client, member_tokens):
    _, tokens = member_tokens()
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    now = datetime.now(UTC)
    candidates = [
        _forge(claims, key="another-key-that-is-long-enough-for-hs256"),
        _forge(claims, key=None, algorithm="none"),
        _forge({**claims, "iat": now - timedelta(hours=1), "exp": now - timedelta(minutes=1)}),
        _forge({**claims, "sid": "nope"}),
        tokens["access_token"][:-3] + "abc",
        "Bearer",
    ]
    for token in candidates:
        response = client.get("/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"
    assert client.get("/me", headers={"Authorization": "Basic abc"}).status_code == 401


def test_restart_keeps_accounts_sessions_and_logouts(app, client, member_tokens):
    user, kept = member_tokens()
    _, ended = member_tokens()
    client.post("/auth/logout", headers=auth(ended))
    restarted = create_app({"TESTING": True}).test_client()
    assert restarted.get("/me", headers=auth(kept)).get_json()["id"] == user["id"]
    assert restarted.get("/me", headers=auth(ended)).status_code == 401
    assert login(restarted, ADMIN_EMAIL, "library-admin-password")


def test_admin_is_created_once(app, client, admin):
    create_app({"TESTING": True})
    assert client.get("/me", headers=admin).get_json()["role"] == "admin"
