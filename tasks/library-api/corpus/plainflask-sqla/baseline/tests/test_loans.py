from datetime import datetime

from .conftest import auth


def _borrow(client, headers, book_id):
    return client.post("/loans", json={"book_id": book_id}, headers=headers)


def test_borrow_and_return(client, member_tokens, book):
    user, tokens = member_tokens()
    created = book()
    response = _borrow(client, auth(tokens), created["id"])
    assert response.status_code == 201
    loan = response.get_json()
    assert loan["user_id"] == user["id"]
    assert response.headers["Location"] == f"/loans/{loan['id']}"
    borrowed = datetime.fromisoformat(loan["borrowed_at"])
    due = datetime.fromisoformat(loan["due_at"])
    assert (due - borrowed).days == 14
    assert client.get(f"/books/{created['id']}").get_json()["available"] is False
    returned = client.post(f"/loans/{loan['id']}/return", headers=auth(tokens))
    assert returned.status_code == 200
    assert returned.get_json()["returned_at"].endswith("Z")
    again = client.post(f"/loans/{loan['id']}/return", headers=auth(tokens))
    assert again.status_code == 409
    assert client.get(f"/books/{created['id']}").get_json()["available"] is True


def test_user_id_is_ignored(client, member_tokens, book):
    user, tokens = member_tokens()
    body = {"book_id": book()["id"], "user_id": 1}
    loan = client.post("/loans", json=body, headers=auth(tokens)).get_json()
    assert loan["user_id"] == user["id"]


def test_a_book_on_loan_cannot_be_borrowed_or_deleted(client, admin, member, book):
    created = book()
    assert _borrow(client, member, created["id"]).status_code == 201
    assert _borrow(client, admin, created["id"]).status_code == 409
    assert client.delete(f"/books/{created['id']}", headers=admin).status_code == 409


def test_deleting_a_book_deletes_its_past_loans(client, admin, member, book):
    created = book()
    loan = _borrow(client, member, created["id"]).get_json()
    client.post(f"/loans/{loan['id']}/return", headers=member)
    assert client.delete(f"/books/{created['id']}", headers=admin).status_code == 204
    assert client.get(f"/loans/{loan['id']}", headers=admin).status_code == 404


def test_loan_validation(client, member):
    for body, problem in (({}, "is required"), ({"book_id": "1"}, "must be an integer")):
        response = client.post("/loans", json=body, headers=member)
        assert response.status_code == 422
        assert response.get_json()["error"]["fields"]["book_id"] == problem
    assert _borrow(client, member, 10**30).status_code == 422
    assert _borrow(client, member, 0).status_code == 422


def test_other_members_loans_are_invisible(client, admin, member_tokens, book):
    _, owner = member_tokens()
    _, other = member_tokens()
    loan = _borrow(client, auth(owner), book()["id"]).get_json()
    assert client.get(f"/loans/{loan['id']}", headers=auth(other)).status_code == 404
    assert client.post(f"/loans/{loan['id']}/return", headers=auth(other)).status_code == 404
    assert client.get("/loans", headers=auth(other)).get_json()["total"] == 0
    assert client.get(f"/loans/{loan['id']}", headers=admin).status_code == 200
    listed = client.get("/loans", headers=admin, query_string={"book_id": loan["book_id"]})
    assert [item["id"] for item in listed.get_json()["items"]] == [loan["id"]]
    assert client.post(f"/loans/{loan['id']}/return", headers=admin).status_code == 200


def test_loan_filters(client, member, book):
    first = _borrow(client, member, book()["id"]).get_json()
    second = _borrow(client, member, book()["id"]).get_json()
    client.post(f"/loans/{first['id']}/return", headers=member)
    active = client.get("/loans", headers=member, query_string={"active": "true"}).get_json()
    assert [item["id"] for item in active["items"]] == [second["id"]]
    done = client.get("/loans", headers=member, query_string={"active": "false"}).get_json()
    assert [item["id"] for item in done["items"]] == [first["id"]]
    bad = client.get("/loans", headers=member, query_string={"active": "1", "book_id": "0"})
    assert set(bad.get_json()["error"]["fields"]) == {"active", "book_id"}


def test_books_filter_by_availability(client, member, author, book):
    writer = author()
    lent, kept = book(author_id=writer["id"]), book(author_id=writer["id"])
    _borrow(client, member, lent["id"])
    for value, expected in (("false", lent), ("true", kept)):
        query = {"author_id": writer["id"], "available": value}
        items = client.get("/books", query_string=query).get_json()["items"]
        assert [item["id"] for item in items] == [expected["id"]]


def test_loans_need_a_token(client):
    assert client.get("/loans").status_code == 401
    assert client.get("/loans/1").status_code == 401
