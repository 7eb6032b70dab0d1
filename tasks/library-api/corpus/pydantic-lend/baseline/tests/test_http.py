import gzip
import sys

import pytest

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}


def test_health(client):
    assert client.get("/health").json == {"status": "ok"}


@pytest.mark.parametrize("path", ["/health", "/missing", "/me"])
def test_security_headers(client, path):
    response = client.get(path)
    for name, value in HEADERS.items():
        assert response.headers[name] == value


def test_request_ids(client):
    assert client.get("/health", headers={"X-Request-ID": "a.b_c-1"}).headers["X-Request-ID"] == (
        "a.b_c-1"
    )
    for bad in ("has space", "y" * 129, "semi;colon"):
        generated = client.get("/health", headers={"X-Request-ID": bad}).headers["X-Request-ID"]
        assert generated and generated != bad
    first = client.get("/health").headers["X-Request-ID"]
    assert first != client.get("/health").headers["X-Request-ID"]


def test_conditional_get(client, admin, new_author):
    path = f"/authors/{new_author()['id']}"
    etag = client.get(path).headers["ETag"]
    cached = client.get(path, headers={"If-None-Match": etag})
    assert cached.status_code == 304
    assert cached.data == b""
    assert cached.headers["ETag"] == etag
    assert cached.headers["X-Content-Type-Options"] == "nosniff"
    client.patch(path, json={"name": "Renamed"}, headers=admin.headers)
    fresh = client.get(path, headers={"If-None-Match": etag})
    assert fresh.status_code == 200
    assert fresh.headers["ETag"] != etag


def test_gzip(client, new_author, new_book):
    author = new_author()
    for n in range(4):
        new_book(author_id=author["id"], title=f"{n}" + " padding title" * 15)
    query = {"author_id": author["id"]}
    packed = client.get("/books", query_string=query, headers={"Accept-Encoding": "gzip, br"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert b"padding title" in gzip.decompress(packed.data)
    assert "Content-Encoding" not in client.get("/books", query_string=query).headers
    identity = client.get("/books", query_string=query, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in identity.headers
    small = client.get("/health", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in small.headers


def test_405_lists_allowed_methods(client):
    response = client.delete("/health")
    assert response.status_code == 405
    assert response.json["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize(
    "raw", [b"", b"{", b"{'a': 1}", b"\xff\xfe", b'{"a": Infinity}', b"[" * 100_000]
)
def test_malformed_json(client, admin, raw):
    response = client.post(
        "/authors", data=raw, headers={**admin.headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json["error"]["code"] == "bad_request"


def test_media_type(client, admin):
    form = client.post("/authors", data={"name": "x"}, headers=admin.headers)
    assert form.status_code == 415
    assert form.json["error"]["code"] == "unsupported_media_type"
    text = client.post(
        "/authors", data='{"name": "x"}', headers={**admin.headers, "Content-Type": "text/plain"}
    )
    assert text.status_code == 415


@pytest.mark.parametrize("raw", [b"[]", b'"text"', b"1", b"null"])
def test_non_object_body(client, admin, raw):
    headers = {**admin.headers, "Content-Type": "application/json"}
    response = client.post("/authors", data=raw, headers=headers)
    assert response.status_code == 422
    assert "body" in response.json["error"]["fields"]


def test_oversized_body(client, admin):
    raw = b'{"name": "' + b"n" * (1024 * 1024 + 1) + b'"}'
    response = client.post(
        "/authors", data=raw, headers={**admin.headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 413


def test_lone_surrogate_is_422(client, admin):
    response = client.post(
        "/authors",
        data=b'{"name": "\\udc00"}',
        headers={**admin.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 422


def test_crash_is_a_json_500(app, client, monkeypatch):
    def boom(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(sys.modules["lending.api.authors"], "query", boom)
    response = client.get("/authors")
    assert response.status_code == 500
    assert response.json["error"]["code"] == "internal_error"
