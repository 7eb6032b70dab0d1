import pytest
from conftest import new_isbn


def test_admin_crud_on_authors(client, admin):
    response = client.post("/authors", json={"name": "Ursula K. Le Guin", "birth_year": 1929},
                           headers=admin)
    assert response.status_code == 201
    author = response.get_json()
    assert response.headers["Location"].endswith(f"/authors/{author['id']}")
    patched = client.patch(f"/authors/{author['id']}", json={"name": "U. K. Le Guin"},
                           headers=admin)
    assert patched.get_json() == {"id": author["id"], "name": "U. K. Le Guin", "birth_year": 1929}
    cleared = client.patch(f"/authors/{author['id']}", json={"birth_year": None}, headers=admin)
    assert cleared.get_json()["birth_year"] is None
    assert client.delete(f"/authors/{author['id']}", headers=admin).status_code == 204
    assert client.get(f"/authors/{author['id']}").status_code == 404


def test_an_author_with_books_cannot_be_deleted(client, admin, make_book):
    book = make_book()
    response = client.delete(f"/authors/{book['author_id']}", headers=admin)
    assert response.status_code == 409


def test_members_and_anonymous_cannot_write(client, member, make_author):
    author = make_author()
    assert client.post("/authors", json={"name": "X"}).status_code == 401
    assert client.post("/authors", json={"name": "X"}, headers=member["headers"]).status_code == 403
    path = f"/authors/{author['id']}"
    assert client.delete(path, headers=member["headers"]).status_code == 403
    assert client.get(path).status_code == 200


def test_admin_crud_on_books(client, admin, make_author):
    author = make_author()
    body = {"title": "A Wizard of Earthsea", "isbn": "9780306406157", "author_id": author["id"],
            "published_year": 1968, "available": False, "id": 999}
    response = client.post("/books", json=body, headers=admin)
    assert response.status_code == 201
    book = response.get_json()
    assert book["available"] is True
    assert book["id"] != 999
    assert response.headers["Location"].endswith(f"/books/{book['id']}")
    patched = client.patch(f"/books/{book['id']}", json={"published_year": 1969}, headers=admin)
    assert patched.get_json()["title"] == "A Wizard of Earthsea"
    assert patched.get_json()["published_year"] == 1969
    assert client.delete(f"/books/{book['id']}", headers=admin).status_code == 204
    assert client.get(f"/books/{book['id']}").status_code == 404


def test_isbn_is_unique_on_create_and_update(client, admin, make_book):
    first, second = make_book(), make_book()
    body = {"title": "Copy", "isbn": first["isbn"], "author_id": first["author_id"]}
    assert client.post("/books", json=body, headers=admin).status_code == 409
    clash = client.patch(f"/books/{second['id']}", json={"isbn": first["isbn"]}, headers=admin)
    assert clash.status_code == 409
    own = client.patch(f"/books/{first['id']}", json={"isbn": first["isbn"]}, headers=admin)
    assert own.status_code == 200


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""), ("title", "   "), ("title", "x" * 301), ("title", None),
        ("isbn", "9780306406158"), ("isbn", 9780306406157), ("isbn", "978-0306406157"),
        ("author_id", "1"), ("author_id", 0), ("author_id", 10**30), ("author_id", True),
        ("published_year", 0),
    ],
)
def test_bad_book_fields_are_422(client, admin, make_author, field, value):
    body = {"title": "Fine", "isbn": new_isbn(), "author_id": make_author()["id"], field: value}
    response = client.post("/books", json=body, headers=admin)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_every_missing_book_field_is_named(client, admin):
    response = client.post("/books", json={}, headers=admin)
    assert set(response.get_json()["error"]["fields"]) == {"title", "isbn", "author_id"}


@pytest.mark.parametrize("value", [42, "", "   ", "x" * 201, None])
def test_bad_author_names_are_422(client, admin, value):
    response = client.post("/authors", json={"name": value}, headers=admin)
    assert response.status_code == 422
    assert "name" in response.get_json()["error"]["fields"]


def test_strings_are_stored_verbatim_and_matched_literally(client, admin, make_author):
    weird = make_author(name="  100% <b>O'Brien</b>; DROP TABLE authors; --  ")
    plain = make_author(name="Plain 100 Name")
    assert client.get(f"/authors/{weird['id']}").get_json()["name"] == weird["name"]
    found = client.get("/authors", query_string={"name": "100%"}).get_json()
    assert [item["id"] for item in found["items"]] == [weird["id"]]
    underscore = client.get("/authors", query_string={"name": "_"}).get_json()
    assert plain["id"] not in [item["id"] for item in underscore["items"]]


def test_book_filters(client, admin, member, make_author, make_book):
    author = make_author()
    lent = make_book(author_id=author["id"], title="The Tombs of Atuan")
    kept = make_book(author_id=author["id"], title="The Farthest Shore")
    client.post("/loans", json={"book_id": lent["id"]}, headers=member["headers"])
    query = {"author_id": author["id"], "available": "false"}
    assert [b["id"] for b in client.get("/books", query_string=query).get_json()["items"]] == [
        lent["id"]
    ]
    query = {"author_id": author["id"], "title": "FARTHEST"}
    assert [b["id"] for b in client.get("/books", query_string=query).get_json()["items"]] == [
        kept["id"]
    ]
    query = {"author_id": author["id"], "available": "true"}
    assert client.get("/books", query_string=query).get_json()["total"] == 1
