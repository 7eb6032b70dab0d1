"""Output models and list helpers shared by the namespaces."""

from flask_restx import Model, fields
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .. import db
from ..errors import NotFound
from ..models import BIGGEST_ID


class UtcDateTime(fields.Raw):
    __schema_type__ = "string"
    __schema_format__ = "date-time"

    def format(self, value):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def page_model(name: str, item: Model) -> Model:
    return Model(
        name,
        {
            "items": fields.List(fields.Nested(item)),
            "page": fields.Integer,
            "per_page": fields.Integer,
            "total": fields.Integer,
        },
    )


def find(model, ident: int, label: str):
    """The record, or 404 (also for ids the database cannot hold)."""
    record = db.session.get(model, ident) if 1 <= ident <= BIGGEST_ID else None
    if record is None:
        raise NotFound(f"{label} {ident} does not exist")
    return record


def page_of(statement, model, params: dict) -> dict:
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    rows = db.session.scalars(
        statement.order_by(model.id.desc())
        .limit(params["per_page"])
        .offset((params["page"] - 1) * params["per_page"])
    ).all()
    return {"items": rows, "page": params["page"], "per_page": params["per_page"], "total": total}


def commit_or(conflict) -> None:
    """Commit; an integrity error (a race on a unique rule) becomes `conflict`."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise conflict from None
