import gzip

import pytest
from conftest import auth

from library import create_app
from library.config import ConfigurationError

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}


def test_health(client):
    response = client.get("/health")
    assert (response.status_code, response.json) == (200, {"status": "ok"})


@pytest.mark.parametrize("path", ["/health", "/missing", "/me", "/loans/1/return"])
def test_security_headers_everywhere(client, path):
    response = client.get(path)
    for name, value in HEADERS.items():
        assert response.headers[name] == value


def test_request_id(client):
    assert (
        client.get("/health", headers={"X-Request-ID": "trace.1_a-B"}).headers["X-Request-ID"]
        == "trace.1_a-B"
    )
    seen = {
        client.get("/health", headers={"X-Request-ID": v}).headers["X-Request-ID"]
        for v in ("bad id!", "z" * 129)
    }
    seen.add(client.get("/health").headers["X-Request-ID"])
    assert len(seen) == 3 and "bad id!" not in seen


def test_conditional_get(client, api, admin):
    author = api.author()
    url = f"/authors/{author['id']}"
    etag = client.get(url).headers["ETag"]
    cached = client.get(url, headers={"If-None-Match": etag})
    assert cached.status_code == 304
    assert cached.data == b""
    assert cached.headers["ETag"] == etag
    client.patch(url, json={"birth_year": 1901}, headers=admin)
    fresh = client.get(url, headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and fresh.headers["ETag"] != etag


def test_gzip_only_when_accepted_and_large(client, api):
    for n in range(8):
        api.author(name=f"A fairly long author name for compression {n} " * 2)
    plain = client.get("/authors")
    assert plain.headers.get("Content-Encoding") is None
    packed = client.get("/authors", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert (
        client.get("/health", headers={"Accept-Encoding": "gzip"}).headers.get("Content-Encoding")
        is None
    )


@pytest.mark.parametrize(
    ("data", "kind", "status"),
    [
        (b"{", "application/json", 400),
        (b"", "application/json", 400),
        (b"\xff\xfe", "application/json", 400),
        (b"[Infinity]", "application/json", 400),
        (b"{" * 3000, "application/json", 400),
        (b"[1]", "application/json", 422),
        (b"name=x", "application/x-www-form-urlencoded", 415),
        (b'{"name": "x"}', "text/plain", 415),
    ],
)
def test_body_errors(client, admin, data, kind, status):
    response = client.post("/authors", data=data, headers={**admin, "Content-Type": kind})
    assert response.status_code == status
    assert (
        response.json["error"]["code"]
        in {400: "bad_request", 415: "unsupported_media_type", 422: "validation_error"}[status]
    )


def test_too_large_numbers_and_bodies(client, api):
    member = api.member()
    body = b'{"book_id": ' + b"7" * 6000 + b"}"
    headers = {**member["headers"], "Content-Type": "application/json"}
    assert client.post("/loans", data=body, headers=headers).status_code == 422
    huge = b'{"name": "' + b"n" * (1024 * 1024 + 1) + b'"}'
    response = client.post("/auth/register", data=huge, content_type="application/json")
    assert response.status_code == 413


@pytest.mark.parametrize("url", ["/nope", "/authors/abc", "/authors/0", "/books/" + "1" * 25])
def test_json_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_json_405(client):
    response = client.put("/authors")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert response.json["error"]["code"] == "method_not_allowed"


def test_check_order(client, api, admin):
    member = api.member()
    assert client.patch("/authors/123456", data=b"x", headers=admin).status_code == 404
    assert client.post("/authors", data=b"x", headers=member["headers"]).status_code == 403


def test_crash_is_a_json_500(app):
    app.view_functions["health.health"] = lambda: 1 / 0
    response = app.test_client().get("/health")
    assert response.status_code == 500
    assert response.json["error"]["code"] == "internal_error"


def test_config_needs_secrets(monkeypatch, tmp_path):
    monkeypatch.delenv("JWT_SECRET", raising=False)
    with pytest.raises(ConfigurationError):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite"})


def test_everything_persists_across_restarts(client, api, settings):
    member = api.member()
    book = api.book()
    loan = api.borrow(member, book["id"])
    client.post("/auth/logout", headers=member["headers"])
    second = api.login(member["email"], "member-password-1")
    again = create_app(settings).test_client()
    assert again.get(f"/books/{book['id']}").json["available"] is False
    assert (
        again.get(f"/loans/{loan['id']}", headers=auth(second["access_token"])).status_code == 200
    )
    assert again.get("/me", headers=member["headers"]).status_code == 401
