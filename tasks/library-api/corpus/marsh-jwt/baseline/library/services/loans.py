"""Borrowing and returning."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from ..errors import Conflict, NotFound
from ..extensions import db
from ..models import Loan, User, utcnow
from ..validation import ListQuery
from .catalogue import find
from .pages import page_of

LOAN_PERIOD = timedelta(days=14)
ALREADY_ON_LOAN = "this book is on loan until it is returned"


def visible_loan(user: User, loan_id: int) -> Loan:
    """A loan the user may see: another member's loan is a 404, as if it did not exist."""
    loan = find(Loan, loan_id, "loan")
    if not user.is_admin and loan.user_id != user.id:
        raise NotFound(f"loan {loan_id} does not exist")
    return loan


def list_loans(user: User, query: ListQuery) -> dict[str, Any]:
    statement = select(Loan)
    if not user.is_admin:
        statement = statement.where(Loan.user_id == user.id)
    if "book_id" in query.filters:
        statement = statement.where(Loan.book_id == query.filters["book_id"])
    if "active" in query.filters:
        returned = Loan.returned_at.is_not(None)
        statement = statement.where(~returned if query.filters["active"] else returned)
    return page_of(statement.order_by(Loan.id.desc()), query)


def borrow(user: User, book_id: int) -> Loan:
    on_loan = exists().where(Loan.book_id == book_id, Loan.returned_at.is_(None))
    if db.session.scalar(select(on_loan)):
        raise Conflict(ALREADY_ON_LOAN)
    now = utcnow()
    loan = Loan(book_id=book_id, user_id=user.id, borrowed_at=now, due_at=now + LOAN_PERIOD)
    db.session.add(loan)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(ALREADY_ON_LOAN) from None
    return loan


def give_back(loan: Loan) -> Loan:
    if loan.returned_at is not None:
        raise Conflict("this loan has already been returned")
    loan.returned_at = utcnow()
    db.session.commit()
    return loan
