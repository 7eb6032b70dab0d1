"""Hidden business-rule checks for library-api."""

from datetime import UTC, datetime, timedelta

import pytest
from conftest import MEMBER_PASSWORD, describe, expect, expect_success


def moment(value, what):
    assert isinstance(value, str), f"expected {what} as an ISO 8601 string, got {value!r}"
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        pytest.fail(f"expected {what} as an ISO 8601 date-time, got {value!r}", pytrace=False)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@pytest.mark.criterion("business_rules.unique_isbn")
def test_patch_cannot_take_another_books_isbn(client, admin, create_book):
    first, second = create_book(), create_book()
    response = client.patch(
        f"/books/{second['id']}", json={"isbn": first["isbn"]}, headers=admin.headers
    )
    expect(response, 409)
    assert expect(client.get(f"/books/{second['id']}"), 200).get("isbn") == second["isbn"], (
        "the refused PATCH changed the ISBN"
    )


@pytest.mark.criterion("business_rules.unique_isbn")
def test_a_book_keeps_its_own_isbn_without_conflict(client, admin, create_book):
    book = create_book()
    expect(
        client.patch(
            f"/books/{book['id']}",
            json={"isbn": book["isbn"], "title": book["title"]},
            headers=admin.headers,
        ),
        200,
    )


@pytest.mark.criterion("business_rules.unique_isbn")
def test_a_refused_duplicate_is_not_stored(client, admin, create_book, create_author, unique):
    book = create_book()
    other_author = create_author()
    body = {"title": unique("Title"), "isbn": book["isbn"], "author_id": other_author["id"]}
    expect(client.post("/books", json=body, headers=admin.headers), 409)
    page = expect(client.get("/books", params={"author_id": other_author["id"]}), 200)
    assert page.get("items") == [], f"the refused book was stored anyway: {page!r}"


@pytest.mark.criterion("business_rules.one_open_loan")
def test_a_member_cannot_borrow_the_same_book_twice(client, member, create_book, borrow):
    book = create_book()
    borrow(member, book["id"])
    expect(client.post("/loans", json={"book_id": book["id"]}, headers=member.headers), 409)


@pytest.mark.criterion("business_rules.one_open_loan")
def test_a_returned_book_can_be_borrowed_again(client, make_member, create_book, borrow):
    book, first, second = create_book(), make_member(), make_member()
    loan = borrow(first, book["id"])
    assert expect(client.get(f"/books/{book['id']}"), 200).get("available") is False, (
        "expected available false while on loan"
    )
    expect(client.post(f"/loans/{loan['id']}/return", headers=first.headers), 200)
    again = client.post("/loans", json={"book_id": book["id"]}, headers=second.headers)
    expect_success(again, "borrowing a returned book")


@pytest.mark.criterion("business_rules.return_once")
def test_a_loan_an_admin_returned_cannot_be_returned_by_its_borrower(
    client, admin, member, create_book, borrow
):
    loan = borrow(member, create_book()["id"])
    expect(client.post(f"/loans/{loan['id']}/return", headers=admin.headers), 200)
    response = client.post(f"/loans/{loan['id']}/return", headers=member.headers)
    assert response.status_code == 409, (
        f"the admin already returned this loan: expected 409, got {describe(response)}"
    )


@pytest.mark.criterion("business_rules.author_with_books")
def test_a_refused_delete_keeps_the_author_and_the_books(client, admin, create_book):
    book = create_book()
    expect(client.delete(f"/authors/{book['author_id']}", headers=admin.headers), 409)
    expect(client.get(f"/authors/{book['author_id']}"), 200)
    expect(client.get(f"/books/{book['id']}"), 200)


@pytest.mark.criterion("business_rules.author_with_books")
def test_an_author_can_be_deleted_once_their_books_are(client, admin, create_book):
    book = create_book()
    expect(client.delete(f"/books/{book['id']}", headers=admin.headers), 204)
    expect(client.delete(f"/authors/{book['author_id']}", headers=admin.headers), 204)


@pytest.mark.criterion("business_rules.author_with_books")
def test_an_author_without_books_is_deleted_whoever_else_has_books(
    client, admin, create_author, create_book
):
    lonely = create_author()
    create_book()  # another author, created later, with a book
    response = client.delete(f"/authors/{lonely['id']}", headers=admin.headers)
    assert response.status_code == 204, (
        f"an author with no book of their own must be deletable, got {describe(response)}"
    )


@pytest.mark.criterion("business_rules.book_on_loan")
def test_a_book_on_loan_cannot_be_deleted(client, admin, member, create_book, borrow):
    book = create_book()
    borrow(member, book["id"])
    expect(client.delete(f"/books/{book['id']}", headers=admin.headers), 409)
    expect(client.get(f"/books/{book['id']}"), 200)


@pytest.mark.criterion("business_rules.book_on_loan")
def test_a_returned_book_can_be_deleted(client, admin, member, create_book, borrow):
    book = create_book()
    loan = borrow(member, book["id"])
    expect(client.post(f"/loans/{loan['id']}/return", headers=member.headers), 200)
    expect(client.delete(f"/books/{book['id']}", headers=admin.headers), 204)


@pytest.mark.criterion("business_rules.unique_email")
def test_emails_that_differ_only_in_case_are_the_same(client, member):
    body = {"email": member.email.upper(), "password": MEMBER_PASSWORD, "name": "Loud Twin"}
    response = client.post("/auth/register", json=body)
    assert response.status_code == 409, (
        f"{member.email.upper()} is {member.email}: expected 409, got {describe(response)}"
    )


@pytest.mark.criterion("business_rules.due_date")
def test_a_loan_is_due_14_days_after_it_was_borrowed(member, create_book, borrow):
    loan = borrow(member, create_book()["id"])
    borrowed, due = (
        moment(loan.get("borrowed_at"), "borrowed_at"),
        moment(loan.get("due_at"), "due_at"),
    )
    assert abs(due - borrowed - timedelta(days=14)) <= timedelta(seconds=1), (
        f"expected due_at 14 days after borrowed_at, "
        f"got {loan.get('borrowed_at')} -> {loan.get('due_at')}"
    )
    assert abs(datetime.now(UTC) - borrowed) <= timedelta(minutes=5), (
        f"expected borrowed_at to be now (UTC), got {loan.get('borrowed_at')}"
    )


@pytest.mark.criterion("business_rules.due_date")
def test_returned_at_is_when_it_was_returned(client, member, create_book, borrow):
    loan = borrow(member, create_book()["id"])
    returned = expect(client.post(f"/loans/{loan['id']}/return", headers=member.headers), 200)
    returned_at = moment(returned.get("returned_at"), "returned_at")
    assert returned_at >= moment(loan.get("borrowed_at"), "borrowed_at"), (
        f"returned before it was borrowed: {returned!r}"
    )
    assert abs(datetime.now(UTC) - returned_at) <= timedelta(minutes=5), (
        f"expected returned_at to be now (UTC), got {returned.get('returned_at')}"
    )
