from conftest import login, make_member


def test_register_never_makes_an_admin(client):
    body = {"email": "Eve@Example.test", "password": "eve-password", "name": "Eve", "role": "admin"}
    response = client.post("/auth/register", json=body)
    assert response.status_code == 201
    assert response.json["role"] == "member"
    assert response.json["email"] == "eve@example.test"
    assert "password_hash" not in response.json


def test_duplicate_email_is_a_conflict(client, member):
    body = {"email": "MEMBER@example.test", "password": "another-one", "name": "Twin"}
    assert client.post("/auth/register", json=body).status_code == 409


def test_401_without_a_token_and_403_without_the_role(client, member):
    assert client.post("/authors", json={"name": "X"}).status_code == 401
    assert client.post("/authors", json={"name": "X"}, headers=member).status_code == 403


def test_refresh_then_logout_ends_the_session(client, member):
    tokens = client.post(
        "/auth/login", json={"email": "member@example.test", "password": "member-password"}
    ).json
    refreshed = client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200
    headers = {"Authorization": f"Bearer {refreshed.json['access_token']}"}
    assert client.get("/me", headers=headers).status_code == 200
    assert client.post("/auth/logout", headers=headers).status_code == 204
    assert client.get("/me", headers=headers).status_code == 401
    again = client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert again.status_code == 401


def test_an_access_token_is_no_refresh_token(client):
    make_member(client, "a@example.test")
    tokens = client.post(
        "/auth/login", json={"email": "a@example.test", "password": "member-password"}
    ).json
    response = client.post("/auth/refresh", json={"refresh_token": tokens["access_token"]})
    assert response.status_code == 401


def test_failed_logins_are_rate_limited_per_email(client, member):
    wrong = {"email": "member@example.test", "password": "wrong-password"}
    for _ in range(5):
        assert client.post("/auth/login", json=wrong).status_code == 401
    limited = client.post("/auth/login", json={**wrong, "password": "member-password"})
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    make_member(client, "other@example.test")
    assert login(client, "other@example.test", "member-password")
