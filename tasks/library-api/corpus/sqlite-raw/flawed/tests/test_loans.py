from datetime import datetime, timedelta


def parse(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")


def test_a_member_borrows_and_returns_a_book(client, member, create_book):
    book = create_book()
    response = client.post("/loans", json={"book_id": book["id"]}, headers=member["headers"])
    assert response.status_code == 201
    loan = response.get_json()
    assert loan["user_id"] == member["user"]["id"]
    assert response.headers["Location"] == f"/loans/{loan['id']}"
    assert parse(loan["due_at"]) - parse(loan["borrowed_at"]) == timedelta(days=14)
    assert client.get(f"/books/{book['id']}").get_json()["available"] is False

    response = client.post(f"/loans/{loan['id']}/return", headers=member["headers"])
    assert response.status_code == 200
    assert response.get_json()["returned_at"].endswith("Z")
    assert client.get(f"/books/{book['id']}").get_json()["available"] is True
    again = client.post(f"/loans/{loan['id']}/return", headers=member["headers"])
    assert again.status_code == 409


def test_a_book_on_loan_cannot_be_borrowed_again(client, make_member, create_book, borrow):
    book = create_book()
    first, second = make_member(), make_member()
    borrow(first, book["id"])
    response = client.post("/loans", json={"book_id": book["id"]}, headers=second["headers"])
    assert response.status_code == 409
    response = client.post("/loans", json={"book_id": book["id"]}, headers=first["headers"])
    assert response.status_code == 409


def test_a_loan_needs_an_existing_book(client, member):
    for book_id in (0, -3, 999999, 10**30, "1", None, 1.5):
        response = client.post("/loans", json={"book_id": book_id}, headers=member["headers"])
        assert response.status_code == 422, book_id
        assert "book_id" in response.get_json()["error"]["fields"]


def test_other_members_loans_do_not_exist(client, make_member, create_book, borrow):
    owner, other = make_member(), make_member()
    loan = borrow(owner, create_book()["id"])
    assert client.get(f"/loans/{loan['id']}", headers=other["headers"]).status_code == 404
    assert client.get("/loans", headers=other["headers"]).get_json()["total"] == 0
    assert client.get(f"/loans/{loan['id']}", headers=owner["headers"]).status_code == 200


def test_admin_sees_and_returns_every_loan(client, admin_headers, member, create_book, borrow):
    loan = borrow(member, create_book()["id"])
    assert client.get(f"/loans/{loan['id']}", headers=admin_headers).status_code == 200
    ids = [item["id"] for item in client.get("/loans", headers=admin_headers).get_json()["items"]]
    assert loan["id"] in ids
    response = client.post(f"/loans/{loan['id']}/return", headers=admin_headers)
    assert response.status_code == 200


def test_loans_filter_by_active_and_book(client, member, create_book, borrow):
    returned = borrow(member, create_book()["id"])
    client.post(f"/loans/{returned['id']}/return", headers=member["headers"])
    active = borrow(member, create_book()["id"])
    headers = member["headers"]
    assert [x["id"] for x in client.get("/loans?active=true", headers=headers).json["items"]] == [
        active["id"]
    ]
    assert [x["id"] for x in client.get("/loans?active=false", headers=headers).json["items"]] == [
        returned["id"]
    ]
    page = client.get(f"/loans?book_id={active['book_id']}", headers=headers).get_json()
    assert page["total"] == 1
    assert client.get("/loans?active=maybe", headers=headers).status_code == 422


def test_deleting_a_book_deletes_its_loans(client, admin_headers, member, create_book, borrow):
    book = create_book()
    loan = borrow(member, book["id"])
    client.post(f"/loans/{loan['id']}/return", headers=member["headers"])
    assert client.delete(f"/books/{book['id']}", headers=admin_headers).status_code == 204
    assert client.get(f"/loans/{loan['id']}", headers=admin_headers).status_code == 404


def test_loans_need_a_token(client):
    assert client.get("/loans").status_code == 401
    assert client.post("/loans", json={"book_id": 1}).status_code == 401
