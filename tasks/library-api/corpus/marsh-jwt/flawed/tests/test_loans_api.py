from datetime import datetime


def stamp(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")


def test_borrow_and_return(client, api):
    member = api.member()
    book = api.book()
    created = client.post(
        "/loans", json={"book_id": book["id"], "user_id": 1}, headers=member["headers"]
    )
    assert created.status_code == 201
    loan = created.json
    assert loan["user_id"] == member["id"]
    assert loan["returned_at"] is None
    assert created.headers["Location"].endswith(f"/loans/{loan['id']}")
    assert (stamp(loan["due_at"]) - stamp(loan["borrowed_at"])).days == 14
    assert client.get(f"/books/{book['id']}").json["available"] is False
    returned = client.post(f"/loans/{loan['id']}/return", headers=member["headers"])
    assert returned.status_code == 200
    assert returned.json["returned_at"] is not None
    assert client.post(f"/loans/{loan['id']}/return", headers=member["headers"]).status_code == 409
    assert client.get(f"/books/{book['id']}").json["available"] is True


def test_one_open_loan_per_book(client, api):
    book = api.book()
    api.borrow(api.member(), book["id"])
    other = api.member()
    response = client.post("/loans", json={"book_id": book["id"]}, headers=other["headers"])
    assert response.status_code == 409


def test_loan_body_rules(client, api):
    member = api.member()
    for value in (None, "1", 1.0, True, 0, -1, 10**25, 31337):
        response = client.post("/loans", json={"book_id": value}, headers=member["headers"])
        assert response.status_code == 422, value
        assert "book_id" in response.json["error"]["fields"]


def test_ownership(client, api, admin):
    owner, stranger = api.member(), api.member()
    loan = api.borrow(owner, api.book()["id"])
    assert client.get(f"/loans/{loan['id']}", headers=stranger["headers"]).status_code == 404
    assert (
        client.post(f"/loans/{loan['id']}/return", headers=stranger["headers"]).status_code == 404
    )
    assert client.get("/loans", headers=stranger["headers"]).json["total"] == 0
    assert client.get("/loans", headers=owner["headers"]).json["total"] == 1
    assert client.get(f"/loans/{loan['id']}", headers=admin).status_code == 200
    every = client.get("/loans", headers=admin).json["items"]
    assert loan["id"] in [item["id"] for item in every]
    assert client.post(f"/loans/{loan['id']}/return", headers=admin).status_code == 200


def test_loan_filters(client, api):
    member = api.member()
    old = api.borrow(member, api.book()["id"])
    client.post(f"/loans/{old['id']}/return", headers=member["headers"])
    current = api.borrow(member, api.book()["id"])
    active = client.get("/loans", query_string={"active": "true"}, headers=member["headers"])
    assert [x["id"] for x in active.json["items"]] == [current["id"]]
    done = client.get("/loans", query_string={"active": "false"}, headers=member["headers"])
    assert [x["id"] for x in done.json["items"]] == [old["id"]]
    by_book = client.get(
        "/loans", query_string={"book_id": old["book_id"]}, headers=member["headers"]
    )
    assert by_book.json["total"] == 1
    bad = client.get("/loans", query_string={"active": "yes"}, headers=member["headers"])
    assert bad.status_code == 400


def test_deleting_books_and_their_loans(client, api, admin):
    member = api.member()
    book = api.book()
    loan = api.borrow(member, book["id"])
    assert client.delete(f"/books/{book['id']}", headers=admin).status_code == 409
    client.post(f"/loans/{loan['id']}/return", headers=member["headers"])
    assert client.delete(f"/books/{book['id']}", headers=admin).status_code == 204
    assert client.get(f"/loans/{loan['id']}", headers=admin).status_code == 404


def test_loans_require_a_token(client):
    assert client.get("/loans").status_code == 401
    assert client.get("/loans/1").status_code == 401
