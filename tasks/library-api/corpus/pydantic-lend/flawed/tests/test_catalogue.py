import pytest

from .conftest import isbn_for


def ids(response):
    return [item["id"] for item in response.json["items"]]


def test_authors_lifecycle(client, admin):
    created = client.post(
        "/authors", json={"name": "N. K. Jemisin", "id": 5}, headers=admin.headers
    )
    assert created.status_code == 201
    author = created.json
    assert author["birth_year"] is None
    assert created.headers["Location"] == f"/authors/{author['id']}"
    assert client.get(f"/authors/{author['id']}").json == author
    updated = client.patch(
        f"/authors/{author['id']}", json={"birth_year": 1972}, headers=admin.headers
    )
    assert updated.json == {**author, "birth_year": 1972}
    cleared = client.patch(
        f"/authors/{author['id']}", json={"birth_year": None}, headers=admin.headers
    )
    assert cleared.json["birth_year"] is None
    assert client.delete(f"/authors/{author['id']}", headers=admin.headers).status_code == 204
    assert client.get(f"/authors/{author['id']}").status_code == 404


@pytest.mark.parametrize(
    "field, value",
    [
        ("name", ""),
        ("name", "\t "),
        ("name", "x" * 201),
        ("name", ["x"]),
        ("birth_year", "1950"),
        ("birth_year", 1950.0),
        ("birth_year", False),
        ("birth_year", -3),
        ("birth_year", 9999),
    ],
)
def test_author_rules(client, admin, field, value):
    response = client.post(
        "/authors", json={"name": "Someone", field: value}, headers=admin.headers
    )
    assert response.status_code == 422
    assert list(response.json["error"]["fields"]) == [field]


def test_injection_shaped_text_is_kept_and_matched_literally(client, admin):
    tricky = "x' OR '1'='1 <b>%_</b>"
    author = client.post("/authors", json={"name": tricky}, headers=admin.headers).json
    client.post("/authors", json={"name": "x OR 1 b"}, headers=admin.headers)
    assert author["name"] == tricky
    assert ids(client.get("/authors", query_string={"name": "<B>%_"})) == [author["id"]]


def test_author_with_books_is_kept(client, admin, new_book):
    book = new_book()
    response = client.delete(f"/authors/{book['author_id']}", headers=admin.headers)
    assert response.status_code == 409


def test_books_lifecycle(client, admin, new_author):
    author = new_author()
    payload = {"title": "Parable", "isbn": "9780306406157", "author_id": author["id"]}
    created = client.post("/books", json={**payload, "available": False}, headers=admin.headers)
    assert created.status_code == 201
    book = created.json
    assert book["available"] is True
    assert created.headers["Location"] == f"/books/{book['id']}"
    assert client.get(f"/books/{book['id']}").json == book
    renamed = client.patch(
        f"/books/{book['id']}", json={"title": "Parable of the Sower"}, headers=admin.headers
    )
    assert renamed.json["title"] == "Parable of the Sower"
    assert renamed.json["isbn"] == book["isbn"]
    assert client.delete(f"/books/{book['id']}", headers=admin.headers).status_code == 204
    assert client.get(f"/books/{book['id']}").status_code == 404


def test_book_rules_name_every_field(client, admin):
    payload = {"title": " ", "isbn": 9780306406157, "author_id": 123456, "published_year": 0}
    response = client.post("/books", json=payload, headers=admin.headers)
    assert set(response.json["error"]["fields"]) == {
        "title",
        "isbn",
        "author_id",
        "published_year",
    }
    missing = client.post("/books", json={}, headers=admin.headers)
    assert missing.json["error"]["fields"]["author_id"] == "is required"


@pytest.mark.parametrize(
    "isbn, message",
    [
        ("9780306406158", "has a wrong check digit"),
        ("978-030640615", "must be a string of exactly 13 digits"),
        ("97803064061570", "must be a string of exactly 13 digits"),
    ],
)
def test_isbn_rule(client, admin, new_author, isbn, message):
    payload = {"title": "T", "isbn": isbn, "author_id": new_author()["id"]}
    response = client.post("/books", json=payload, headers=admin.headers)
    assert response.json["error"]["fields"] == {"isbn": message}


def test_patch_book_checks_references_and_nulls(client, admin, new_book):
    book = new_book()
    path = f"/books/{book['id']}"
    missing_author = client.patch(path, json={"author_id": 10**20}, headers=admin.headers)
    assert missing_author.json["error"]["fields"] == {
        "author_id": "author 100000000000000000000 does not exist"
    }
    null_title = client.patch(path, json={"title": None}, headers=admin.headers)
    assert list(null_title.json["error"]["fields"]) == ["title"]


def test_isbn_unique(client, admin, new_book):
    first, second = new_book(), new_book()
    copy = {"title": "Copy", "isbn": first["isbn"], "author_id": first["author_id"]}
    assert client.post("/books", json=copy, headers=admin.headers).status_code == 409
    clash = client.patch(
        f"/books/{second['id']}", json={"isbn": first["isbn"]}, headers=admin.headers
    )
    assert clash.status_code == 409


def test_paging_newest_first(client, new_author, new_book):
    author = new_author()
    made = [new_book(author_id=author["id"], title=f"Xenogenesis {n}")["id"] for n in range(5)]
    second_page = client.get(
        "/books", query_string={"author_id": author["id"], "per_page": 2, "page": 2}
    )
    assert ids(second_page) == [made[2], made[1]]
    assert second_page.json["total"] == 5
    beyond = client.get(
        "/books", query_string={"author_id": author["id"], "page": 4, "per_page": 2}
    )
    assert beyond.json["items"] == []
    assert beyond.json["total"] == 5
    assert ids(client.get("/books", query_string={"title": "xenoGENESIS 4"})) == [made[4]]
    defaults = client.get("/authors").json
    assert (defaults["page"], defaults["per_page"]) == (1, 20)


@pytest.mark.parametrize(
    "params",
    [
        {"page": "0"},
        {"page": "1.5"},
        {"page": "x"},
        {"page": "100001"},
        {"per_page": "-1"},
        {"per_page": "101"},
        {"author_id": "0"},
        {"available": "maybe"},
        {"title": "t" * 301},
    ],
)
def test_bad_query(client, params):
    response = client.get("/books", query_string=params)
    assert response.status_code == 422
    assert list(response.json["error"]["fields"]) == list(params)


def test_roles(client, member, new_book):
    book = new_book()
    assert client.post("/authors", json={"name": "M"}, headers=member.headers).status_code == 403
    assert client.delete(f"/books/{book['id']}", headers=member.headers).status_code == 403
    assert client.patch(f"/authors/{book['author_id']}", json={}).status_code == 401
    assert client.get(f"/books/{book['id']}").status_code == 200


def test_unknown_ids(client, admin):
    for path in ("/authors/0", "/books/123456789", "/books/99999999999999999999999", "/books/x"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.json["error"]["code"] == "not_found"
    assert client.delete("/authors/0", headers=admin.headers).status_code == 404


def test_isbn_helper():
    assert isbn_for(30640615) == "9780306406157"
