"""Pages, newest first, with the total of all matches."""

from sqlalchemy import Select, func, select

from ..database import session


def page_of(statement: Select, order_column, params) -> tuple[list, dict]:
    total = session().scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    rows = (
        session()
        .scalars(
            statement.order_by(order_column.desc())
            .offset((params.page - 1) * params.per_page)
            .limit(params.per_page)
        )
        .all()
    )
    return rows, {"page": params.page, "per_page": params.per_page, "total": total}
