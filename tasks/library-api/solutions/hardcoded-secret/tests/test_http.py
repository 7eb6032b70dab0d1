import gzip


def test_lists_are_paginated_newest_first(client, admin):
    ids = [client.post("/authors", json={"name": f"A{n}"}, headers=admin).json["id"] for n in range(3)]
    page = client.get("/authors?per_page=2").json
    assert page["total"] == 3
    assert [item["id"] for item in page["items"]] == ids[:0:-1]
    assert client.get("/authors?page=3&per_page=2").json["items"] == []


def test_etag_and_304(client, book):
    first = client.get(f"/books/{book['id']}")
    again = client.get(f"/books/{book['id']}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""


def test_gzip_when_asked(client, admin):
    for n in range(10):
        client.post("/authors", json={"name": f"An author with a long enough name {n}"}, headers=admin)
    response = client.get("/authors", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert b'"total":10' in gzip.decompress(response.data)
    assert "Content-Encoding" not in client.get("/authors").headers


def test_every_response_has_an_id_and_the_security_headers(client):
    echoed = client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["X-Request-ID"] == "abc-123"
    missing = client.get("/nowhere")
    assert missing.status_code == 404
    assert missing.json["error"]["code"] == "not_found"
    assert missing.headers["X-Request-ID"]
    assert missing.headers["X-Content-Type-Options"] == "nosniff"
    assert missing.headers["Content-Security-Policy"].startswith("default-src 'none'")
