import pytest


def test_author_lifecycle(client, admin):
    created = client.post("/authors", json={"name": "Le Guin", "birth_year": 1929}, headers=admin)
    assert created.status_code == 201
    author = created.json
    assert created.headers["Location"].endswith(f"/authors/{author['id']}")
    assert client.get(f"/authors/{author['id']}").json == author
    patched = client.patch(f"/authors/{author['id']}", json={"name": "U. Le Guin"}, headers=admin)
    assert patched.json == {**author, "name": "U. Le Guin"}
    moved = client.patch(f"/authors/{author['id']}", json={"birth_year": 1930}, headers=admin)
    assert moved.json["birth_year"] == 1930
    assert client.delete(f"/authors/{author['id']}", headers=admin).status_code == 204
    assert client.get(f"/authors/{author['id']}").status_code == 404


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", 1),
        ("name", ""),
        ("name", "  "),
        ("name", "n" * 201),
        ("name", None),
        ("birth_year", "1929"),
        ("birth_year", 1.5),
        ("birth_year", False),
        ("birth_year", 0),
        ("birth_year", 3000),
    ],
)
def test_author_rules(client, admin, field, value):
    response = client.post(
        "/authors", json={"name": "Valid", "birth_year": 1900, field: value}, headers=admin
    )
    assert response.status_code == 422
    assert list(response.json["error"]["fields"]) == [field]


def test_roles_on_the_catalogue(client, api):
    member = api.member()
    book = api.book()
    assert client.get("/books").status_code == 200
    assert client.post("/authors", json={"name": "x"}).status_code == 401
    assert client.post("/authors", json={"name": "x"}, headers=member["headers"]).status_code == 403
    assert client.delete(f"/books/{book['id']}", headers=member["headers"]).status_code == 403


def test_book_lifecycle(client, api, admin):
    author = api.author()
    body = {
        "title": "Tombs",
        "isbn": "9780306406157",
        "author_id": author["id"],
        "published_year": 1971,
    }
    created = client.post("/books", json={**body, "available": False, "id": 5}, headers=admin)
    assert created.status_code == 201
    book = created.json
    assert book == {**body, "id": book["id"], "available": True}
    assert created.headers["Location"].endswith(f"/books/{book['id']}")
    same_isbn = client.patch(
        f"/books/{book['id']}", json={"isbn": book["isbn"], "title": "The Tombs"}, headers=admin
    )
    assert same_isbn.status_code == 200
    assert same_isbn.json["title"] == "The Tombs"
    assert client.delete(f"/books/{book['id']}", headers=admin).status_code == 204
    assert client.get(f"/books/{book['id']}").status_code == 404


def test_book_rules_report_every_field(client, admin):
    response = client.post(
        "/books",
        json={"title": "", "isbn": "9780306406158", "author_id": 424242, "published_year": "1"},
        headers=admin,
    )
    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert set(fields) == {"title", "isbn", "author_id", "published_year"}
    assert "check digit" in fields["isbn"]
    missing = client.post("/books", json={}, headers=admin).json["error"]["fields"]
    assert set(missing) == {"title", "isbn", "author_id"}


@pytest.mark.parametrize(
    "isbn", ["978-030640615", "97803064061571", 9780306406157, "978030640615X"]
)
def test_isbn_shape(client, api, admin, isbn):
    response = client.post(
        "/books", json={"title": "T", "isbn": isbn, "author_id": api.author()["id"]}, headers=admin
    )
    assert "isbn" in response.json["error"]["fields"]


def test_isbn_is_unique(client, api, admin):
    first, second = api.book(), api.book()
    duplicate = {"title": "Copy", "isbn": first["isbn"], "author_id": first["author_id"]}
    assert client.post("/books", json=duplicate, headers=admin).status_code == 409
    clash = client.patch(f"/books/{second['id']}", json={"isbn": first["isbn"]}, headers=admin)
    assert clash.status_code == 409


def test_author_with_books_is_kept(client, api, admin):
    book = api.book()
    assert client.delete(f"/authors/{book['author_id']}", headers=admin).status_code == 409


def test_pages_are_newest_first(client, api):
    ids = [api.author(name=f"Pagination {n}")["id"] for n in range(5)]
    page = client.get("/authors", query_string={"name": "PAGINATION", "per_page": 2, "page": 2})
    assert page.json["total"] == 5
    assert [a["id"] for a in page.json["items"]] == [ids[2], ids[1]]
    beyond = client.get("/authors", query_string={"name": "pagination", "page": 50}).json
    assert (beyond["items"], beyond["total"]) == ([], 5)
    defaults = client.get("/authors").json
    assert (defaults["page"], defaults["per_page"]) == (1, 20)


def test_filters_ignore_case(client, api):
    api.author(name="50% off_sale")
    api.author(name="500 offsale")
    assert client.get("/authors", query_string={"name": "OFF"}).json["total"] == 2


def test_book_filters(client, api):
    author = api.author()
    lent = api.book(author_id=author["id"], title="Lent")
    kept = api.book(author_id=author["id"], title="Kept")
    api.borrow(api.member(), lent["id"])
    query = {"author_id": author["id"]}
    on_loan = client.get("/books", query_string={**query, "available": "false"}).json
    assert [b["id"] for b in on_loan["items"]] == [lent["id"]]
    free = client.get("/books", query_string={**query, "available": "true"}).json
    assert [b["id"] for b in free["items"]] == [kept["id"]]
    assert client.get("/books", query_string={**query, "title": "KEP"}).json["total"] == 1


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("page", "0"),
        ("page", "x"),
        ("page", "100001"),
        ("per_page", "101"),
        ("per_page", "2.0"),
        ("available", "1"),
        ("author_id", "0"),
        ("title", "t" * 301),
    ],
)
def test_bad_query_values(client, name, value):
    response = client.get("/books", query_string={name: value})
    assert response.status_code == 400
    assert name in response.json["error"]["fields"]
