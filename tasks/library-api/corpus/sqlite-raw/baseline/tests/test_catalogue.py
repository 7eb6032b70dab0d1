import pytest
from conftest import isbn13


def test_admin_creates_reads_updates_and_deletes_an_author(client, admin_headers):
    response = client.post(
        "/authors", json={"name": "Ursula K. Le Guin", "birth_year": 1929}, headers=admin_headers
    )
    assert response.status_code == 201
    author = response.get_json()
    assert response.headers["Location"] == f"/authors/{author['id']}"
    assert client.get(f"/authors/{author['id']}").get_json() == author

    response = client.patch(
        f"/authors/{author['id']}", json={"name": "Le Guin"}, headers=admin_headers
    )
    assert response.get_json() == {**author, "name": "Le Guin"}
    response = client.patch(
        f"/authors/{author['id']}", json={"birth_year": None}, headers=admin_headers
    )
    assert response.get_json()["birth_year"] is None

    assert client.delete(f"/authors/{author['id']}", headers=admin_headers).status_code == 204
    assert client.get(f"/authors/{author['id']}").status_code == 404


def test_members_may_read_but_not_write_the_catalogue(client, member, create_book):
    book = create_book()
    assert client.get(f"/books/{book['id']}").status_code == 200
    assert client.post("/authors", json={"name": "X"}, headers=member["headers"]).status_code == 403
    response = client.patch(f"/books/{book['id']}", json={}, headers=member["headers"])
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    assert client.delete(f"/books/{book['id']}").status_code == 401


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", 42),
        ("name", ""),
        ("name", "   "),
        ("name", "x" * 201),
        ("name", None),
        ("birth_year", "1929"),
        ("birth_year", 1929.5),
        ("birth_year", True),
        ("birth_year", 0),
        ("birth_year", 2999),
    ],
)
def test_bad_author_fields_are_422(client, admin_headers, field, value):
    body = {"name": "Author", "birth_year": 1950, field: value}
    response = client.post("/authors", json=body, headers=admin_headers)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_strings_are_stored_verbatim(client, admin_headers):
    name = "  Robert'); DROP TABLE authors;-- <script>alert(1)</script>  "
    author = client.post("/authors", json={"name": name}, headers=admin_headers).get_json()
    assert client.get(f"/authors/{author['id']}").get_json()["name"] == name


def test_admin_creates_and_updates_a_book(client, admin_headers, create_author):
    author = create_author()
    body = {"title": "Earthsea", "isbn": "9780306406157", "author_id": author["id"]}
    response = client.post("/books", json={**body, "available": False}, headers=admin_headers)
    assert response.status_code == 201
    book = response.get_json()
    assert book == {**body, "id": book["id"], "published_year": None, "available": True}
    assert response.headers["Location"] == f"/books/{book['id']}"

    response = client.patch(
        f"/books/{book['id']}",
        json={"published_year": 1968, "isbn": book["isbn"]},
        headers=admin_headers,
    )
    assert response.status_code == 200
    assert response.get_json()["published_year"] == 1968


def test_book_validation_names_every_field(client, admin_headers):
    body = {"title": " ", "isbn": "9780306406158", "author_id": 10**30, "published_year": "x"}
    response = client.post("/books", json=body, headers=admin_headers)
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"title", "isbn", "author_id", "published_year"}
    assert "check digit" in fields["isbn"]


@pytest.mark.parametrize("isbn", ["978-0306406157", 9780306406157, "978030640615", "٩" * 13])
def test_isbn_must_be_13_ascii_digits(client, admin_headers, create_author, isbn):
    body = {"title": "T", "isbn": isbn, "author_id": create_author()["id"]}
    response = client.post("/books", json=body, headers=admin_headers)
    assert response.status_code == 422
    assert "isbn" in response.get_json()["error"]["fields"]


def test_book_requires_every_required_field(client, admin_headers):
    response = client.post("/books", json={}, headers=admin_headers)
    assert set(response.get_json()["error"]["fields"]) == {"title", "isbn", "author_id"}


def test_isbns_are_unique_on_create_and_update(client, admin_headers, create_book):
    first, second = create_book(), create_book()
    body = {"title": "Copy", "isbn": first["isbn"], "author_id": first["author_id"]}
    assert client.post("/books", json=body, headers=admin_headers).status_code == 409
    response = client.patch(
        f"/books/{second['id']}", json={"isbn": first["isbn"]}, headers=admin_headers
    )
    assert response.status_code == 409


def test_an_author_with_books_cannot_be_deleted(client, admin_headers, create_book):
    book = create_book()
    assert client.delete(f"/authors/{book['author_id']}", headers=admin_headers).status_code == 409
    assert client.delete(f"/books/{book['id']}", headers=admin_headers).status_code == 204
    assert client.delete(f"/authors/{book['author_id']}", headers=admin_headers).status_code == 204


def test_lists_are_paged_newest_first(client, create_author):
    ids = [create_author(name=f"Paged {n}")["id"] for n in range(5)]
    page = client.get("/authors?name=paged&per_page=2&page=2").get_json()
    assert page["total"] == 5
    assert [item["id"] for item in page["items"]] == [ids[2], ids[1]]
    past = client.get("/authors?name=paged&per_page=2&page=9").get_json()
    assert past["items"] == [] and past["total"] == 5


def test_text_filters_match_literally_and_ignore_case(client, create_author):
    create_author(name="100% _Real_ Ünïcode")
    create_author(name="1000 Rally")
    assert client.get("/authors?name=%25 _").get_json()["total"] == 1
    assert client.get("/authors?name=ÜNÏ").get_json()["total"] == 1
    assert client.get("/authors?name=10").get_json()["total"] == 2


def test_books_filter_by_author_title_and_availability(
    client, create_author, create_book, member, borrow
):
    author = create_author()
    lent = create_book(author_id=author["id"], title="The Lent One")
    kept = create_book(author_id=author["id"], title="The Kept One")
    borrow(member, lent["id"])
    base = f"/books?author_id={author['id']}"
    assert [b["id"] for b in client.get(base + "&available=false").get_json()["items"]] == [
        lent["id"]
    ]
    assert [b["id"] for b in client.get(base + "&available=true").get_json()["items"]] == [
        kept["id"]
    ]
    assert client.get(base + "&title=kept").get_json()["total"] == 1


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=-1",
        "page=abc",
        "page=1.5",
        "per_page=101",
        "per_page=0",
        "available=yes",
        "author_id=x",
        "title=" + "t" * 301,
    ],
)
def test_bad_query_parameters_are_422(client, query):
    response = client.get(f"/books?{query}")
    assert response.status_code == 422
    assert query.split("=")[0] in response.get_json()["error"]["fields"]


def test_defaults_are_page_1_of_20(client):
    page = client.get("/books").get_json()
    assert (page["page"], page["per_page"]) == (1, 20)


def test_unique_isbn_helper_matches_the_brief():
    assert isbn13(30640615)[-1] == "7"
