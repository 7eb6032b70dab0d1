"""Hidden error-handling checks for library-api."""

import pytest
from conftest import UNKNOWN_ID, assert_error, assert_refused


@pytest.mark.criterion("errors.envelope")
def test_a_403_uses_the_envelope(client, member, unique):
    response = client.post("/authors", json={"name": unique("Author")}, headers=member.headers)
    assert_error(response, 403, "forbidden")


@pytest.mark.criterion("errors.envelope")
def test_a_409_uses_the_envelope(client, admin, create_book, unique):
    book = create_book()
    body = {"title": unique("Title"), "isbn": book["isbn"], "author_id": book["author_id"]}
    assert_error(client.post("/books", json=body, headers=admin.headers), 409, "conflict")


@pytest.mark.criterion("errors.envelope")
@pytest.mark.parametrize("case", ["body", "register", "query"])
def test_invalid_input_is_a_422_validation_error(client, admin, new_email, case):
    response = {
        "body": lambda: client.post("/books", json={"title": 42}, headers=admin.headers),
        "register": lambda: client.post(
            "/auth/register", json={"email": new_email(), "password": "x", "name": "Reader"}
        ),
        "query": lambda: client.get("/authors", params={"per_page": "0"}),
    }[case]()
    error = assert_error(response, 422, "validation_error")
    assert isinstance(error.get("fields"), dict), f"expected error.fields, got {error!r}"


@pytest.mark.criterion("errors.envelope")
def test_a_422_lists_its_fields_as_messages(client, admin):
    error = assert_error(
        client.post("/authors", json={"name": 42}, headers=admin.headers), 422, "validation_error"
    )
    fields = error.get("fields")
    assert isinstance(fields, dict), f"expected error.fields to be an object, got {error!r}"
    assert fields, f"expected error.fields to name the bad field, got {error!r}"
    assert all(isinstance(message, str) for message in fields.values()), (
        f"expected each error.fields value to be a message string, got {fields!r}"
    )


@pytest.mark.criterion("errors.envelope")
def test_a_wrong_password_uses_the_envelope(client, member):
    response = client.post(
        "/auth/login", json={"email": member.email, "password": "not-the-password"}
    )
    assert_error(response, 401, "unauthorized")


@pytest.mark.criterion("errors.not_found")
def test_an_unknown_loan_is_a_json_404(client, member):
    assert_error(client.get(f"/loans/{UNKNOWN_ID}", headers=member.headers), 404, "not_found")


@pytest.mark.criterion("errors.not_found")
@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/health", {"GET"}),
        ("PUT", "/authors", {"GET", "POST"}),
        ("POST", "/me", {"GET"}),
    ],
)
def test_a_wrong_method_is_a_json_405(client, method, path, allowed):
    response = client.request(method, path)
    assert_error(response, 405, "method_not_allowed")
    named = {m.strip().upper() for m in response.headers.get("allow", "").split(",") if m.strip()}
    assert allowed <= named, (
        f"a 405 names the methods the path supports in Allow: expected {sorted(allowed)}, "
        f"got Allow: {response.headers.get('allow')!r}"
    )


@pytest.mark.criterion("errors.malformed")
def test_a_malformed_patch_is_a_400(client, admin, create_book):
    book = create_book()
    headers = {**admin.headers, "Content-Type": "application/json"}
    assert_error(
        client.patch(f"/books/{book['id']}", content=b"{title: x}", headers=headers),
        400,
        "bad_request",
    )


@pytest.mark.criterion("errors.content_type")
def test_a_text_body_is_a_415(client):
    response = client.post(
        "/auth/login",
        content=b'{"email": "a@b.test", "password": "x"}',
        headers={"Content-Type": "text/plain"},
    )
    assert_error(response, 415, "unsupported_media_type")


@pytest.mark.criterion("errors.content_type")
def test_a_body_without_a_content_type_is_a_415(client, member, create_book):
    book = create_book()
    response = client.post(
        "/loans", content=f'{{"book_id": {book["id"]}}}'.encode(), headers=member.headers
    )
    assert_error(response, 415, "unsupported_media_type")


@pytest.mark.criterion("errors.content_type")
def test_a_form_patch_is_a_415(client, member):
    assert_error(
        client.patch("/me", data={"name": "Form"}, headers=member.headers),
        415,
        "unsupported_media_type",
    )


@pytest.mark.criterion("errors.robust")
def test_deeply_nested_json_is_refused(client):
    body = b'{"email": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    headers = {"Content-Type": "application/json"}
    assert_refused(client.post("/auth/register", content=body, headers=headers))


@pytest.mark.criterion("errors.robust")
@pytest.mark.parametrize("author_id", [2**63, 10**30], ids=["2^63", "10^30"])
def test_an_author_id_too_large_for_the_database_is_refused(
    client, admin, new_isbn, unique, author_id
):
    body = {"title": unique("Title"), "isbn": new_isbn(), "author_id": author_id}
    assert_refused(client.post("/books", json=body, headers=admin.headers))


@pytest.mark.criterion("errors.robust")
def test_a_huge_page_number_is_refused(client):
    assert_refused(client.get("/books", params={"page": "9" * 30}))


@pytest.mark.criterion("errors.robust")
def test_a_huge_id_in_a_filter_is_not_a_500(client):
    response = client.get("/books", params={"author_id": "9" * 30})
    if response.status_code != 200:  # 200 with no match is fine, and so is a refusal
        assert_refused(response)


@pytest.mark.criterion("errors.robust")
@pytest.mark.parametrize("value", [b"NaN", b"Infinity", b"1e400"])
def test_non_finite_numbers_are_refused(client, admin, unique, value):
    body = b'{"name": "' + unique("Author").encode() + b'", "birth_year": ' + value + b"}"
    headers = {**admin.headers, "Content-Type": "application/json"}
    assert_refused(client.post("/authors", content=body, headers=headers))
