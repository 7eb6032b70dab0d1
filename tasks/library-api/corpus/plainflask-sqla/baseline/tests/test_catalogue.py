import pytest

from .conftest import make_isbn


def test_health_is_public(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_author_crud(client, admin):
    response = client.post("/authors", json={"name": "Ursula", "id": 99}, headers=admin)
    assert response.status_code == 201
    author = response.get_json()
    assert author["birth_year"] is None
    assert response.headers["Location"] == f"/authors/{author['id']}"
    assert client.get(f"/authors/{author['id']}").get_json() == author
    patched = client.patch(f"/authors/{author['id']}", json={"birth_year": 1929}, headers=admin)
    assert patched.get_json() == {**author, "birth_year": 1929}
    assert client.delete(f"/authors/{author['id']}", headers=admin).status_code == 204
    assert client.get(f"/authors/{author['id']}").status_code == 404


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", None),
        ("name", "   "),
        ("name", "x" * 201),
        ("name", 42),
        ("birth_year", "1929"),
        ("birth_year", 1929.5),
        ("birth_year", True),
        ("birth_year", 0),
        ("birth_year", 3000),
    ],
)
def test_bad_author_fields(client, admin, field, value):
    body = {"name": "Someone", "birth_year": 1950, field: value}
    response = client.post("/authors", json=body, headers=admin)
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == [field]


def test_strings_are_stored_verbatim(client, admin):
    name = "  Robert'); DROP TABLE authors;-- <script>  "
    author = client.post("/authors", json={"name": name}, headers=admin).get_json()
    assert author["name"] == name
    found = client.get("/authors", query_string={"name": "drop table"}).get_json()
    assert [item["id"] for item in found["items"]] == [author["id"]]


def test_text_filters_match_literally(client, admin):
    percent = client.post("/authors", json={"name": "100% Fiction"}, headers=admin).get_json()
    client.post("/authors", json={"name": "1000 Fictions"}, headers=admin)
    found = client.get("/authors", query_string={"name": "0% f"}).get_json()
    assert [item["id"] for item in found["items"]] == [percent["id"]]
    assert client.get("/authors", query_string={"name": "_"}).get_json()["total"] == 0


def test_author_with_books_cannot_be_deleted(client, admin, book):
    created = book()
    response = client.delete(f"/authors/{created['author_id']}", headers=admin)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "conflict"


def test_book_crud(client, admin, author):
    writer = author()
    body = {
        "title": "Tehanu",
        "isbn": "9780306406157",
        "author_id": writer["id"],
        "available": False,
    }
    response = client.post("/books", json=body, headers=admin)
    assert response.status_code == 201
    created = response.get_json()
    assert created["available"] is True
    assert created["published_year"] is None
    assert response.headers["Location"] == f"/books/{created['id']}"
    patched = client.patch(f"/books/{created['id']}", json={"published_year": 1990}, headers=admin)
    assert patched.get_json()["published_year"] == 1990
    same = client.patch(f"/books/{created['id']}", json={"isbn": "9780306406157"}, headers=admin)
    assert same.status_code == 200
    assert client.delete(f"/books/{created['id']}", headers=admin).status_code == 204
    assert client.get(f"/books/{created['id']}").status_code == 404


def test_book_validation_names_every_field(client, admin):
    body = {"title": "", "isbn": "978-0306406157", "author_id": 10**30, "published_year": "1990"}
    response = client.post("/books", json=body, headers=admin)
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"title", "isbn", "author_id", "published_year"}
    missing = client.post("/books", json={}, headers=admin).get_json()["error"]["fields"]
    assert set(missing) == {"title", "isbn", "author_id"}


def test_isbn_check_digit(client, admin, author):
    body = {"title": "T", "isbn": "9780306406158", "author_id": author()["id"]}
    response = client.post("/books", json=body, headers=admin)
    assert response.get_json()["error"]["fields"] == {"isbn": "has a wrong check digit"}


def test_isbn_is_unique_on_create_and_update(client, admin, book):
    first, second = book(), book()
    body = {"title": "Copy", "isbn": first["isbn"], "author_id": first["author_id"]}
    assert client.post("/books", json=body, headers=admin).status_code == 409
    response = client.patch(f"/books/{second['id']}", json={"isbn": first["isbn"]}, headers=admin)
    assert response.status_code == 409


def test_pagination_and_filters(client, author, book):
    writer = author()
    ids = [book(author_id=writer["id"], title=f"Earthsea {n}")["id"] for n in range(5)]
    page = client.get("/books", query_string={"author_id": writer["id"], "per_page": 2, "page": 2})
    data = page.get_json()
    assert data["total"] == 5
    assert [item["id"] for item in data["items"]] == ids[::-1][2:4]
    past = client.get("/books", query_string={"author_id": writer["id"], "page": 9}).get_json()
    assert past["items"] == []
    assert past["total"] == 5
    titled = client.get("/books", query_string={"title": "EARTHSEA 3"}).get_json()
    assert [item["id"] for item in titled["items"]] == [ids[3]]


@pytest.mark.parametrize(
    "params",
    [
        {"page": "0"},
        {"page": "-1"},
        {"page": "abc"},
        {"page": "1.5"},
        {"page": "100001"},
        {"per_page": "101"},
        {"per_page": "0"},
        {"author_id": "x"},
        {"available": "yes"},
        {"title": "x" * 301},
    ],
)
def test_bad_query_parameters(client, params):
    response = client.get("/books", query_string=params)
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == list(params)


def test_member_cannot_write_the_catalogue(client, member, book):
    created = book()
    assert client.post("/authors", json={"name": "X"}, headers=member).status_code == 403
    assert client.patch(f"/books/{created['id']}", json={}, headers=member).status_code == 403
    assert client.delete(f"/books/{created['id']}", headers=member).status_code == 403
    assert client.post("/books", json={}).status_code == 401


def test_unknown_ids_are_404(client, admin):
    for path in ("/authors/0", "/authors/-1", "/books/99999999999999999999999", "/books/abc"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"
    assert client.patch("/books/0", json={}, headers=admin).status_code == 404


def test_make_isbn_helper_is_valid():
    assert make_isbn(30640615) == "9780306406157"
