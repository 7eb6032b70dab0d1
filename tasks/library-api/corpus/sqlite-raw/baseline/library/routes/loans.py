"""Loans: members borrow for themselves and see only their own; admins see all."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from typing import Any

from flask import Blueprint, g

from ..auth import is_admin, login_required
from ..db import iso, transaction, utc_now
from ..errors import conflict, not_found
from ..validation import QueryParams, Validator, json_body
from .common import created, exists, fetch_one, page_of

bp = Blueprint("loans", __name__)

LOAN_PERIOD = timedelta(days=14)
LOAN_BY_ID = """
SELECT id, book_id, user_id, borrowed_at, due_at, returned_at FROM loans WHERE id = ?
"""
COUNT_LOANS = """
SELECT COUNT(*) FROM loans
WHERE (:user_id IS NULL OR user_id = :user_id)
  AND (:book_id IS NULL OR book_id = :book_id)
  AND (:active IS NULL OR (returned_at IS NULL) = :active)
"""
LIST_LOANS = """
SELECT id, book_id, user_id, borrowed_at, due_at, returned_at FROM loans
WHERE (:user_id IS NULL OR user_id = :user_id)
  AND (:book_id IS NULL OR book_id = :book_id)
  AND (:active IS NULL OR (returned_at IS NULL) = :active)
ORDER BY id DESC LIMIT :limit OFFSET :offset
"""
BOOK_EXISTS = "SELECT 1 FROM books WHERE id = ?"
ON_LOAN = "this book is on loan until it is returned"


def serialize_loan(row: sqlite3.Row) -> dict[str, Any]:
    keys = ("id", "book_id", "user_id", "borrowed_at", "due_at", "returned_at")
    return {key: row[key] for key in keys}


def find_loan(loan_id: int) -> sqlite3.Row:
    """The loan, if the caller may see it: another member's loan does not exist for them."""
    row = fetch_one(LOAN_BY_ID, loan_id)
    if row is None or (not is_admin() and row["user_id"] != g.user["id"]):
        raise not_found(f"loan {loan_id} does not exist")
    return row


@bp.get("/loans")
@login_required
def list_loans():
    query = QueryParams()
    page = query.page()
    active = query.boolean("active")
    book_id = query.integer("book_id", None, 1, 2**63 - 1)
    query.check()
    params = {
        "user_id": None if is_admin() else g.user["id"],
        "book_id": book_id,
        "active": active,
    }
    return page_of(COUNT_LOANS, LIST_LOANS, params, page, serialize_loan)


@bp.post("/loans")
@login_required
def borrow():
    rules = Validator(json_body())
    rules.reference("book_id", exists(BOOK_EXISTS))
    book_id = rules.check()["book_id"]
    borrowed_at = utc_now()
    try:
        with transaction() as db:
            if db.execute(
                "SELECT 1 FROM loans WHERE book_id = ? AND returned_at IS NULL", (book_id,)
            ).fetchone():
                raise conflict(ON_LOAN)
            loan_id = db.execute(
                "INSERT INTO loans (book_id, user_id, borrowed_at, due_at) VALUES (?, ?, ?, ?)",
                (book_id, g.user["id"], iso(borrowed_at), iso(borrowed_at + LOAN_PERIOD)),
            ).lastrowid
    except sqlite3.IntegrityError:
        raise conflict(ON_LOAN) from None
    return created(serialize_loan(find_loan(loan_id)), f"/loans/{loan_id}")


@bp.get("/loans/<int:loan_id>")
@login_required
def get_loan(loan_id: int):
    return serialize_loan(find_loan(loan_id))


@bp.post("/loans/<int:loan_id>/return")
@login_required
def return_loan(loan_id: int):
    find_loan(loan_id)
    with transaction() as db:
        changed = db.execute(
            "UPDATE loans SET returned_at = ? WHERE id = ? AND returned_at IS NULL",
            (iso(utc_now()), loan_id),
        ).rowcount
    if not changed:
        raise conflict("this loan has already been returned")
    return serialize_loan(find_loan(loan_id))
