"""Public authentication and authorisation checks for library-api."""

import pytest
from conftest import MEMBER_PASSWORD, assert_fields, bearer, describe, expect


@pytest.mark.criterion("auth.accounts")
def test_register_answers_201_with_a_member(client, new_email):
    email = new_email()
    body = {"email": email, "password": MEMBER_PASSWORD, "name": "Ged Sparrowhawk"}
    user = expect(client.post("/auth/register", json=body), 201)
    assert isinstance(user.get("id"), int), f"expected an integer id, got {user!r}"
    assert_fields(user, {"email": email, "name": "Ged Sparrowhawk", "role": "member"})


@pytest.mark.criterion("auth.accounts")
def test_login_answers_with_access_and_refresh_tokens(client, new_email):
    email = new_email()
    client.post(
        "/auth/register", json={"email": email, "password": MEMBER_PASSWORD, "name": "Tenar"}
    )
    tokens = expect(
        client.post("/auth/login", json={"email": email, "password": MEMBER_PASSWORD}), 200
    )
    for field in ("access_token", "refresh_token"):
        assert isinstance(tokens.get(field), str), f"expected a string {field}, got {tokens!r}"
        assert tokens[field], f"expected a non-empty {field}, got {tokens!r}"
    assert tokens.get("token_type") == "Bearer", f"expected token_type 'Bearer', got {tokens!r}"


@pytest.mark.criterion("auth.tokens")
def test_me_answers_with_the_caller(client, member):
    me = expect(client.get("/me", headers=member.headers), 200)
    assert_fields(me, {"id": member.id, "email": member.email, "role": "member"})


@pytest.mark.criterion("auth.tokens")
def test_me_without_a_token_is_401(client):
    expect(client.get("/me"), 401)


@pytest.mark.criterion("auth.roles")
def test_creating_an_author_without_a_token_is_401(client, unique):
    expect(client.post("/authors", json={"name": unique("Author")}), 401)


@pytest.mark.criterion("auth.roles")
def test_a_member_creating_an_author_is_403(client, member, unique):
    expect(client.post("/authors", json={"name": unique("Author")}, headers=member.headers), 403)


@pytest.mark.criterion("auth.ownership")
def test_a_member_cannot_read_another_members_loan(client, make_member, create_book, borrow):
    owner, other = make_member(), make_member()
    loan = borrow(owner, create_book()["id"])
    response = client.get(f"/loans/{loan['id']}", headers=other.headers)
    assert response.status_code == 404, (
        f"another member's loan must look like it does not exist (404), got {response.status_code}"
    )


@pytest.mark.criterion("auth.logout")
def test_logout_revokes_the_access_token(client, member):
    expect(client.post("/auth/logout", headers=member.headers), 204)
    response = client.get("/me", headers=bearer(member.access_token))
    assert response.status_code == 401, (
        f"expected 401 for an access token used after logout, got {response.status_code}"
    )


@pytest.mark.criterion("auth.rate_limit")
def test_a_login_after_5_failures_within_60_s_is_429(client, member):
    wrong = {"email": member.email, "password": "not-the-password"}
    for attempt in range(1, 6):
        response = client.post("/auth/login", json=wrong)
        assert response.status_code == 401, (
            f"failed login {attempt} of 5: expected 401, got {response.status_code}"
        )
    right = {"email": member.email, "password": MEMBER_PASSWORD}
    limited = client.post("/auth/login", json=right)
    assert limited.status_code == 429, (
        f"a 6th login within 60 s of 5 failures (even with the right password): expected 429, "
        f"got {describe(limited)}"
    )
    retry_after = limited.headers.get("retry-after", "(missing)")
    assert retry_after.isdigit(), f"expected Retry-After in whole seconds, got {retry_after!r}"
    assert 1 <= int(retry_after) <= 60, f"expected Retry-After between 1 and 60, got {retry_after}"


@pytest.mark.criterion("auth.tokens")
@pytest.mark.parametrize(
    "authorization",
    ["Bearer not-a-token", "Bearer", "Basic YWRtaW46YWRtaW4=", "not-even-a-scheme"],
    ids=["garbage", "empty", "basic", "no-scheme"],
)
def test_an_unusable_authorization_header_is_401(client, authorization):
    expect(client.get("/me", headers={"Authorization": authorization}), 401)


@pytest.mark.criterion("auth.tokens")
def test_refresh_gives_a_working_access_token(client, member):
    tokens = expect(client.post("/auth/refresh", json={"refresh_token": member.refresh_token}), 200)
    access = tokens.get("access_token")
    assert isinstance(access, str), f"expected a string access_token, got {tokens!r}"
    assert access, f"expected a non-empty access_token, got {tokens!r}"
    me = expect(client.get("/me", headers=bearer(access)), 200)
    assert me.get("id") == member.id, f"the refreshed token is for someone else: {me!r}"


@pytest.mark.criterion("auth.roles")
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PATCH", "/authors/{author}"),
        ("DELETE", "/books/{book}"),
        ("POST", "/books"),
        ("POST", "/loans"),
        ("GET", "/loans"),
    ],
)
def test_without_a_token_it_is_401(client, create_book, method, path):
    book = create_book()
    path = path.format(author=book["author_id"], book=book["id"])
    body = {"title": "x"} if method in ("PATCH", "POST") else None
    response = client.request(method, path, json=body)
    assert response.status_code == 401, (
        f"{method} {path} without a token: expected 401, got {describe(response)}"
    )
