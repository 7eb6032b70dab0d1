import time
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from lending import create_app
from lending.settings import MissingSetting, Settings

from .conftest import ADMIN, PASSWORD, SECRET, sign_in


def test_register_makes_a_member(client):
    response = client.post(
        "/auth/register",
        json={"email": "Tenar@Atuan.Test", "password": PASSWORD, "name": "Tenar"},
    )
    assert response.status_code == 201
    assert response.json["email"] == "tenar@atuan.test"
    assert response.json["role"] == "member"
    assert "password" not in response.get_data(as_text=True)


def test_duplicate_email_is_409_whatever_the_case(client, member):
    payload = {"email": member.email.upper(), "password": PASSWORD, "name": "Copy"}
    assert client.post("/auth/register", json=payload).status_code == 409


@pytest.mark.parametrize(
    "payload, bad",
    [
        ({}, {"email", "password", "name"}),
        ({"email": "a@b", "password": "1234567", "name": ""}, {"email", "password", "name"}),
        ({"email": "a @b.c", "password": "p" * 129, "name": "  "}, {"email", "password", "name"}),
        ({"email": 1, "password": None, "name": "n" * 101}, {"email", "password", "name"}),
    ],
)
def test_registration_rules(client, payload, bad):
    response = client.post("/auth/register", json=payload)
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == bad


def test_login_tokens_and_headers(client, member):
    response = client.post("/auth/login", json={"email": member.email, "password": PASSWORD})
    assert response.headers["Cache-Control"] == "no-store"
    assert response.json["token_type"] == "Bearer"
    assert response.json["expires_in"] == 900


def test_bad_credentials(client, member):
    for email in (member.email, "ghost@example.test"):
        response = client.post("/auth/login", json={"email": email, "password": "nope-nope"})
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"
    invalid = client.post("/auth/login", json={"email": "bad", "password": ""})
    assert invalid.status_code == 422


def test_throttle(client, member, monkeypatch):
    now = [time.time()]
    monkeypatch.setattr("lending.auth.throttle.time.time", lambda: now[0])
    wrong = {"email": member.email, "password": "wrong-password"}
    right = {"email": member.email.upper(), "password": PASSWORD}
    for _ in range(5):
        assert client.post("/auth/login", json=wrong).status_code == 401
    now[0] += 10
    blocked = client.post("/auth/login", json=right)
    assert blocked.status_code == 429
    assert blocked.json["error"]["code"] == "rate_limited"
    assert blocked.headers["Retry-After"] == "50"
    now[0] += 51
    assert client.post("/auth/login", json=right).status_code == 200


def test_me(client, member):
    assert client.get("/me", headers=member.headers).json["id"] == member.id
    changed = client.patch(
        "/me", json={"name": "New Name", "email": "x@y.z", "role": "admin"}, headers=member.headers
    )
    assert changed.json["name"] == "New Name"
    assert changed.json["role"] == "member"
    assert changed.json["email"] == member.email
    assert client.patch("/me", json={"name": None}, headers=member.headers).status_code == 422
    assert client.patch("/me", json={}, headers=member.headers).status_code == 200


def test_refresh(client, member):
    response = client.post("/auth/refresh", json={"refresh_token": member.refresh})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    access = response.json["access_token"]
    assert client.get("/me", headers={"Authorization": f"Bearer {access}"}).status_code == 200
    assert client.post("/auth/refresh", json={"refresh_token": member.access}).status_code == 401
    refresh_as_access = {"Authorization": f"Bearer {member.refresh}"}
    assert client.get("/me", headers=refresh_as_access).status_code == 401
    assert client.post("/auth/refresh", json={"refresh_token": 5}).status_code == 422


def test_logout_ends_only_that_login(client, member):
    other = sign_in(client, member.email)
    refreshed = client.post("/auth/refresh", json={"refresh_token": member.refresh}).json
    assert client.post("/auth/logout", headers=member.headers).status_code == 204
    assert client.get("/me", headers=member.headers).status_code == 401
    stale = {"Authorization": f"Bearer {refreshed['access_token']}"}
    assert client.get("/me", headers=stale).status_code == 401
    assert client.post("/auth/refresh", json={"refresh_token": member.refresh}).status_code == 401
    assert client.get("/me", headers=other.headers).status_code == 200


def test_bad_tokens(client, member):
    claims = jwt.decode(member.access, options={"verify_signature": False})
    past = datetime.now(UTC) - timedelta(hours=1)
    tokens = [
        jwt.encode(claims, "some-other-secret-of-sufficient-length!!", algorithm="HS256"),
        jwt.encode(claims, None, algorithm="none"),
        jwt.encode({**claims, "iat": past, "exp": past + timedelta(minutes=1)}, SECRET),
        jwt.encode({**claims, "sid": "unknown"}, SECRET),
        jwt.encode({**claims, "sub": "999"}, SECRET),
        member.access + "x",
    ]
    for token in tokens:
        response = client.get("/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
        assert response.json["error"]["code"] == "unauthorized"
    for header in ("Bearer", "Token abc", "Bearer a b"):
        assert client.get("/me", headers={"Authorization": header}).status_code == 401


def test_state_survives_a_restart(settings, client, member, new_member):
    leaving = new_member()
    client.post("/auth/logout", headers=leaving.headers)
    again = create_app(settings).test_client()
    assert again.get("/me", headers=member.headers).status_code == 200
    assert again.get("/me", headers=leaving.headers).status_code == 401
    assert sign_in(again, *ADMIN)


def test_admin_seeded_in_lower_case(client, admin):
    me = client.get("/me", headers=admin.headers).json
    assert me["email"] == ADMIN[0]
    assert me["role"] == "admin"


def test_settings_need_the_secret(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.delenv("JWT_SECRET", raising=False)
    with pytest.raises(MissingSetting):
        Settings.from_env()


def test_settings_from_env(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("JWT_SECRET", "s" * 40)
    monkeypatch.delenv("ADMIN_EMAIL", raising=False)
    settings = Settings.from_env()
    assert settings.admin_email is None
    assert create_app(settings).test_client().get("/health").status_code == 200
