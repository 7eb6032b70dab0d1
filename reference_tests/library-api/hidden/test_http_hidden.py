"""Hidden HTTP-semantics checks for library-api."""

import gzip
import json
from urllib.parse import urlsplit

import pytest
from conftest import describe, expect, expect_success


def ids_of(page):
    items = page.get("items") if isinstance(page, dict) else None
    assert isinstance(items, list), f"expected {{'items': [...], ...}}, got {page!r}"
    return [item.get("id") for item in items]


@pytest.fixture
def five_books(create_author, create_book):
    """An author with five books; returns (author, book ids in creation order)."""
    author = create_author()
    return author, [create_book(author_id=author["id"])["id"] for _ in range(5)]


@pytest.mark.criterion("http_semantics.pagination")
def test_pages_split_the_list_newest_first(client, five_books):
    author, ids = five_books
    pages = [
        expect(
            client.get("/books", params={"author_id": author["id"], "per_page": 2, "page": n}), 200
        )
        for n in (1, 2, 3)
    ]
    seen = [ids_of(page) for page in pages]
    expected = [[ids[4], ids[3]], [ids[2], ids[1]], [ids[0]]]
    assert seen == expected, f"expected pages {expected} (newest first), got {seen}"
    totals = [page.get("total") for page in pages]
    assert totals == [5, 5, 5], f"expected total 5 on every page, got {totals}"


@pytest.mark.criterion("http_semantics.pagination")
def test_a_page_past_the_end_is_empty(client, five_books):
    author, _ = five_books
    page = expect(
        client.get("/books", params={"author_id": author["id"], "per_page": 2, "page": 4}), 200
    )
    assert page.get("items") == [], (
        f"expected no items past the last page, got {page.get('items')!r}"
    )
    assert page.get("total") == 5, (
        f"expected total 5 past the last page too, got {page.get('total')!r}"
    )
    assert page.get("page") == 4, f"expected page 4, got {page.get('page')!r}"


@pytest.mark.criterion("http_semantics.pagination")
def test_per_page_100_is_allowed(client):
    page = expect(client.get("/books", params={"per_page": 100}), 200)
    assert page.get("per_page") == 100, f"expected per_page 100, got {page.get('per_page')!r}"


@pytest.mark.criterion("http_semantics.pagination")
def test_loans_are_paginated_too(client, member, create_book, borrow):
    loans = [borrow(member, create_book()["id"])["id"] for _ in range(3)]
    page = expect(client.get("/loans", params={"per_page": 2}, headers=member.headers), 200)
    assert page.get("total") == 3, (
        f"expected total 3 (the member's loans), got {page.get('total')!r}"
    )
    assert ids_of(page) == [loans[2], loans[1]], (
        f"expected the 2 newest loans {[loans[2], loans[1]]}, got {ids_of(page)}"
    )


@pytest.mark.criterion("http_semantics.filtering")
def test_authors_filter_by_part_of_the_name_ignoring_case(client, create_author, unique):
    marker = unique("Tolkien").lower()
    wanted = create_author(name=f"J. R. R. {marker.upper()}")
    create_author()
    page = expect(client.get("/authors", params={"name": marker}), 200)
    assert ids_of(page) == [wanted["id"]], (
        f"?name={marker}: expected only author {wanted['id']}, got {ids_of(page)}"
    )


@pytest.mark.criterion("http_semantics.filtering")
def test_books_filter_by_part_of_the_title_ignoring_case(client, create_book, unique):
    marker = unique("Silmarillion").lower()
    wanted = create_book(title=f"The {marker.upper()} Again")
    create_book()
    page = expect(client.get("/books", params={"title": marker}), 200)
    assert ids_of(page) == [wanted["id"]], (
        f"?title={marker}: expected only book {wanted['id']}, got {ids_of(page)}"
    )


@pytest.mark.criterion("http_semantics.filtering")
def test_books_filter_by_author(client, five_books, create_book):
    author, ids = five_books
    create_book()
    page = expect(client.get("/books", params={"author_id": author["id"], "per_page": 100}), 200)
    assert sorted(ids_of(page)) == sorted(ids), (
        f"?author_id={author['id']}: expected books {ids}, got {ids_of(page)}"
    )


@pytest.mark.criterion("http_semantics.filtering")
def test_available_true_leaves_out_books_on_loan(client, member, five_books, borrow):
    author, ids = five_books
    borrow(member, ids[0])
    page = expect(
        client.get("/books", params={"author_id": author["id"], "available": "true"}), 200
    )
    assert sorted(ids_of(page)) == sorted(ids[1:]), (
        f"expected the 4 books not on loan {ids[1:]}, got {ids_of(page)}"
    )


@pytest.mark.criterion("http_semantics.filtering")
def test_loans_filter_by_active(client, member, create_book, borrow):
    returned, open_loan = borrow(member, create_book()["id"]), borrow(member, create_book()["id"])
    expect(client.post(f"/loans/{returned['id']}/return", headers=member.headers), 200)
    active = expect(client.get("/loans", params={"active": "true"}, headers=member.headers), 200)
    done = expect(client.get("/loans", params={"active": "false"}, headers=member.headers), 200)
    assert ids_of(active) == [open_loan["id"]], (
        f"?active=true: expected [{open_loan['id']}], got {ids_of(active)}"
    )
    assert ids_of(done) == [returned["id"]], (
        f"?active=false: expected [{returned['id']}], got {ids_of(done)}"
    )


@pytest.mark.criterion("http_semantics.conditional")
def test_the_etag_changes_when_the_resource_does(client, admin, create_author, unique):
    path = f"/authors/{create_author()['id']}"
    etag = client.get(path).headers.get("etag")
    assert etag, f"expected an ETag on GET {path}"
    expect(client.patch(path, json={"name": unique("Changed")}, headers=admin.headers), 200)
    response = client.get(path, headers={"If-None-Match": etag})
    assert response.status_code == 200, (
        f"the author changed: expected 200 for the old ETag, got {describe(response)}"
    )
    assert response.headers.get("etag") != etag, "expected a new ETag after the change"


@pytest.mark.criterion("http_semantics.conditional")
def test_lists_have_etags_too(client, create_book):
    book = create_book()
    params = {"author_id": book["author_id"]}
    etag = client.get("/books", params=params).headers.get("etag")
    assert etag, "expected an ETag on GET /books"
    response = client.get("/books", params=params, headers={"If-None-Match": etag})
    assert response.status_code == 304, (
        f"expected 304 for an unchanged list, got {describe(response)}"
    )


@pytest.mark.criterion("http_semantics.conditional")
def test_a_304_carries_the_etag(client, create_book):
    path = f"/books/{create_book()['id']}"
    etag = client.get(path).headers.get("etag")
    assert etag, f"expected an ETag on GET {path}"
    response = client.get(path, headers={"If-None-Match": etag})
    assert response.status_code == 304, f"expected 304, got {describe(response)}"
    assert response.headers.get("etag") == etag, (
        f"expected the 304 to carry ETag {etag}, got {response.headers.get('etag')!r}"
    )


@pytest.mark.criterion("http_semantics.conditional")
def test_another_etag_gets_the_full_answer(client, create_author):
    path = f"/authors/{create_author()['id']}"
    response = client.get(path, headers={"If-None-Match": '"not-the-etag"'})
    assert response.status_code == 200, (
        f"expected 200 for an ETag that does not match, got {describe(response)}"
    )


def large_list(client, create_author, create_book):
    author = create_author()
    for n in range(4):
        create_book(author_id=author["id"], title=f"{n} " + "a long title " * 15)
    return {"author_id": author["id"]}


@pytest.mark.criterion("http_semantics.compression")
def test_nothing_is_compressed_unless_asked(client, create_author, create_book):
    params = large_list(client, create_author, create_book)
    response = client.get("/books", params=params, headers={"Accept-Encoding": "identity"})
    expect(response, 200)
    assert "content-encoding" not in response.headers, (
        f"the client did not accept gzip, "
        f"got Content-Encoding: {response.headers.get('content-encoding')}"
    )


@pytest.mark.criterion("http_semantics.compression")
def test_the_gzipped_body_is_the_same_json(client, create_author, create_book):
    params = large_list(client, create_author, create_book)
    plain = expect(
        client.get("/books", params=params, headers={"Accept-Encoding": "identity"}), 200
    )
    with client.stream(
        "GET", "/books", params=params, headers={"Accept-Encoding": "gzip"}
    ) as response:
        raw = b"".join(response.iter_raw())
        encoding = response.headers.get("content-encoding")
        vary = response.headers.get("vary", "")
    assert encoding == "gzip", f"expected Content-Encoding: gzip, got {encoding!r}"
    assert "accept-encoding" in vary.lower(), f"expected Vary: Accept-Encoding, got {vary!r}"
    assert json.loads(gzip.decompress(raw)) == plain, (
        "the gzipped body is not the same JSON as the plain one"
    )


@pytest.mark.criterion("http_semantics.compression")
def test_a_body_of_exactly_500_bytes_is_gzipped(client, admin, create_author, unique):
    marker = unique("pad").lower()
    authors = [create_author(name=f"{marker}-{n}") for n in range(2)]
    params, identity = {"name": marker}, {"Accept-Encoding": "identity"}
    missing = 500 - len(client.get("/authors", params=params, headers=identity).content)
    for author in authors:  # grow the names (at most 200 characters) until the page is 500 bytes
        grow = max(0, min(missing, 200 - len(author["name"])))
        body = {"name": author["name"] + "x" * grow}
        expect(client.patch(f"/authors/{author['id']}", json=body, headers=admin.headers), 200)
        missing -= grow
    plain = client.get("/authors", params=params, headers=identity)
    if len(plain.content) != 500:  # bodies that vary in length: nothing to judge exactly
        return
    with client.stream(
        "GET", "/authors", params=params, headers={"Accept-Encoding": "gzip"}
    ) as got:
        encoding = got.headers.get("content-encoding")
    assert encoding == "gzip", (
        f"a 500-byte body must be gzipped (500 bytes or more), got Content-Encoding {encoding!r}"
    )


@pytest.mark.criterion("http_semantics.request_id")
def test_errors_carry_the_request_id(client, unique):
    request_id = unique("req")
    for response in (
        client.get("/no/such/path", headers={"X-Request-ID": request_id}),
        client.get("/me", headers={"X-Request-ID": request_id}),
    ):
        assert response.headers.get("x-request-id") == request_id, (
            f"expected X-Request-ID {request_id!r} on {describe(response)}, "
            f"got {response.headers.get('x-request-id')!r}"
        )


@pytest.mark.criterion("http_semantics.request_id")
@pytest.mark.parametrize(
    "sent", ["x" * 129, "has spaces in it", "semi;colon"], ids=["too-long", "spaces", "semicolon"]
)
def test_an_unusable_request_id_is_replaced(client, sent):
    response = client.get("/health", headers={"X-Request-ID": sent})
    received = response.headers.get("x-request-id")
    assert received, "expected a generated X-Request-ID"
    assert received != sent, f"expected {sent!r} to be replaced by a generated id, got it back"


@pytest.mark.criterion("http_semantics.location")
def test_a_new_book_has_a_location(client, admin, create_author, new_isbn, unique):
    body = {"title": unique("Title"), "isbn": new_isbn(), "author_id": create_author()["id"]}
    response = client.post("/books", json=body, headers=admin.headers)
    book = expect_success(response, "POST /books")
    location = response.headers.get("location", "")
    assert urlsplit(location).path == f"/books/{book['id']}", (
        f"expected Location: /books/{book['id']}, got {location!r}"
    )


@pytest.mark.criterion("http_semantics.location")
def test_a_new_loan_has_a_location(client, member, create_book):
    response = client.post("/loans", json={"book_id": create_book()["id"]}, headers=member.headers)
    loan = expect_success(response, "POST /loans")
    location = response.headers.get("location", "")
    assert urlsplit(location).path == f"/loans/{loan['id']}", (
        f"expected Location: /loans/{loan['id']}, got {location!r}"
    )


@pytest.mark.criterion("http_semantics.health")
def test_health_is_json_and_needs_no_token(client):
    response = client.get("/health")
    assert expect(response, 200) == {"status": "ok"}, (
        f"expected {{'status': 'ok'}}, got {describe(response)}"
    )
    assert response.headers.get("content-type", "").startswith("application/json"), (
        f"expected a JSON content type, got {response.headers.get('content-type')!r}"
    )
