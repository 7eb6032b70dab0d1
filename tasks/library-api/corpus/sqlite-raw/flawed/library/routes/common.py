"""Helpers shared by the blueprints."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from typing import Any

from flask import Response, jsonify

from ..db import MAX_ID, get_db


def fetch_one(sql: str, record_id: int) -> sqlite3.Row | None:
    """One row by id; ids no SQLite integer can hold match nothing."""
    if not 1 <= record_id <= MAX_ID:
        return None
    return get_db().execute(sql, (record_id,)).fetchone()


def exists(table_sql: str) -> Callable[[int], bool]:
    return lambda record_id: fetch_one(table_sql, record_id) is not None


def page_of(
    count_sql: str,
    items_sql: str,
    params: Mapping[str, Any],
    page: tuple[int, int],
    serialize: Callable[[sqlite3.Row], dict[str, Any]],
) -> dict[str, Any]:
    number, per_page = page
    db = get_db()
    total = db.execute(count_sql, params).fetchone()[0]
    window = {**params, "limit": per_page, "offset": (number - 1) * per_page}
    items = [serialize(row) for row in db.execute(items_sql, window)]
    return {"items": items, "page": number, "per_page": per_page, "total": total}


def created(body: dict[str, Any], location: str) -> tuple[Response, int, dict[str, str]]:
    return jsonify(body), 201, {"Location": location}
