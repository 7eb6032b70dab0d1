"""Public business-rule checks for library-api."""

import pytest
from conftest import MEMBER_PASSWORD, expect


@pytest.mark.criterion("business_rules.unique_isbn")
def test_a_second_book_with_the_same_isbn_is_a_409(client, admin, create_book, unique):
    book = create_book()
    body = {"title": unique("Another Title"), "isbn": book["isbn"], "author_id": book["author_id"]}
    expect(client.post("/books", json=body, headers=admin.headers), 409)


@pytest.mark.criterion("business_rules.one_open_loan")
def test_a_book_on_loan_cannot_be_borrowed_by_someone_else(
    client, make_member, create_book, borrow
):
    book = create_book()
    borrow(make_member(), book["id"])
    other = make_member()
    expect(client.post("/loans", json={"book_id": book["id"]}, headers=other.headers), 409)


@pytest.mark.criterion("business_rules.return_once")
def test_a_loan_cannot_be_returned_twice(client, member, create_book, borrow):
    loan = borrow(member, create_book()["id"])
    expect(client.post(f"/loans/{loan['id']}/return", headers=member.headers), 200)
    expect(client.post(f"/loans/{loan['id']}/return", headers=member.headers), 409)


@pytest.mark.criterion("business_rules.author_with_books")
def test_an_author_with_books_cannot_be_deleted(client, admin, create_book):
    book = create_book()
    expect(client.delete(f"/authors/{book['author_id']}", headers=admin.headers), 409)


@pytest.mark.criterion("business_rules.unique_email")
def test_an_email_can_register_once(client, member):
    body = {"email": member.email, "password": MEMBER_PASSWORD, "name": "Twin"}
    expect(client.post("/auth/register", json=body), 409)
