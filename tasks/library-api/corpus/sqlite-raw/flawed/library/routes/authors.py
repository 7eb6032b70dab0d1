"""Authors: anyone reads, admins write."""

from __future__ import annotations

import sqlite3
from typing import Any

from flask import Blueprint

from ..auth import admin_required
from ..db import transaction
from ..errors import conflict, not_found
from ..validation import QueryParams, Validator, json_body
from .common import created, fetch_one, page_of

bp = Blueprint("authors", __name__)

AUTHOR_BY_ID = "SELECT id, name, birth_year FROM authors WHERE id = ?"
COUNT_AUTHORS = """
SELECT COUNT(*) FROM authors
WHERE (:name IS NULL OR instr(py_lower(name), :name) > 0)
"""
LIST_AUTHORS = """
SELECT id, name, birth_year FROM authors
WHERE (:name IS NULL OR instr(py_lower(name), :name) > 0)
ORDER BY id DESC LIMIT :limit OFFSET :offset
"""


def serialize_author(row: sqlite3.Row) -> dict[str, Any]:
    return {"id": row["id"], "name": row["name"], "birth_year": row["birth_year"]}


def find_author(author_id: int) -> sqlite3.Row:
    row = fetch_one(AUTHOR_BY_ID, author_id)
    if row is None:
        raise not_found(f"author {author_id} does not exist")
    return row


def author_rules(data: dict[str, Any], partial: bool) -> dict[str, Any]:
    rules = Validator(data, partial=partial)
    rules.text("name", 200)
    rules.year("birth_year")
    return rules.check()


@bp.get("/authors")
def list_authors():
    query = QueryParams()
    page = query.page()
    name = query.text("name", 200)
    query.check()
    params = {"name": name.lower() if name is not None else None}
    return page_of(COUNT_AUTHORS, LIST_AUTHORS, params, page, serialize_author)


@bp.post("/authors")
@admin_required
def create_author():
    data = author_rules(json_body(), partial=False)
    with transaction() as db:
        cursor = db.execute(
            "INSERT INTO authors (name, birth_year) VALUES (?, ?)",
            (data["name"], data.get("birth_year")),
        )
    author = serialize_author(find_author(cursor.lastrowid))
    return created(author, f"/authors/{author['id']}")


@bp.get("/authors/<int:author_id>")
def get_author(author_id: int):
    return serialize_author(find_author(author_id))


@bp.patch("/authors/<int:author_id>")
@admin_required
def update_author(author_id: int):
    current = find_author(author_id)
    data = author_rules(json_body(), partial=True)
    values = {**serialize_author(current), **data}
    with transaction() as db:
        db.execute(
            "UPDATE authors SET name = ?, birth_year = ? WHERE id = ?",
            (values["name"], values["birth_year"], author_id),
        )
    return serialize_author(find_author(author_id))


@bp.delete("/authors/<int:author_id>")
@admin_required
def delete_author(author_id: int):
    find_author(author_id)
    try:
        with transaction() as db:
            if db.execute("SELECT 1 FROM books WHERE author_id = ?", (author_id,)).fetchone():
                raise conflict("this author still has books: delete them first")
            db.execute("DELETE FROM authors WHERE id = ?", (author_id,))
    except sqlite3.IntegrityError:
        raise conflict("this author still has books: delete them first") from None
    return "", 204
