"""Pages of results, newest first."""

from collections.abc import Callable


def paginate(query, id_column, page: int, per_page: int, serialize: Callable) -> dict:
    total = query.order_by(None).count()
    rows = query.order_by(id_column.desc()).offset((page - 1) * per_page).limit(per_page).all()
    return {"items": serialize(rows), "page": page, "per_page": per_page, "total": total}
