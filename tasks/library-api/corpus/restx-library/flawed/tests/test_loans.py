from datetime import datetime, timedelta


def test_borrow_read_list_and_return(client, member, make_book):
    book = make_book()
    response = client.post("/loans", json={"book_id": book["id"]}, headers=member["headers"])
    assert response.status_code == 201
    loan = response.get_json()
    assert loan["user_id"] == member["id"]
    borrowed = datetime.strptime(loan["borrowed_at"], "%Y-%m-%dT%H:%M:%SZ")
    due = datetime.strptime(loan["due_at"], "%Y-%m-%dT%H:%M:%SZ")
    assert due - borrowed == timedelta(days=14)
    assert client.get(f"/books/{book['id']}").get_json()["available"] is False
    assert client.get(f"/loans/{loan['id']}", headers=member["headers"]).status_code == 200
    page = client.get("/loans", headers=member["headers"]).get_json()
    assert [item["id"] for item in page["items"]] == [loan["id"]]
    returned = client.post(f"/loans/{loan['id']}/return", headers=member["headers"])
    assert returned.status_code == 200
    assert returned.get_json()["returned_at"] is not None
    again = client.post(f"/loans/{loan['id']}/return", headers=member["headers"])
    assert again.status_code == 409
    assert client.get(f"/books/{book['id']}").get_json()["available"] is True


def test_a_book_on_loan_cannot_be_borrowed_or_deleted(client, admin, make_member, make_book):
    book = make_book()
    first, second = make_member(), make_member()
    assert client.post("/loans", json={"book_id": book["id"]},
                       headers=first["headers"]).status_code == 201
    assert client.post("/loans", json={"book_id": book["id"]},
                       headers=second["headers"]).status_code == 409
    assert client.delete(f"/books/{book['id']}", headers=admin).status_code == 409


def test_deleting_a_returned_book_removes_its_loans(client, admin, member, make_book):
    book = make_book()
    loan = client.post("/loans", json={"book_id": book["id"]}, headers=member["headers"])
    client.post(f"/loans/{loan.get_json()['id']}/return", headers=member["headers"])
    assert client.delete(f"/books/{book['id']}", headers=admin).status_code == 204
    assert client.get("/loans", headers=admin).get_json()["total"] == 0


def test_members_only_see_their_own_loans(client, admin, make_member, make_book):
    owner, other = make_member(), make_member()
    loan = client.post("/loans", json={"book_id": make_book()["id"]},
                       headers=owner["headers"]).get_json()
    path = f"/loans/{loan['id']}"
    assert client.get(path, headers=other["headers"]).status_code == 404
    assert client.post(f"{path}/return", headers=other["headers"]).status_code == 404
    assert client.get("/loans", headers=other["headers"]).get_json()["total"] == 0
    assert client.get(path, headers=admin).status_code == 200
    assert client.get("/loans", headers=admin).get_json()["total"] == 1
    assert client.post(f"{path}/return", headers=admin).status_code == 200


def test_loan_filters(client, member, make_book):
    books = [make_book() for _ in range(3)]
    loans = [client.post("/loans", json={"book_id": b["id"]}, headers=member["headers"]).get_json()
             for b in books]
    client.post(f"/loans/{loans[0]['id']}/return", headers=member["headers"])
    active = client.get("/loans", query_string={"active": "true"}, headers=member["headers"])
    assert [item["id"] for item in active.get_json()["items"]] == [loans[2]["id"], loans[1]["id"]]
    done = client.get("/loans", query_string={"active": "false"}, headers=member["headers"])
    assert [item["id"] for item in done.get_json()["items"]] == [loans[0]["id"]]
    one = client.get("/loans", query_string={"book_id": books[1]["id"]}, headers=member["headers"])
    assert one.get_json()["total"] == 1


def test_borrowing_needs_an_existing_book(client, member):
    for value in (0, -3, 10**30, "1", None):
        response = client.post("/loans", json={"book_id": value}, headers=member["headers"])
        assert response.status_code == 422
        assert "book_id" in response.get_json()["error"]["fields"]


def test_unknown_loans_are_404(client, member):
    assert client.get("/loans/999", headers=member["headers"]).status_code == 404
    assert client.get(f"/loans/{10**25}", headers=member["headers"]).status_code == 404
