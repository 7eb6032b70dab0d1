from conftest import make_member


def test_borrow_and_return(client, member, book):
    loan = client.post("/loans", json={"book_id": book["id"]}, headers=member)
    assert loan.status_code == 201
    assert loan.headers["Location"] == f"/loans/{loan.json['id']}"
    assert client.get(f"/books/{book['id']}").json["available"] is False
    assert client.post("/loans", json={"book_id": book["id"]}, headers=member).status_code == 409
    returned = client.post(f"/loans/{loan.json['id']}/return", headers=member)
    assert returned.status_code == 200
    assert returned.json["returned_at"] is not None
    assert client.post(f"/loans/{loan.json['id']}/return", headers=member).status_code == 409
    assert client.get(f"/books/{book['id']}").json["available"] is True


def test_members_see_only_their_own_loans(client, member, book, admin):
    loan = client.post("/loans", json={"book_id": book["id"]}, headers=member).json
    other = make_member(client, "other@example.test")
    assert client.get(f"/loans/{loan['id']}", headers=other).status_code == 404
    assert client.post(f"/loans/{loan['id']}/return", headers=other).status_code == 404
    assert client.get("/loans", headers=other).json["total"] == 0
    assert client.get(f"/loans/{loan['id']}", headers=admin).status_code == 200


def test_catalogue_rules(client, admin, member, book):
    author_id = book["author_id"]
    assert client.delete(f"/authors/{author_id}", headers=admin).status_code == 409
    duplicate = {"title": "Copy", "isbn": book["isbn"], "author_id": author_id}
    assert client.post("/books", json=duplicate, headers=admin).status_code == 409
    loan = client.post("/loans", json={"book_id": book["id"]}, headers=member).json
    assert client.delete(f"/books/{book['id']}", headers=admin).status_code == 409
    client.post(f"/loans/{loan['id']}/return", headers=member)
    assert client.delete(f"/books/{book['id']}", headers=admin).status_code == 204
    assert client.delete(f"/authors/{author_id}", headers=admin).status_code == 204
