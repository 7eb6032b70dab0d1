"""Hidden CRUD checks for library-api."""

import pytest
from conftest import assert_fields, expect


def ids_in(page):
    items = page.get("items") if isinstance(page, dict) else None
    assert isinstance(items, list), f"expected {{'items': [...], ...}}, got {page!r}"
    return [item.get("id") for item in items]


@pytest.mark.criterion("crud.authors")
def test_birth_year_is_optional_and_null_by_default(client, admin, unique):
    author = expect(
        client.post("/authors", json={"name": unique("Anonymous")}, headers=admin.headers), 201
    )
    assert "birth_year" in author, f"expected birth_year in the author, got {author!r}"
    assert author["birth_year"] is None, f"expected birth_year null, got {author!r}"


@pytest.mark.criterion("crud.authors")
def test_a_deleted_author_is_gone(client, admin, create_author):
    author = create_author()
    expect(client.delete(f"/authors/{author['id']}", headers=admin.headers), 204)
    expect(client.get(f"/authors/{author['id']}"), 404)


@pytest.mark.criterion("crud.authors")
def test_a_new_author_is_on_the_first_page_of_the_list(client, create_author):
    author = create_author()
    assert author["id"] in ids_in(expect(client.get("/authors"), 200)), (
        f"author {author['id']} was just created: expected it on the first page (newest first)"
    )


@pytest.mark.criterion("crud.books")
def test_published_year_is_optional_and_null_by_default(
    client, admin, create_author, new_isbn, unique
):
    body = {"title": unique("Undated"), "isbn": new_isbn(), "author_id": create_author()["id"]}
    book = expect(client.post("/books", json=body, headers=admin.headers), 201)
    assert "published_year" in book, f"expected published_year in the book, got {book!r}"
    assert book["published_year"] is None, f"expected published_year null, got {book!r}"


@pytest.mark.criterion("crud.books")
def test_patch_updates_a_book(client, admin, create_book, create_author, unique):
    book = create_book()
    changes = {
        "title": unique("New Title"),
        "published_year": 2001,
        "author_id": create_author()["id"],
    }
    updated = expect(client.patch(f"/books/{book['id']}", json=changes, headers=admin.headers), 200)
    assert_fields(updated, {**changes, "id": book["id"], "isbn": book["isbn"]})
    assert_fields(expect(client.get(f"/books/{book['id']}"), 200), changes)


@pytest.mark.criterion("crud.books")
def test_a_new_book_is_on_the_first_page_of_the_list(client, create_book):
    book = create_book()
    assert book["id"] in ids_in(expect(client.get("/books"), 200)), (
        f"book {book['id']} was just created: expected it on the first page (newest first)"
    )


@pytest.mark.criterion("crud.loans")
def test_a_member_reads_their_loan(client, member, create_book, borrow):
    loan = borrow(member, create_book()["id"])
    assert_fields(expect(client.get(f"/loans/{loan['id']}", headers=member.headers), 200), loan)


@pytest.mark.criterion("crud.loans")
def test_a_member_lists_their_loans(client, member, create_book, borrow):
    first, second = borrow(member, create_book()["id"]), borrow(member, create_book()["id"])
    ids = ids_in(expect(client.get("/loans", headers=member.headers), 200))
    assert sorted(ids) == sorted([first["id"], second["id"]]), (
        f"a new member borrowed {first['id']} and {second['id']}: expected exactly those, got {ids}"
    )


@pytest.mark.criterion("crud.loans")
def test_a_returned_book_is_available_again(client, member, create_book, borrow):
    book = create_book()
    loan = borrow(member, book["id"])
    expect(client.post(f"/loans/{loan['id']}/return", headers=member.headers), 200)
    shown = expect(client.get(f"/loans/{loan['id']}", headers=member.headers), 200)
    assert isinstance(shown.get("returned_at"), str), f"expected returned_at set, got {shown!r}"
    assert expect(client.get(f"/books/{book['id']}"), 200).get("available") is True, (
        "expected the book to be available again after its loan was returned"
    )


@pytest.mark.criterion("crud.books")
def test_published_year_may_be_sent_as_null(client, admin, create_author, new_isbn, unique):
    body = {"title": unique("Title"), "isbn": new_isbn(), "author_id": create_author()["id"],
            "published_year": None}  # fmt: skip
    created = expect(client.post("/books", json=body, headers=admin.headers), 201)
    assert created.get("published_year") is None, f"expected published_year null, got {created!r}"


@pytest.mark.criterion("crud.authors")
def test_unknown_fields_are_ignored_even_large_ones(client, admin, unique):
    name = unique("Author")
    body = {"name": name, "biography": "x" * 300_000}  # well under the 1 MiB a body may be
    created = expect(client.post("/authors", json=body, headers=admin.headers), 201)
    assert created.get("name") == name, f"expected the author {name!r}, got {created!r}"


@pytest.mark.criterion("crud.authors")
def test_patch_can_clear_a_birth_year(client, admin, create_author):
    author = create_author(birth_year=1929)
    path = f"/authors/{author['id']}"
    updated = expect(client.patch(path, json={"birth_year": None}, headers=admin.headers), 200)
    assert updated.get("birth_year") is None, f"PATCH with birth_year null answered {updated!r}"
    shown = expect(client.get(path), 200)
    assert shown.get("birth_year") is None, f"birth_year null was not stored: {shown!r}"
