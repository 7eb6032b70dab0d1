"""Lists come in pages: ?page=1&per_page=20 -> {"items", "page", "per_page", "total"}."""

from library.database import db
from library.validation import IntParam

PAGE_PARAMS = {
    "page": IntParam(default=1, maximum=100_000),
    "per_page": IntParam(default=20, maximum=100),
}


def paginate(statement, params):
    """One page of `statement` (already filtered and ordered) as the list envelope."""
    page = db.paginate(
        statement, page=params["page"], per_page=params["per_page"], error_out=False
    )
    return {
        "items": [item.to_dict() for item in page.items],
        "page": params["page"],
        "per_page": params["per_page"],
        "total": page.total,
    }
