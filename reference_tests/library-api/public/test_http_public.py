"""Public HTTP-semantics checks for library-api: pagination, filters, caching, compression."""

from urllib.parse import urlsplit

import pytest
from conftest import describe, expect, expect_success


@pytest.mark.criterion("http_semantics.health")
def test_health_answers_ok(client):
    assert expect(client.get("/health"), 200) == {"status": "ok"}


@pytest.mark.criterion("http_semantics.pagination")
def test_a_page_has_items_page_per_page_and_total(client, create_author, create_book):
    author = create_author()
    for _ in range(3):
        create_book(author_id=author["id"])
    page = expect(client.get("/books", params={"author_id": author["id"], "per_page": 2}), 200)
    assert isinstance(page, dict), f"expected an object, got {page!r}"
    assert page.get("total") == 3, (
        f"expected total 3 (the author's books), got {page.get('total')!r}"
    )
    assert page.get("page") == 1, f"expected page 1, got {page.get('page')!r}"
    assert page.get("per_page") == 2, f"expected per_page 2, got {page.get('per_page')!r}"
    assert len(page.get("items") or []) == 2, (
        f"expected 2 items on a page of 2, got {page.get('items')!r}"
    )


@pytest.mark.criterion("http_semantics.filtering")
def test_books_filter_by_availability(client, member, create_author, create_book, borrow):
    author = create_author()
    lent, kept = create_book(author_id=author["id"]), create_book(author_id=author["id"])
    borrow(member, lent["id"])
    page = expect(
        client.get("/books", params={"author_id": author["id"], "available": "false"}), 200
    )
    ids = [item.get("id") for item in page.get("items", [])]
    assert ids == [lent["id"]], (
        f"expected only the book on loan ({lent['id']}, not {kept['id']}), got {ids}"
    )


@pytest.mark.criterion("http_semantics.conditional")
def test_if_none_match_with_the_etag_answers_304(client, create_author):
    path = f"/authors/{create_author()['id']}"
    response = client.get(path)
    expect(response, 200)
    etag = response.headers.get("etag")
    assert etag, f"expected an ETag header on GET {path}, got {dict(response.headers)!r}"
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304, (
        f"expected 304 for If-None-Match: {etag}, got {describe(again)}"
    )
    assert again.content == b"", f"expected no body with a 304, got {again.content[:100]!r}"


@pytest.mark.criterion("http_semantics.compression")
def test_a_large_response_is_gzipped_when_asked(client, create_author, create_book):
    author = create_author()
    for n in range(4):
        create_book(author_id=author["id"], title=f"{n} " + "a long title " * 15)
    response = client.get(
        "/books", params={"author_id": author["id"]}, headers={"Accept-Encoding": "gzip"}
    )
    expect(response, 200)
    assert len(response.content) >= 500, "setup: the response should be at least 500 bytes"
    assert response.headers.get("content-encoding") == "gzip", (
        f"expected Content-Encoding: gzip for a {len(response.content)}-byte body, "
        f"got {response.headers.get('content-encoding')!r}"
    )


@pytest.mark.criterion("http_semantics.request_id")
def test_x_request_id_is_echoed(client, unique):
    request_id = unique("req")
    response = client.get("/health", headers={"X-Request-ID": request_id})
    assert response.headers.get("x-request-id") == request_id, (
        f"expected X-Request-ID {request_id!r} back, got {response.headers.get('x-request-id')!r}"
    )


@pytest.mark.criterion("http_semantics.location")
def test_a_new_author_has_a_location(client, admin, unique):
    response = client.post("/authors", json={"name": unique("Author")}, headers=admin.headers)
    author = expect_success(response, "POST /authors")
    location = response.headers.get("location", "")
    assert urlsplit(location).path == f"/authors/{author['id']}", (
        f"expected Location: /authors/{author['id']}, got {location!r}"
    )


@pytest.mark.criterion("http_semantics.pagination")
def test_the_defaults_are_page_1_of_20(client):
    page = expect(client.get("/authors"), 200)
    assert page.get("page") == 1, f"expected page 1 by default, got {page.get('page')!r}"
    assert page.get("per_page") == 20, (
        f"expected per_page 20 by default, got {page.get('per_page')!r}"
    )
    assert len(page.get("items", [])) <= 20, (
        f"expected at most 20 items, got {len(page.get('items', []))}"
    )


@pytest.mark.criterion("http_semantics.request_id")
def test_a_request_id_is_made_when_none_is_sent(client):
    first, second = client.get("/health"), client.get("/health")
    ids = [first.headers.get("x-request-id"), second.headers.get("x-request-id")]
    assert all(ids), f"expected an X-Request-ID on every response, got {ids}"
    assert ids[0] != ids[1], f"expected a different X-Request-ID per request, got {ids}"
