import pytest

from library.validation import isbn13_checksum_ok


@pytest.mark.parametrize("isbn", ["9780306406157", "9780553383041", "9791032305690"])
def test_valid_isbns(isbn):
    assert isbn13_checksum_ok(isbn)


@pytest.mark.parametrize("isbn", ["9780306406158", "9780553383040"])
def test_wrong_check_digits(isbn):
    assert not isbn13_checksum_ok(isbn)


def test_every_problem_is_reported_at_once(client, admin):
    response = client.post("/books", json={"title": "", "isbn": "123"}, headers=admin)
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"title", "isbn", "author_id"}


def test_unknown_author_is_a_field_error(client, admin):
    body = {"title": "T", "isbn": "9780306406157", "author_id": 10**30}
    response = client.post("/books", json=body, headers=admin)
    assert response.status_code == 422
    assert "author_id" in response.json["error"]["fields"]


def test_malformed_json_and_wrong_content_type(client, admin):
    bad = client.post("/authors", data="{", content_type="application/json", headers=admin)
    assert bad.status_code == 400
    assert bad.json["error"]["code"] == "bad_request"
    form = client.post("/authors", data={"name": "x"}, headers=admin)
    assert form.status_code == 415


def test_bad_query_parameters_are_422(client):
    response = client.get("/books?per_page=101&available=maybe")
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"per_page", "available"}
