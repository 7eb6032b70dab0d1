"""Public CRUD checks for library-api: run them against your dev server with --base-url."""

import pytest
from conftest import assert_fields, expect


@pytest.mark.criterion("crud.authors")
def test_admin_creates_an_author(client, admin, unique):
    name = unique("Ursula K. Le Guin")
    author = expect(
        client.post("/authors", json={"name": name, "birth_year": 1929}, headers=admin.headers), 201
    )
    assert isinstance(author.get("id"), int), f"expected an integer id, got {author!r}"
    assert author.get("name") == name, f"expected the name sent, got {author!r}"
    assert author.get("birth_year") == 1929, f"expected birth_year 1929, got {author!r}"


@pytest.mark.criterion("crud.authors")
def test_an_author_reads_back_as_created(client, create_author):
    author = create_author()
    assert_fields(expect(client.get(f"/authors/{author['id']}"), 200), author)


@pytest.mark.criterion("crud.books")
def test_admin_creates_a_book(client, admin, create_author, new_isbn, unique):
    author = create_author()
    body = {
        "title": unique("A Wizard of Earthsea"),
        "isbn": new_isbn(),
        "author_id": author["id"],
        "published_year": 1968,
    }
    book = expect(client.post("/books", json=body, headers=admin.headers), 201)
    assert isinstance(book.get("id"), int), f"expected an integer id, got {book!r}"
    for field, value in body.items():
        assert book.get(field) == value, f"expected {field} {value!r}, got {book!r}"
    assert book.get("available") is True, f"expected a new book to be available, got {book!r}"


@pytest.mark.criterion("crud.books")
def test_a_book_reads_back_as_created(client, create_book):
    book = create_book()
    assert_fields(expect(client.get(f"/books/{book['id']}"), 200), book)


@pytest.mark.criterion("crud.loans")
def test_a_member_borrows_a_book(client, member, create_book):
    book = create_book()
    loan = expect(client.post("/loans", json={"book_id": book["id"]}, headers=member.headers), 201)
    assert isinstance(loan.get("id"), int), f"expected an integer id, got {loan!r}"
    assert loan.get("book_id") == book["id"], f"expected book_id {book['id']}, got {loan!r}"
    assert loan.get("user_id") == member.id, (
        f"expected user_id {member.id} (the borrower), got {loan!r}"
    )
    assert loan.get("returned_at") is None, f"expected returned_at null, got {loan!r}"
    for field in ("borrowed_at", "due_at"):
        assert isinstance(loan.get(field), str), (
            f"expected {field} as an ISO 8601 string, got {loan!r}"
        )


@pytest.mark.criterion("crud.loans")
def test_a_member_returns_their_loan(client, member, create_book, borrow):
    loan = borrow(member, create_book()["id"])
    returned = expect(client.post(f"/loans/{loan['id']}/return", headers=member.headers), 200)
    assert returned.get("id") == loan["id"], f"expected the loan back, got {returned!r}"
    assert isinstance(returned.get("returned_at"), str), (
        f"expected returned_at to be set, got {returned!r}"
    )


@pytest.mark.criterion("crud.authors")
def test_patch_changes_only_the_fields_sent(client, admin, create_author, unique):
    author = create_author(birth_year=1920)
    name = unique("Renamed")
    updated = expect(
        client.patch(f"/authors/{author['id']}", json={"name": name}, headers=admin.headers), 200
    )
    assert_fields(updated, {"id": author["id"], "name": name, "birth_year": 1920})
    assert_fields(
        expect(client.get(f"/authors/{author['id']}"), 200), {"name": name, "birth_year": 1920}
    )


@pytest.mark.criterion("crud.books")
def test_a_deleted_book_is_gone(client, admin, create_book):
    book = create_book()
    expect(client.delete(f"/books/{book['id']}", headers=admin.headers), 204)
    expect(client.get(f"/books/{book['id']}"), 404)
