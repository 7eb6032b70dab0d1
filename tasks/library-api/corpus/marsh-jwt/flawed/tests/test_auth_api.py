import time

import jwt
import pytest
from conftest import ADMIN_EMAIL, ADMIN_PASSWORD, MEMBER_PASSWORD, auth

from library.services import accounts


def test_registration_makes_a_member(client):
    response = client.post(
        "/auth/register",
        json={"email": "tenar@atuan.test", "password": MEMBER_PASSWORD, "name": "Tenar", "id": 99},
    )
    assert response.status_code == 201
    assert response.json["email"] == "tenar@atuan.test"
    assert response.json["role"] == "member"
    assert response.json["id"] != 99
    assert "password" not in response.get_data(as_text=True)


def test_duplicate_email_is_409(client, api):
    member = api.member()
    response = client.post(
        "/auth/register",
        json={"email": member["email"], "password": MEMBER_PASSWORD, "name": "Twin"},
    )
    assert response.status_code == 409
    assert response.json["error"]["code"] == "conflict"


@pytest.mark.parametrize(
    ("body", "bad"),
    [
        ({}, {"email", "password", "name"}),
        ({"email": "x", "password": "1234567", "name": " "}, {"email", "password", "name"}),
        ({"email": "a@b", "password": "p" * 129, "name": "n" * 101}, {"email", "password", "name"}),
        ({"email": "a b@c.de", "password": MEMBER_PASSWORD, "name": "ok"}, {"email"}),
    ],
)
def test_registration_rules(client, body, bad):
    response = client.post("/auth/register", json=body)
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == bad


def test_login_tokens_and_no_store(client, api):
    member = api.member()
    response = client.post(
        "/auth/login", json={"email": member["email"], "password": MEMBER_PASSWORD}
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.json["token_type"] == "Bearer"
    assert response.json["expires_in"] == 900
    assert set(response.json) == {"access_token", "refresh_token", "token_type", "expires_in"}


def test_bad_credentials_are_401(client, api):
    member = api.member()
    wrong = client.post("/auth/login", json={"email": member["email"], "password": "nope-nope"})
    unknown = client.post("/auth/login", json={"email": "who@x.test", "password": "nope-nope"})
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"


def test_login_validation(client):
    response = client.post("/auth/login", json={"email": "nope", "password": " "})
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"email", "password"}


def test_me_and_rename(client, api):
    member = api.member()
    assert client.get("/me", headers=member["headers"]).json["id"] == member["id"]
    response = client.patch(
        "/me", json={"name": "Arha", "role": "admin", "email": "x@y.zz"}, headers=member["headers"]
    )
    assert response.status_code == 200
    assert (response.json["name"], response.json["role"]) == ("Arha", "member")
    assert response.json["email"] == member["email"]
    assert client.patch("/me", json={"name": ""}, headers=member["headers"]).status_code == 422


def test_refresh_flow(client, api):
    member = api.member()
    response = client.post(
        "/auth/refresh", json={"refresh_token": member["tokens"]["refresh_token"]}
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/me", headers=auth(response.json["access_token"])).status_code == 200


def test_token_types_are_not_interchangeable(client, api):
    tokens = api.member()["tokens"]
    assert client.get("/me", headers=auth(tokens["refresh_token"])).status_code == 401
    swapped = client.post("/auth/refresh", json={"refresh_token": tokens["access_token"]})
    assert swapped.status_code == 401
    assert client.post("/auth/refresh", json={"refresh_token": "junk"}).status_code == 401
    assert client.post("/auth/refresh", json={"refresh_token": 1}).status_code == 422


def test_logout_revokes_that_login_only(client, api):
    member = api.member()
    second = api.login(member["email"], MEMBER_PASSWORD)
    refresh = member["tokens"]["refresh_token"]
    refreshed = client.post("/auth/refresh", json={"refresh_token": refresh}).json
    assert client.post("/auth/logout", headers=member["headers"]).status_code == 204
    assert client.get("/me", headers=member["headers"]).status_code == 401
    assert client.get("/me", headers=auth(refreshed["access_token"])).status_code == 401
    assert client.post("/auth/refresh", json={"refresh_token": refresh}).status_code == 401
    assert client.get("/me", headers=auth(second["access_token"])).status_code == 200


@pytest.mark.parametrize("value", ["Bearer", "Bearer x.y.z", "Basic Zm9vOmJhcg==", "garbage"])
def test_unusable_headers_are_401(client, value):
    response = client.get("/me", headers={"Authorization": value})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"


def test_forged_and_expired_tokens_are_401(client, api, settings):
    claims = jwt.decode(api.member()["tokens"]["access_token"], options={"verify_signature": False})
    forged = [
        jwt.encode({**claims, "sub": "1"}, "some-other-key-of-at-least-32-bytes", "HS256"),
        jwt.encode(claims, None, "none"),
        jwt.encode({**claims, "exp": int(time.time()) - 1}, settings["JWT_SECRET"], "HS256"),
        jwt.encode({**claims, "sid": None}, settings["JWT_SECRET"], "HS256"),
    ]
    for token in forged:
        assert client.get("/me", headers=auth(token)).status_code == 401


def test_rate_limit_after_five_failures(client, api):
    member = api.member()
    for _ in range(5):
        bad = client.post("/auth/login", json={"email": member["email"], "password": "bad-pass"})
        assert bad.status_code == 401
    locked = client.post(
        "/auth/login", json={"email": member["email"], "password": MEMBER_PASSWORD}
    )
    assert locked.status_code == 429
    assert locked.json["error"]["code"] == "rate_limited"
    assert 1 <= int(locked.headers["Retry-After"]) <= 60


def test_four_failures_do_not_lock(client, api):
    member = api.member()
    for _ in range(4):
        client.post("/auth/login", json={"email": member["email"], "password": "bad-pass"})
    ok = client.post("/auth/login", json={"email": member["email"], "password": MEMBER_PASSWORD})
    assert ok.status_code == 200


def test_old_failures_expire(client, api, monkeypatch):
    member = api.member()
    now = time.time()
    monkeypatch.setattr(accounts.time, "time", lambda: now - 120)
    for _ in range(5):
        client.post("/auth/login", json={"email": member["email"], "password": "bad-pass"})
    monkeypatch.setattr(accounts.time, "time", lambda: now)
    ok = client.post("/auth/login", json={"email": member["email"], "password": MEMBER_PASSWORD})
    assert ok.status_code == 200


def test_admin_is_seeded_once(client, api, settings):
    headers = api.admin_headers()
    assert client.get("/me", headers=headers).json["role"] == "admin"
    from library import create_app

    restarted = create_app(settings).test_client()
    response = restarted.post(
        "/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    )
    assert response.status_code == 200
    assert restarted.get("/me", headers=headers).status_code == 200
