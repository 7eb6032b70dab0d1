from datetime import datetime, timedelta


def borrow(client, caller, book_id):
    return client.post("/loans", json={"book_id": book_id}, headers=caller.headers)


def test_borrow_return_cycle(client, member, new_book):
    book = new_book()
    response = borrow(client, member, book["id"])
    assert response.status_code == 201
    loan = response.json
    assert loan["user_id"] == member.id
    assert loan["returned_at"] is None
    assert response.headers["Location"] == f"/loans/{loan['id']}"
    borrowed = datetime.fromisoformat(loan["borrowed_at"])
    assert datetime.fromisoformat(loan["due_at"]) - borrowed == timedelta(days=14)
    assert client.get(f"/books/{book['id']}").json["available"] is False
    returned = client.post(f"/loans/{loan['id']}/return", headers=member.headers)
    assert returned.status_code == 200
    assert returned.json["returned_at"].endswith("Z")
    assert client.post(f"/loans/{loan['id']}/return", headers=member.headers).status_code == 409
    assert client.get(f"/books/{book['id']}").json["available"] is True


def test_user_id_cannot_be_chosen(client, member, admin, new_book):
    payload = {"book_id": new_book()["id"], "user_id": 1}
    loan = client.post("/loans", json=payload, headers=member.headers).json
    assert loan["user_id"] == member.id


def test_one_open_loan_per_book(client, admin, member, new_book):
    book = new_book()
    borrow(client, member, book["id"])
    assert borrow(client, admin, book["id"]).status_code == 409
    assert client.delete(f"/books/{book['id']}", headers=admin.headers).status_code == 409


def test_deleting_a_returned_book_removes_its_loans(client, admin, member, new_book):
    book = new_book()
    loan = borrow(client, member, book["id"]).json
    client.post(f"/loans/{loan['id']}/return", headers=member.headers)
    assert client.delete(f"/books/{book['id']}", headers=admin.headers).status_code == 204
    assert client.get(f"/loans/{loan['id']}", headers=admin.headers).status_code == 404


def test_loan_input(client, member):
    assert client.post("/loans", json={}, headers=member.headers).json["error"]["fields"] == {
        "book_id": "is required"
    }
    for value in ("1", 1.0, True, 0, 10**40):
        assert borrow(client, member, value).status_code == 422


def test_privacy_between_members(client, admin, new_member, new_book):
    owner, stranger = new_member(), new_member()
    loan = borrow(client, owner, new_book()["id"]).json
    assert client.get(f"/loans/{loan['id']}", headers=stranger.headers).status_code == 404
    assert client.post(f"/loans/{loan['id']}/return", headers=stranger.headers).status_code == 404
    assert client.get("/loans", headers=stranger.headers).json["total"] == 0
    assert client.get("/loans", headers=owner.headers).json["total"] == 1
    assert client.get(f"/loans/{loan['id']}", headers=admin.headers).status_code == 200
    by_book = client.get("/loans", query_string={"book_id": loan["book_id"]}, headers=admin.headers)
    assert [item["id"] for item in by_book.json["items"]] == [loan["id"]]
    assert client.post(f"/loans/{loan['id']}/return", headers=admin.headers).status_code == 200


def test_active_filter(client, member, new_book):
    old = borrow(client, member, new_book()["id"]).json
    current = borrow(client, member, new_book()["id"]).json
    client.post(f"/loans/{old['id']}/return", headers=member.headers)
    for flag, expected in (("true", current), ("false", old)):
        page = client.get("/loans", query_string={"active": flag}, headers=member.headers).json
        assert [item["id"] for item in page["items"]] == [expected["id"]]
    bad = client.get("/loans", query_string={"active": "yes"}, headers=member.headers)
    assert bad.status_code == 422


def test_books_availability_filter(client, member, new_author, new_book):
    author = new_author()
    lent, free = new_book(author_id=author["id"]), new_book(author_id=author["id"])
    borrow(client, member, lent["id"])
    for flag, expected in (("false", lent), ("true", free)):
        query = {"author_id": author["id"], "available": flag}
        page = client.get("/books", query_string=query).json
        assert [item["id"] for item in page["items"]] == [expected["id"]]


def test_loans_are_private_without_token(client):
    assert client.get("/loans").status_code == 401
    assert client.post("/loans/1/return").status_code == 401
