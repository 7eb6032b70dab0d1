"""Hidden security checks for library-api."""

import base64
import hashlib
import hmac
import json

import pytest
from conftest import MEMBER_PASSWORD, bearer, describe, expect, expect_success

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    "referrer-policy": "no-referrer",
}
HASH_MARKERS = ("pbkdf2:", "scrypt:", "$2a$", "$2b$", "$argon2", "sha256$")


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def jwt_parts(token):
    parts = token.split(".")
    if len(parts) != 3:
        pytest.fail(
            f"expected the access token to be a JWT (header.payload.signature), got {token[:40]!r}",
            pytrace=False,
        )
    return json.loads(unb64url(parts[0])), json.loads(unb64url(parts[1])), parts[2]


def forge(header, payload, key=None):
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(payload).encode())}"
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest() if key else b""
    return f"{signing_input}.{b64url(signature)}"


def secrets_in(value, path="$"):
    """Paths in a JSON value whose key mentions a password or a hash."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if "password" in key.lower() or "hash" in key.lower():
                found.append(f"{path}.{key}")
            found += secrets_in(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += secrets_in(item, f"{path}[{index}]")
    return found


@pytest.mark.criterion("security.no_secrets")
def test_me_and_its_update_never_show_the_password(client, member):
    for response in (
        client.get("/me", headers=member.headers),
        client.patch("/me", json={"name": "New Name"}, headers=member.headers),
    ):
        user = expect(response, 200)
        assert not secrets_in(user), (
            f"expected no password or hash fields, found {secrets_in(user)} in {user!r}"
        )
        assert MEMBER_PASSWORD not in response.text, f"the password came back: {describe(response)}"
        markers = [marker for marker in HASH_MARKERS if marker in response.text]
        assert not markers, (
            f"something like a password hash came back ({markers}): {describe(response)}"
        )


@pytest.mark.criterion("security.no_secrets")
def test_a_duplicate_registration_does_not_echo_the_password(client, member):
    body = {"email": member.email, "password": "another-secret-password", "name": "Twin"}
    response = client.post("/auth/register", json=body)
    assert "another-secret-password" not in response.text, (
        f"the password came back: {describe(response)}"
    )
    leaked = [marker for marker in HASH_MARKERS if marker in response.text]
    assert not leaked, f"a password hash came back ({leaked}): {describe(response)}"


@pytest.mark.criterion("security.no_secrets")
def test_a_refused_password_is_not_echoed(client, new_email):
    body = {"email": new_email(), "password": "short12", "name": "Reader"}
    response = client.post("/auth/register", json=body)
    assert "short12" not in response.text, f"the refused password came back: {describe(response)}"


@pytest.mark.criterion("security.token_caching")
def test_refresh_answers_are_not_cacheable(client, member):
    response = client.post("/auth/refresh", json={"refresh_token": member.refresh_token})
    expect(response, 200)
    assert "no-store" in response.headers.get("cache-control", ""), (
        f"expected Cache-Control: no-store on a refresh answer, "
        f"got {response.headers.get('cache-control')!r}"
    )


@pytest.mark.criterion("security.mass_assignment")
def test_register_cannot_make_an_admin(client, new_email, unique):
    email = new_email()
    body = {
        "email": email,
        "password": MEMBER_PASSWORD,
        "name": "Mallory",
        "role": "admin",
        "is_admin": True,
    }
    response = client.post("/auth/register", json=body)
    assert response.status_code in (201, 422), (
        f"expected 201 (role ignored), got {describe(response)}"
    )
    if response.status_code == 201:
        assert response.json().get("role") == "member", f"register accepted a role: {response.text}"
    tokens = client.post("/auth/login", json={"email": email, "password": MEMBER_PASSWORD})
    if tokens.status_code == 200:
        attempt = client.post(
            "/authors",
            json={"name": unique("Author")},
            headers=bearer(tokens.json()["access_token"]),
        )
        assert attempt.status_code == 403, (
            f"a self-registered 'admin' could create an author: {describe(attempt)}"
        )


@pytest.mark.criterion("security.mass_assignment")
def test_patch_me_cannot_change_the_role_or_the_email(client, member, new_email, unique):
    other_email = new_email()
    client.patch(
        "/me",
        json={"role": "admin", "email": other_email, "name": "Still Me"},
        headers=member.headers,
    )
    me = expect(client.get("/me", headers=member.headers), 200)
    assert me.get("role") == "member", f"PATCH /me changed the role: {me!r}"
    assert me.get("email") == member.email, f"PATCH /me changed the email: {me!r}"
    attempt = client.post("/authors", json={"name": unique("Author")}, headers=member.headers)
    assert attempt.status_code == 403, (
        f"a member who PATCHed role=admin could create an author: {describe(attempt)}"
    )


@pytest.mark.criterion("security.mass_assignment")
def test_a_loan_is_always_the_callers(client, make_member, create_book):
    caller, victim = make_member(), make_member()
    body = {"book_id": create_book()["id"], "user_id": victim.id}
    loan = expect_success(client.post("/loans", json=body, headers=caller.headers), "POST /loans")
    assert loan.get("user_id") == caller.id, (
        f"the loan was made for user {loan.get('user_id')}, not the caller {caller.id}"
    )


@pytest.mark.criterion("security.mass_assignment")
def test_availability_cannot_be_set(client, admin, create_author, new_isbn, unique):
    body = {
        "title": unique("Title"),
        "isbn": new_isbn(),
        "author_id": create_author()["id"],
        "available": False,
    }
    book = expect_success(client.post("/books", json=body, headers=admin.headers), "POST /books")
    assert book.get("available") is True, (
        f"a new book is available whatever the client says, got {book!r}"
    )


@pytest.mark.criterion("security.injection")
def test_sql_shaped_names_are_stored_verbatim(client, admin, unique):
    name = f"' OR 1=1 -- {unique('x')}"
    author = expect_success(
        client.post("/authors", json={"name": name}, headers=admin.headers), "POST /authors"
    )
    assert author.get("name") == name, f"expected the name stored verbatim, got {author!r}"
    assert expect(client.get(f"/authors/{author['id']}"), 200).get("name") == name


@pytest.mark.criterion("security.injection")
def test_a_sql_shaped_filter_matches_literally(client, create_author, unique):
    name = f"O'Brien' OR 1=1 -- {unique('x')}"
    wanted = create_author(name=name)
    create_author()
    page = expect(client.get("/authors", params={"name": name}), 200)
    ids = [item.get("id") for item in page.get("items", [])]
    assert ids == [wanted["id"]], (
        f"?name={name!r}: expected only author {wanted['id']}, "
        f"got {ids} (total {page.get('total')})"
    )


@pytest.mark.criterion("security.injection")
def test_like_wildcards_in_a_filter_match_literally(client, create_author, unique):
    marker = unique("x")
    wanted = create_author(name=f"50% off {marker}")
    create_author(name=f"50 off {marker}")
    page = expect(client.get("/authors", params={"name": f"% off {marker}"}), 200)
    ids = [item.get("id") for item in page.get("items", [])]
    assert ids == [wanted["id"]], (
        f"'%' must match a literal percent sign: expected [{wanted['id']}], got {ids}"
    )


@pytest.mark.criterion("security.injection")
def test_a_drop_table_title_is_just_a_title(client, create_book, unique):
    title = f"Robert'); DROP TABLE books; -- {unique('x')}"
    book = create_book(title=title)
    assert book.get("title") == title, f"expected the title stored verbatim, got {book!r}"
    expect(client.get("/books"), 200)
    assert expect(client.get(f"/books/{book['id']}"), 200).get("title") == title


@pytest.mark.criterion("security.injection")
def test_html_is_returned_as_json_text(client, admin, unique):
    name = f"<script>alert('{unique('x')}')</script>"
    response = client.post("/authors", json={"name": name}, headers=admin.headers)
    author = expect_success(response, "POST /authors")
    assert author.get("name") == name, (
        f"expected the name verbatim (not escaped or stripped), got {author!r}"
    )
    assert response.headers.get("content-type", "").startswith("application/json"), (
        f"expected application/json, got {response.headers.get('content-type')!r}"
    )


@pytest.mark.criterion("security.token_forgery")
def test_a_tampered_token_is_401(client, member):
    header, payload, signature = jwt_parts(member.access_token)
    payload = {**payload, "role": "admin", "is_admin": True}
    tampered = forge(header, payload).rsplit(".", 1)[0] + "." + signature
    expect(client.get("/me", headers=bearer(tampered)), 401)


@pytest.mark.criterion("security.token_forgery")
def test_a_token_signed_with_another_key_is_401(client, member):
    header, payload, _ = jwt_parts(member.access_token)
    expect(client.get("/me", headers=bearer(forge(header, payload, key=b"not-the-secret"))), 401)


@pytest.mark.criterion("security.token_forgery")
@pytest.mark.parametrize("alg", ["none", "None"])
def test_an_unsigned_token_is_401(client, member, alg):
    header, payload, _ = jwt_parts(member.access_token)
    expect(client.get("/me", headers=bearer(forge({**header, "alg": alg}, payload))), 401)
