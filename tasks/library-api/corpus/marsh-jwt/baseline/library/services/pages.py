from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select

from ..extensions import db
from ..validation import ListQuery


def page_of(statement: Select, query: ListQuery) -> dict[str, Any]:
    """One page of `statement`'s rows, and how many rows match in all."""
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    rows = db.session.scalars(
        statement.limit(query.per_page).offset((query.page - 1) * query.per_page)
    ).all()
    return {"items": rows, "page": query.page, "per_page": query.per_page, "total": total}
