"""Public validation checks for library-api."""

import pytest
from conftest import UNKNOWN_ID, assert_field_error


@pytest.mark.criterion("validation.required")
def test_an_author_needs_a_name(client, admin):
    assert_field_error(
        client.post("/authors", json={"birth_year": 1950}, headers=admin.headers), "name"
    )


@pytest.mark.criterion("validation.types")
def test_a_birth_year_must_be_an_integer(client, admin, unique):
    body = {"name": unique("Author"), "birth_year": "1950"}
    assert_field_error(client.post("/authors", json=body, headers=admin.headers), "birth_year")


@pytest.mark.criterion("validation.isbn")
def test_an_isbn_with_a_wrong_check_digit_is_refused(
    client, admin, create_author, new_isbn, unique
):
    isbn = new_isbn()
    wrong = isbn[:12] + str((int(isbn[12]) + 1) % 10)
    body = {"title": unique("Title"), "isbn": wrong, "author_id": create_author()["id"]}
    assert_field_error(client.post("/books", json=body, headers=admin.headers), "isbn")


@pytest.mark.criterion("validation.references")
def test_a_book_needs_an_existing_author(client, admin, new_isbn, unique):
    body = {"title": unique("Title"), "isbn": new_isbn(), "author_id": UNKNOWN_ID}
    assert_field_error(client.post("/books", json=body, headers=admin.headers), "author_id")


@pytest.mark.criterion("validation.accounts")
def test_a_password_shorter_than_8_characters_is_refused(client, new_email):
    body = {"email": new_email(), "password": "1234567", "name": "Short Password"}
    assert_field_error(client.post("/auth/register", json=body), "password")


@pytest.mark.criterion("validation.query")
def test_per_page_above_100_is_refused(client):
    assert_field_error(client.get("/books", params={"per_page": 101}), "per_page")


@pytest.mark.criterion("validation.types")
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", 42),
        ("name", ""),
        ("name", "   "),
        ("name", "x" * 201),
        ("name", None),
        ("birth_year", 1929.5),
        ("birth_year", True),
        ("birth_year", 0),
        ("birth_year", 2999),
    ],
    ids=[
        "name-number",
        "name-empty",
        "name-blank",
        "name-201",
        "name-null",
        "year-float",
        "year-bool",
        "year-0",
        "year-future",
    ],
)
def test_a_bad_author_field_is_refused(client, admin, unique, field, value):
    body = {"name": unique("Author"), "birth_year": 1950, field: value}
    assert_field_error(client.post("/authors", json=body, headers=admin.headers), field)
