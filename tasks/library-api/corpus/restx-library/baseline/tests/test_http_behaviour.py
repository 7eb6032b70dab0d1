import gzip

import pytest


def test_health(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_pages_are_newest_first_with_a_total(client, make_author):
    ids = [make_author()["id"] for _ in range(5)]
    page = client.get("/authors", query_string={"per_page": 2, "page": 2}).get_json()
    assert page["total"] == 5
    assert [item["id"] for item in page["items"]] == [ids[2], ids[1]]
    past = client.get("/authors", query_string={"page": 9}).get_json()
    assert past["items"] == [] and past["total"] == 5


@pytest.mark.parametrize(
    ("name", "value"),
    [("page", "0"), ("page", "-1"), ("page", "abc"), ("page", "1.5"), ("per_page", "101"),
     ("page", "100001"), ("per_page", " 5")],
)
def test_bad_paging_is_422(client, name, value):
    response = client.get("/books", query_string={name: value})
    assert response.status_code == 422
    assert name in response.get_json()["error"]["fields"]


@pytest.mark.parametrize(("path", "name", "value"), [
    ("/books", "available", "yes"), ("/books", "author_id", "x"), ("/loans", "active", "1"),
])
def test_bad_filters_are_422(client, admin, path, name, value):
    response = client.get(path, query_string={name: value}, headers=admin)
    assert response.status_code == 422
    assert name in response.get_json()["error"]["fields"]


def test_etag_and_304(client, admin, make_author):
    author = make_author()
    path = f"/authors/{author['id']}"
    first = client.get(path)
    etag = first.headers["ETag"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["X-Frame-Options"] == "DENY"
    client.patch(path, json={"name": "Changed"}, headers=admin)
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 200


def test_gzip_only_when_accepted_and_large(client, make_author):
    for n in range(10):
        make_author(name=f"{n} " + "a rather long author name " * 3)
    zipped = client.get("/authors", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(zipped.data).startswith(b"{")
    plain = client.get("/authors")
    assert "Content-Encoding" not in plain.headers
    small = client.get("/health", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in small.headers


def test_request_id_is_echoed_or_generated(client):
    assert client.get("/health", headers={"X-Request-ID": "abc.DEF_1-2"}).headers[
        "X-Request-ID"] == "abc.DEF_1-2"
    for bad in ("has space", "x" * 129, "é"):
        generated = client.get("/health", headers={"X-Request-ID": bad}).headers["X-Request-ID"]
        assert generated and generated != bad
    ids = {client.get("/health").headers["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3


def test_security_headers_on_errors(client):
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_error_statuses(client, admin):
    assert client.delete("/loans").status_code == 405
    assert "POST" in client.delete("/loans").headers["Allow"]
    assert client.post("/authors", data="name=x", headers=admin).status_code == 415
    bad_json = client.post("/authors", data=b'{"name": ', headers=admin,
                           content_type="application/json")
    assert bad_json.status_code == 400
    assert bad_json.get_json()["error"]["code"] == "bad_request"
    not_utf8 = client.post("/authors", data=b'{"name": "\xff"}', headers=admin,
                           content_type="application/json")
    assert not_utf8.status_code == 400
    listed = client.post("/authors", json=["x"], headers=admin)
    assert listed.status_code == 422
    assert "body" in listed.get_json()["error"]["fields"]
    big = client.post("/authors", data=b" " * (1024 * 1024 + 1), headers=admin,
                      content_type="application/json")
    assert big.status_code == 413


def test_checks_happen_in_order(client, admin, member):
    assert client.patch("/authors/999", data="x", headers=member["headers"]).status_code == 403
    assert client.patch("/authors/999", data="x", headers=admin).status_code == 404
    assert client.patch("/authors/0", json={}, headers=admin).status_code == 404
    assert client.post("/loans", data="x").status_code == 401


def test_an_unexpected_error_is_a_json_500(app, client, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("lending.api.authors.page_of", boom)
    response = client.get("/authors")
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"
    assert "boom" not in response.get_data(as_text=True)


def test_missing_configuration_fails_fast(monkeypatch):
    from lending.settings import MissingSetting, Settings

    monkeypatch.delenv("JWT_SECRET", raising=False)
    with pytest.raises(MissingSetting):
        Settings.from_env()
