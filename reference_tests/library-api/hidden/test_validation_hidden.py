"""Hidden validation checks for library-api."""

import pytest
from conftest import UNKNOWN_ID, assert_field_error, assert_invalid, expect


@pytest.mark.criterion("validation.required")
@pytest.mark.parametrize(
    ("path", "who", "fields"),
    [
        ("/books", "admin", ["title", "isbn", "author_id"]),
        ("/loans", "member", ["book_id"]),
        ("/auth/register", "anyone", ["email", "password", "name"]),
        ("/auth/login", "anyone", ["email", "password"]),
    ],
)
def test_an_empty_body_names_every_required_field(client, admin, member, path, who, fields):
    headers = {"admin": admin.headers, "member": member.headers, "anyone": {}}[who]
    named = assert_invalid(client.post(path, json={}, headers=headers))
    missing = [field for field in fields if field not in named]
    assert not missing, (
        f"POST {path} with {{}}: expected error.fields to name {fields}, got {named!r}"
    )


@pytest.mark.criterion("validation.required")
def test_a_book_needs_a_title(client, admin, create_author, new_isbn):
    body = {"isbn": new_isbn(), "author_id": create_author()["id"]}
    assert_field_error(client.post("/books", json=body, headers=admin.headers), "title")


@pytest.mark.criterion("validation.types")
@pytest.mark.parametrize(
    ("field", "value"),
    [("title", 42), ("title", "x" * 301), ("published_year", "1969"), ("published_year", 3000)],
    ids=["title-number", "title-301", "year-string", "year-future"],
)
def test_a_bad_book_field_is_refused(client, admin, create_author, new_isbn, unique, field, value):
    body = {
        "title": unique("Title"),
        "isbn": new_isbn(),
        "author_id": create_author()["id"],
        field: value,
    }
    assert_field_error(client.post("/books", json=body, headers=admin.headers), field)


@pytest.mark.criterion("validation.types")
@pytest.mark.parametrize("name", ["", "   "], ids=["empty", "blank"])
def test_patch_validates_what_it_is_sent(client, admin, create_author, name):
    author = create_author()
    assert_field_error(
        client.patch(f"/authors/{author['id']}", json={"name": name}, headers=admin.headers),
        "name",
    )
    shown = expect(client.get(f"/authors/{author['id']}"), 200)
    assert shown.get("name") == author["name"], f"a refused PATCH changed the author: {shown!r}"


@pytest.mark.criterion("validation.types")
def test_a_json_array_is_not_an_object(client, admin):
    assert_invalid(client.post("/authors", json=[{"name": "x"}], headers=admin.headers))


@pytest.mark.criterion("validation.isbn")
@pytest.mark.parametrize(
    "isbn",
    [
        "978-0-306-40615-7",
        "978030640615",
        "97803064061577",
        "97803064061X7",
        9780306406157,
        "0306406152",
        "",
    ],
    ids=["hyphens", "12-digits", "14-digits", "letter", "number", "isbn-10", "empty"],
)
def test_an_isbn_that_is_not_13_digits_is_refused(client, admin, create_author, unique, isbn):
    body = {"title": unique("Title"), "isbn": isbn, "author_id": create_author()["id"]}
    assert_field_error(client.post("/books", json=body, headers=admin.headers), "isbn")


@pytest.mark.criterion("validation.isbn")
@pytest.mark.parametrize("isbn", ["9780306406158", "9780553383040", "9791032305691"])
def test_known_isbns_with_a_wrong_check_digit_are_refused(
    client, admin, create_author, unique, isbn
):
    body = {"title": unique("Title"), "isbn": isbn, "author_id": create_author()["id"]}
    assert_field_error(client.post("/books", json=body, headers=admin.headers), "isbn")


@pytest.mark.criterion("validation.isbn")
def test_patch_checks_the_isbn_too(client, admin, create_book):
    book = create_book()
    wrong = book["isbn"][:12] + str((int(book["isbn"][12]) + 5) % 10)
    assert_field_error(
        client.patch(f"/books/{book['id']}", json={"isbn": wrong}, headers=admin.headers), "isbn"
    )


@pytest.mark.criterion("validation.references")
def test_a_loan_needs_an_existing_book(client, member):
    assert_field_error(
        client.post("/loans", json={"book_id": UNKNOWN_ID}, headers=member.headers), "book_id"
    )


@pytest.mark.criterion("validation.references")
def test_an_author_id_must_be_an_integer(client, admin, create_author, new_isbn, unique):
    body = {"title": unique("Title"), "isbn": new_isbn(), "author_id": str(create_author()["id"])}
    assert_field_error(client.post("/books", json=body, headers=admin.headers), "author_id")


@pytest.mark.criterion("validation.references")
def test_patch_cannot_move_a_book_to_an_unknown_author(client, admin, create_book):
    book = create_book()
    response = client.patch(
        f"/books/{book['id']}", json={"author_id": UNKNOWN_ID}, headers=admin.headers
    )
    assert_field_error(response, "author_id")


@pytest.mark.criterion("validation.accounts")
@pytest.mark.parametrize(
    "email",
    ["not-an-email", "reader@localhost", "two@@example.test", "a@b@example.test", "", 42],
    ids=["no-at", "no-dot", "two-ats", "two-separate-ats", "empty", "number"],
)
def test_a_bad_email_is_refused(client, email):
    body = {"email": email, "password": "long-enough-password", "name": "Reader"}
    assert_field_error(client.post("/auth/register", json=body), "email")


@pytest.mark.criterion("validation.accounts")
@pytest.mark.parametrize(
    ("field", "value"),
    [("password", "x" * 129), ("password", 12345678), ("name", ""), ("name", "n" * 101)],
)
def test_a_bad_password_or_name_is_refused(client, new_email, field, value):
    body = {
        "email": new_email(),
        "password": "long-enough-password",
        "name": "Reader",
        field: value,
    }
    assert_field_error(client.post("/auth/register", json=body), field)


@pytest.mark.criterion("validation.query")
@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/books", {"page": "0"}, "page"),
        ("/books", {"page": "-1"}, "page"),
        ("/books", {"page": "two"}, "page"),
        ("/books", {"page": "100001"}, "page"),
        ("/books", {"per_page": "0"}, "per_page"),
        ("/authors", {"per_page": "1.5"}, "per_page"),
        ("/books", {"available": "maybe"}, "available"),
        ("/books", {"author_id": "abc"}, "author_id"),
    ],
    ids=[
        "page-0",
        "page-negative",
        "page-word",
        "page-too-big",
        "per_page-0",
        "per_page-float",
        "available-maybe",
        "author_id-word",
    ],
)
def test_a_bad_query_parameter_is_refused(client, path, params, field):
    assert_field_error(client.get(path, params=params), field)


@pytest.mark.criterion("validation.query")
def test_a_bad_loan_filter_is_refused(client, member):
    assert_field_error(
        client.get("/loans", params={"active": "yes"}, headers=member.headers), "active"
    )


@pytest.mark.criterion("validation.accounts")
def test_an_email_of_254_characters_is_accepted(client, unique):
    local = unique("r").replace("-", "")
    email = local + "@" + "d" * (254 - len(local) - len("@.test")) + ".test"
    assert len(email) == 254
    body = {"email": email, "password": "long-enough-password", "name": "Reader"}
    expect(client.post("/auth/register", json=body), 201)


@pytest.mark.criterion("validation.query")
@pytest.mark.parametrize(
    ("path", "field", "longest"), [("/authors", "name", 200), ("/books", "title", 300)]
)
def test_a_filter_as_long_as_the_contract_allows_is_accepted(client, path, field, longest):
    page = expect(client.get(path, params={field: "z" * longest}), 200)
    assert page.get("items") == [], f"expected an empty page, got {page!r}"
