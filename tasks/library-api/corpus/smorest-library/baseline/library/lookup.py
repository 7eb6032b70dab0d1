"""Lists and lookups shared by the resource blueprints."""

from functools import wraps

from sqlalchemy import func, select

from .errors import NotFound
from .extensions import db
from .models import MAX_DB_INT


def get_or_404(model, ident: int, label: str):
    if not 1 <= ident <= MAX_DB_INT:
        raise NotFound(f"{label} {ident} does not exist")
    found = db.session.get(model, ident)
    if found is None:
        raise NotFound(f"{label} {ident} does not exist")
    return found


def resolve(model, url_arg: str, name: str):
    """Replace the path argument `url_arg` by the record it names (404 if none)."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            kwargs[name] = get_or_404(model, kwargs.pop(url_arg), name)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def paginate(statement, model, args: dict) -> dict:
    """One page of `statement`, newest first, with the total over all pages."""
    page, per_page = args["page"], args["per_page"]
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    items = db.session.scalars(
        statement.order_by(model.id.desc()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return {"items": items, "page": page, "per_page": per_page, "total": total}
