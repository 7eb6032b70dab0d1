"""Hidden authentication and authorisation checks for library-api."""

import base64
import json
import time

import pytest
from conftest import MEMBER_PASSWORD, bearer, describe, expect


def login(client, email, password):
    return client.post("/auth/login", json={"email": email, "password": password})


@pytest.mark.criterion("auth.accounts")
def test_a_wrong_password_is_401(client, member):
    expect(login(client, member.email, "not-the-password"), 401)


@pytest.mark.criterion("auth.accounts")
def test_an_unknown_email_is_401(client, new_email):
    expect(login(client, new_email(), MEMBER_PASSWORD), 401)


@pytest.mark.criterion("auth.accounts")
def test_login_says_how_long_the_access_token_lasts(client, member):
    tokens = expect(login(client, member.email, MEMBER_PASSWORD), 200)
    assert tokens.get("token_type") == "Bearer", f"expected token_type 'Bearer', got {tokens!r}"
    expires_in = tokens.get("expires_in")
    assert isinstance(expires_in, int), f"expected expires_in as an integer, got {tokens!r}"
    assert expires_in > 0, f"expected expires_in > 0 seconds, got {expires_in}"


@pytest.mark.criterion("auth.tokens")
def test_a_401_says_bearer_in_www_authenticate(client):
    response = client.get("/me")
    expect(response, 401)
    challenge = response.headers.get("www-authenticate", "")
    assert challenge.lower().startswith("bearer"), (
        f"expected WWW-Authenticate: Bearer, got {challenge!r}"
    )


@pytest.mark.criterion("auth.tokens")
def test_an_access_token_is_not_a_refresh_token(client, member):
    expect(client.post("/auth/refresh", json={"refresh_token": member.access_token}), 401)


@pytest.mark.criterion("auth.tokens")
def test_a_refresh_token_is_not_an_access_token(client, member):
    expect(client.get("/me", headers=bearer(member.refresh_token)), 401)


@pytest.mark.criterion("auth.tokens")
def test_refresh_with_garbage_is_401(client):
    expect(client.post("/auth/refresh", json={"refresh_token": "not-a-token"}), 401)


@pytest.mark.criterion("auth.logout")
def test_logout_revokes_the_refresh_token(client, member):
    expect(client.post("/auth/logout", headers=member.headers), 204)
    expect(client.post("/auth/refresh", json={"refresh_token": member.refresh_token}), 401)


@pytest.mark.criterion("auth.logout")
def test_logout_revokes_access_tokens_refreshed_from_that_login(client, member):
    tokens = expect(client.post("/auth/refresh", json={"refresh_token": member.refresh_token}), 200)
    refreshed = bearer(tokens.get("access_token", ""))
    expect(client.post("/auth/logout", headers=member.headers), 204)
    response = client.get("/me", headers=refreshed)
    assert response.status_code == 401, (
        f"an access token refreshed from a login that then logged out: expected 401, "
        f"got {describe(response)}"
    )


@pytest.mark.criterion("auth.logout")
def test_logout_needs_a_token(client):
    expect(client.post("/auth/logout"), 401)


@pytest.mark.criterion("auth.public_read")
def test_the_catalogue_is_public_to_read(client, create_book):
    book = create_book()
    for path in ("/authors", "/books", f"/authors/{book['author_id']}", f"/books/{book['id']}"):
        expect(client.get(path), 200)


@pytest.mark.criterion("auth.roles")
@pytest.mark.parametrize(
    ("method", "target"),
    [
        ("PATCH", "author"),
        ("DELETE", "author"),
        ("POST", "books"),
        ("PATCH", "book"),
        ("DELETE", "book"),
    ],
)
def test_members_cannot_manage_the_catalogue(client, member, create_book, unique, method, target):
    book = create_book()
    path = {
        "author": f"/authors/{book['author_id']}",
        "book": f"/books/{book['id']}",
        "books": "/books",
    }[target]
    body = {"title": unique("Title"), "name": unique("Name")} if method != "DELETE" else None
    response = client.request(method, path, json=body, headers=member.headers)
    assert response.status_code == 403, (
        f"a member's {method} {path}: expected 403, got {describe(response)}"
    )
    expect(client.get(f"/books/{book['id']}"), 200)


@pytest.mark.criterion("auth.public_read")
def test_an_admin_sees_a_members_loan(client, admin, member, create_book, borrow):
    loan = borrow(member, create_book()["id"])
    shown = expect(client.get(f"/loans/{loan['id']}", headers=admin.headers), 200)
    assert shown.get("user_id") == member.id, f"expected the member's loan, got {shown!r}"


@pytest.mark.criterion("auth.ownership")
def test_a_member_cannot_return_another_members_loan(client, make_member, create_book, borrow):
    owner, other = make_member(), make_member()
    loan = borrow(owner, create_book()["id"])
    response = client.post(f"/loans/{loan['id']}/return", headers=other.headers)
    assert response.status_code == 404, (
        f"returning someone else's loan: expected 404, got {describe(response)}"
    )
    shown = expect(client.get(f"/loans/{loan['id']}", headers=owner.headers), 200)
    assert shown.get("returned_at") is None, f"someone else returned the owner's loan: {shown!r}"


@pytest.mark.criterion("auth.ownership")
def test_a_members_list_holds_only_their_loans(client, make_member, create_book, borrow):
    owner, other = make_member(), make_member()
    borrow(owner, create_book()["id"])
    mine = borrow(other, create_book()["id"])
    page = expect(client.get("/loans", headers=other.headers), 200)
    users = {item.get("user_id") for item in page.get("items", [])}
    ids = [item.get("id") for item in page.get("items", [])]
    assert users == {other.id}, (
        f"expected only the caller's loans (user {other.id}), got users {users}"
    )
    assert ids == [mine["id"]], f"expected only loan {mine['id']}, got {ids}"


@pytest.mark.criterion("auth.ownership")
@pytest.mark.parametrize("query", ["book_id", "active"])
def test_a_members_filtered_list_holds_only_their_loans(
    client, make_member, create_book, borrow, query
):
    owner, other = make_member(), make_member()
    book = create_book()
    borrow(owner, book["id"])
    params = {"book_id": book["id"]} if query == "book_id" else {"active": "true"}
    page = expect(client.get("/loans", params=params, headers=other.headers), 200)
    users = {item.get("user_id") for item in page.get("items", [])}
    assert users <= {other.id}, (
        f"GET /loans?{query}=... as another member must list only the caller's loans, "
        f"got loans of users {users}"
    )  # (the page's total is graded under pagination, not here)


@pytest.mark.criterion("auth.public_read")
def test_an_admin_lists_everyones_loans_of_a_book(client, admin, make_member, create_book, borrow):
    book = create_book()
    earlier = make_member()
    first = borrow(earlier, book["id"])
    expect(client.post(f"/loans/{first['id']}/return", headers=earlier.headers), 200)
    second = borrow(make_member(), book["id"])
    page = expect(client.get("/loans", params={"book_id": book["id"]}, headers=admin.headers), 200)
    ids = sorted(item.get("id") for item in page.get("items", []))
    assert ids == sorted([first["id"], second["id"]]), (
        f"two members borrowed book {book['id']}: the admin should see both loans, got {ids}"
    )


@pytest.mark.criterion("auth.rate_limit")
def test_the_limit_is_per_email(client, make_member):
    limited, other = make_member(), make_member()
    for _ in range(6):
        login(client, limited.email, "not-the-password")
    expect(login(client, limited.email, MEMBER_PASSWORD), 429)
    response = login(client, other.email, MEMBER_PASSWORD)
    assert response.status_code == 200, (
        f"another email must not be limited: got {describe(response)}"
    )


@pytest.mark.criterion("auth.rate_limit")
def test_unknown_emails_are_limited_too(client, new_email):
    email = new_email()
    for _ in range(5):
        expect(login(client, email, "whatever-password"), 401)
    expect(login(client, email, "whatever-password"), 429)


@pytest.mark.criterion("auth.rate_limit")
def test_retry_after_is_the_time_left_in_the_window(client, member):
    for _ in range(5):
        expect(login(client, member.email, "not-the-password"), 401)
    limited = login(client, member.email, MEMBER_PASSWORD)
    assert limited.status_code == 429, f"expected 429, got {describe(limited)}"
    retry_after = limited.headers.get("retry-after", "")
    assert retry_after.isdigit(), f"expected Retry-After in whole seconds, got {retry_after!r}"
    assert 45 <= int(retry_after) <= 60, (
        "right after five failures a login is accepted again only when the first of them is "
        f"60 s old: expected Retry-After near 60, got {retry_after!r}"
    )


@pytest.mark.criterion("auth.tokens")
def test_tokens_last_as_long_as_the_brief_says(client, member):
    tokens = expect(login(client, member.email, MEMBER_PASSWORD), 200)
    now = time.time()
    for kind, lasts in (("access_token", 15 * 60), ("refresh_token", 7 * 24 * 3600)):
        expires = jwt_claims(tokens.get(kind, "")).get("exp")
        if not isinstance(expires, int | float):  # no exp claim: expiry kept elsewhere
            continue
        assert abs(expires - now - lasts) <= 120, (
            f"the {kind} should last {lasts} s, but its exp is {expires - now:.0f} s away"
        )


def jwt_claims(token: str) -> dict:
    """A JWT's payload, read without checking it (the claims, not the signature, are judged)."""
    try:
        payload = token.split(".")[1]
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


@pytest.mark.criterion("auth.rate_limit")
def test_a_successful_login_does_not_reset_the_count(client, member):
    for _ in range(4):
        expect(login(client, member.email, "not-the-password"), 401)
    expect(login(client, member.email, MEMBER_PASSWORD), 200)
    expect(login(client, member.email, "not-the-password"), 401)  # the fifth failure
    response = login(client, member.email, MEMBER_PASSWORD)
    assert response.status_code == 429, (
        "successful logins neither count nor reset the count: after 5 failures within 60 s "
        f"the right password is refused, got {describe(response)}"
    )


@pytest.mark.criterion("auth.rate_limit")
def test_four_failures_do_not_block_the_right_password(client, member):
    for _ in range(4):
        expect(login(client, member.email, "not-the-password"), 401)
    response = login(client, member.email, MEMBER_PASSWORD)
    assert response.status_code == 200, (
        f"after only 4 failures the right password must work, got {describe(response)}"
    )
