import gzip

import pytest

from library import create_app
from library.config import ConfigError, database_path


def test_health(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


@pytest.mark.parametrize("path", ["/health", "/nowhere", "/me"])
def test_security_headers_are_on_every_response(client, path):
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert (
        response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    )
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_request_ids_are_echoed_or_generated(client):
    assert (
        client.get("/health", headers={"X-Request-ID": "abc-1.2_3"}).headers["X-Request-ID"]
        == "abc-1.2_3"
    )
    generated = {
        client.get("/health", headers={"X-Request-ID": bad}).headers["X-Request-ID"]
        for bad in ("has space", "x" * 129, "")
    }
    assert len(generated) == 3
    assert "has space" not in generated


def test_etag_and_304(client, create_author, admin_headers):
    author = create_author()
    path = f"/authors/{author['id']}"
    first = client.get(path)
    etag = first.headers["ETag"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    client.patch(path, json={"name": "Changed"}, headers=admin_headers)
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag


def test_large_bodies_are_gzipped_only_when_asked(client, create_author):
    for n in range(10):
        create_author(name=f"A rather long author name number {n} " * 3)
    plain = client.get("/authors")
    assert "Content-Encoding" not in plain.headers
    zipped = client.get("/authors", headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(zipped.data) == plain.data
    small = client.get("/health", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in small.headers


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        (b'{"name": ', "application/json", 400, "bad_request"),
        (b"", "application/json", 400, "bad_request"),
        (b'{"name": "\xff"}', "application/json", 400, "bad_request"),
        (b'{"name": NaN}', "application/json", 400, "bad_request"),
        (b"name=x", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
        (b'"x"', "application/json", 422, "validation_error"),
    ],
)
def test_body_errors(client, admin_headers, body, content_type, status, code):
    headers = {**admin_headers, "Content-Type": content_type}
    response = client.post("/authors", data=body, headers=headers)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code


def test_a_huge_json_integer_is_a_422(client, member):
    body = b'{"book_id": ' + b"9" * 5000 + b"}"
    headers = {**member["headers"], "Content-Type": "application/json"}
    assert client.post("/loans", data=body, headers=headers).status_code == 422


def test_a_body_without_content_type_is_415(client, admin_headers):
    response = client.post("/authors", data=b'{"name": "x"}', headers=admin_headers)
    assert response.status_code == 415


def test_a_body_over_1_mib_is_413(client):
    body = b'{"name": "' + b"x" * (1024 * 1024) + b'"}'
    response = client.post("/auth/register", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"


@pytest.mark.parametrize("path", ["/nowhere", "/books/abc", "/authors/0", "/books/" + "9" * 30])
def test_not_found_is_json(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_wrong_method_is_405_with_allow(client):
    response = client.delete("/health")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


def test_path_404_comes_before_body_errors(client, admin_headers):
    response = client.patch("/authors/999999", data=b"x", headers=admin_headers)
    assert response.status_code == 404


def test_unexpected_errors_are_json_500(app, monkeypatch):
    from library.routes import health

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setitem(app.view_functions, "health.health", broken)
    assert health.bp.name == "health"
    response = app.test_client().get("/health")
    assert response.status_code == 500
    assert response.get_json() == {
        "error": {"code": "internal_error", "message": "an unexpected error occurred"}
    }


def test_database_url_parsing():
    assert database_path("sqlite:////data/library.db") == "/data/library.db"
    assert database_path("sqlite:///library.db") == "library.db"
    for bad in ("postgresql://x/y", "sqlite://", "sqlite:///:memory:", "sqlite://host/x.db"):
        with pytest.raises(ConfigError):
            database_path(bad)


def test_the_secret_must_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("JWT_SECRET", raising=False)
    with pytest.raises(ConfigError):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})


def test_state_survives_a_restart(app, client, member, create_book, borrow):
    loan = borrow(member, create_book()["id"])
    client.post("/auth/logout", headers=member["headers"])
    restarted = create_app(
        {
            key: app.config[key]
            for key in ("DATABASE_URL", "JWT_SECRET", "ADMIN_EMAIL", "ADMIN_PASSWORD")
        }
    ).test_client()
    assert restarted.get(f"/books/{loan['book_id']}").get_json()["available"] is False
    assert restarted.get("/me", headers=member["headers"]).status_code == 401
