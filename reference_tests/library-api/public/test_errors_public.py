"""Public error-handling checks for library-api."""

import pytest
from conftest import UNKNOWN_ID, assert_error, assert_refused


@pytest.mark.criterion("errors.envelope")
def test_a_401_uses_the_error_envelope(client):
    assert_error(client.get("/me"), 401, "unauthorized")


@pytest.mark.criterion("errors.not_found")
def test_an_unknown_author_is_a_json_404(client):
    assert_error(client.get(f"/authors/{UNKNOWN_ID}"), 404, "not_found")


@pytest.mark.criterion("errors.malformed")
def test_an_unfinished_json_body_is_a_400(client, admin):
    headers = {**admin.headers, "Content-Type": "application/json"}
    assert_error(
        client.post("/authors", content=b'{"name": "unfinished', headers=headers),
        400,
        "bad_request",
    )


@pytest.mark.criterion("errors.content_type")
def test_a_form_body_is_a_415(client, admin, unique):
    response = client.post("/authors", data={"name": unique("Author")}, headers=admin.headers)
    assert_error(response, 415, "unsupported_media_type")


@pytest.mark.criterion("errors.robust")
def test_a_book_id_too_large_for_the_database_is_refused(client, member):
    # The brief asks for 422 (an unknown book); here any 4xx shows the app did not crash.
    assert_refused(client.post("/loans", json={"book_id": 10**30}, headers=member.headers))


@pytest.mark.criterion("errors.not_found")
@pytest.mark.parametrize(
    "path",
    [
        "/no/such/path",
        "/books/not-a-number",
        f"/books/{UNKNOWN_ID}",
        "/authors/0",
        "/books/99999999999999999999999",
    ],
    ids=["unknown-path", "non-numeric-id", "unknown-book", "id-0", "id-too-large"],
)
def test_not_found_is_a_json_404(client, path):
    assert_error(client.get(path), 404, "not_found")


@pytest.mark.criterion("errors.malformed")
@pytest.mark.parametrize(
    "body",
    [b'{"email": ', b"", b"{'single': 'quotes'}", b'{"name": "\xff\xfe"}'],
    ids=["truncated", "empty", "single-quotes", "not-utf8"],
)
def test_a_body_that_is_not_json_is_a_400(client, body):
    response = client.post(
        "/auth/register", content=body, headers={"Content-Type": "application/json"}
    )
    assert_error(response, 400, "bad_request")
