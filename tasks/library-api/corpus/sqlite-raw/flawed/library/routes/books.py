"""Books: anyone reads, admins write. "available" is derived from the open loans."""

from __future__ import annotations

import sqlite3
from typing import Any

from flask import Blueprint

from ..auth import admin_required
from ..db import transaction
from ..errors import conflict, not_found
from ..validation import QueryParams, Validator, json_body
from .common import created, exists, fetch_one, page_of

bp = Blueprint("books", __name__)

# book_view (see db.py) adds the derived "available" column to books.
BOOK_BY_ID = """
SELECT id, title, isbn, author_id, published_year, available FROM book_view WHERE id = ?
"""
COUNT_BOOKS = """
SELECT COUNT(*) FROM book_view
WHERE (:title IS NULL OR instr(py_lower(title), :title) > 0)
  AND (:author_id IS NULL OR author_id = :author_id)
  AND (:available IS NULL OR available = :available)
"""
LIST_BOOKS = """
SELECT id, title, isbn, author_id, published_year, available FROM book_view
WHERE (:title IS NULL OR instr(py_lower(title), :title) > 0)
  AND (:author_id IS NULL OR author_id = :author_id)
  AND (:available IS NULL OR available = :available)
ORDER BY id DESC LIMIT :limit OFFSET :offset
"""
AUTHOR_EXISTS = "SELECT 1 FROM authors WHERE id = ?"
ISBN_TAKEN = "SELECT 1 FROM books WHERE isbn = ? AND id != ?"
DUPLICATE_ISBN = "another book already has this ISBN"


def serialize_book(row: sqlite3.Row) -> dict[str, Any]:
    book = {key: row[key] for key in ("id", "title", "isbn", "author_id", "published_year")}
    book["available"] = bool(row["available"])
    return book


def find_book(book_id: int) -> sqlite3.Row:
    row = fetch_one(BOOK_BY_ID, book_id)
    if row is None:
        raise not_found(f"book {book_id} does not exist")
    return row


def book_rules(data: dict[str, Any], partial: bool) -> dict[str, Any]:
    rules = Validator(data, partial=partial)
    rules.text("title", 300)
    rules.isbn()
    rules.reference("author_id", exists(AUTHOR_EXISTS))
    rules.year("published_year")
    return rules.check()


def save_book(book_id: int | None, values: dict[str, Any]) -> int:
    """Insert (book_id None) or update a book; 409 if another book has its ISBN."""
    params = (values["title"], values["isbn"], values["author_id"], values.get("published_year"))
    try:
        with transaction() as db:
            if db.execute(ISBN_TAKEN, (values["isbn"], book_id or 0)).fetchone():
                raise conflict(DUPLICATE_ISBN)
            if book_id is None:
                return db.execute(
                    "INSERT INTO books (title, isbn, author_id, published_year) "
                    "VALUES (?, ?, ?, ?)",
                    params,
                ).lastrowid
            db.execute(
                "UPDATE books SET title = ?, isbn = ?, author_id = ?, published_year = ? "
                "WHERE id = ?",
                (*params, book_id),
            )
            return book_id
    except sqlite3.IntegrityError:
        raise conflict(DUPLICATE_ISBN) from None


@bp.get("/books")
def list_books():
    query = QueryParams()
    page = query.page()
    title = query.text("title", 300)
    author_id = query.integer("author_id", None, 1, 2**63 - 1)
    available = query.boolean("available")
    query.check()
    params = {
        "title": title.lower() if title is not None else None,
        "author_id": author_id,
        "available": available,
    }
    return page_of(COUNT_BOOKS, LIST_BOOKS, params, page, serialize_book)


@bp.post("/books")
@admin_required
def create_book():
    book_id = save_book(None, book_rules(json_body(), partial=False))
    return created(serialize_book(find_book(book_id)), f"/books/{book_id}")


@bp.get("/books/<int:book_id>")
def get_book(book_id: int):
    return serialize_book(find_book(book_id))


@bp.patch("/books/<int:book_id>")
@admin_required
def update_book(book_id: int):
    current = serialize_book(find_book(book_id))
    data = book_rules(json_body(), partial=True)
    save_book(book_id, {**current, **data})
    return serialize_book(find_book(book_id))


@bp.delete("/books/<int:book_id>")
@admin_required
def delete_book(book_id: int):
    find_book(book_id)
    with transaction() as db:
        db.execute("DELETE FROM loans WHERE book_id = ?", (book_id,))
        db.execute("DELETE FROM books WHERE id = ?", (book_id,))
    return "", 204
