import gzip

import pytest


def test_security_headers_everywhere(client):
    for response in (client.get("/health"), client.get("/nope"), client.get("/me")):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Content-Security-Policy"] == (
            "default-src 'none'; frame-ancestors 'none'"
        )
        assert response.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize(
    ("sent", "echoed"),
    [("abc-123_x.y", True), ("x" * 128, True), ("x" * 129, False), ("bad id!", False)],
)
def test_request_id(client, sent, echoed):
    response = client.get("/health", headers={"X-Request-ID": sent})
    assert (response.headers["X-Request-ID"] == sent) is echoed
    assert response.headers["X-Request-ID"]


def test_request_ids_are_unique(client):
    assert (
        client.get("/health").headers["X-Request-ID"]
        != client.get("/health").headers["X-Request-ID"]
    )


def test_etag_and_304(client, admin, author):
    created = author()
    path = f"/authors/{created['id']}"
    first = client.get(path)
    etag = first.headers["ETag"]
    cached = client.get(path, headers={"If-None-Match": etag})
    assert cached.status_code == 304
    assert cached.data == b""
    assert cached.headers["ETag"] == etag
    assert cached.headers["X-Frame-Options"] == "DENY"
    client.patch(path, json={"name": "Changed"}, headers=admin)
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag


def test_gzip_only_when_accepted_and_large(client, author, book):
    writer = author()
    for n in range(4):
        book(author_id=writer["id"], title=f"{n} " + "a long title " * 15)
    query = {"author_id": writer["id"]}
    zipped = client.get("/books", query_string=query, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert b"long title" in gzip.decompress(zipped.data)
    plain = client.get("/books", query_string=query)
    assert "Content-Encoding" not in plain.headers
    refused = client.get("/books", query_string=query, headers={"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in refused.headers
    small = client.get("/health", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in small.headers


def test_method_not_allowed(client):
    response = client.put("/books")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize(
    "body",
    [b"", b'{"name": ', b"{'a': 1}", b'{"name": "\xff"}', b"[" * 50000, b'{"a": NaN}'],
)
def test_bad_json_is_400(client, admin, body):
    headers = {**admin, "Content-Type": "application/json"}
    response = client.post("/authors", data=body, headers=headers)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_wrong_content_type_is_415(client, admin):
    response = client.post("/authors", data={"name": "x"}, headers=admin)
    assert response.status_code == 415
    no_type = client.post("/authors", data=b'{"name": "x"}', headers=admin)
    assert no_type.status_code == 415


@pytest.mark.parametrize("body", [[], "x", 3])
def test_a_body_that_is_not_an_object_is_422(client, admin, body):
    response = client.post("/authors", json=body, headers=admin)
    assert response.status_code == 422
    assert "body" in response.get_json()["error"]["fields"]


def test_too_large_is_413(client, admin):
    body = b'{"name": "' + b"x" * (1024 * 1024) + b'"}'
    headers = {**admin, "Content-Type": "application/json"}
    response = client.post("/authors", data=body, headers=headers)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"


def test_unexpected_errors_are_json_500(app, client, monkeypatch):
    monkeypatch.setattr("library.routes.meta.jsonify", lambda _: 1 / 0)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/health")
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"


def test_surrogates_are_refused_not_crashing(client, admin):
    headers = {**admin, "Content-Type": "application/json"}
    response = client.post("/authors", data=b'{"name": "\\ud800"}', headers=headers)
    assert response.status_code == 422
