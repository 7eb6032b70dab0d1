from datetime import timedelta

from flask import Blueprint, g
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from ..auth.guards import signed_in
from ..database import session
from ..errors import Conflict, NotFound
from ..inputs import body, find, query
from ..models import Book, Loan, now_utc
from ..schemas import LoanCreate, LoanQuery
from .paging import page_of

loans = Blueprint("loans", __name__, url_prefix="/loans")
LOAN_DAYS = timedelta(days=14)
BOOK_REF = {"book_id": (Book, "book")}
ALREADY_LENT = "this book is already on loan"


def _mine_or_admin(loan_id: int) -> Loan:
    """A member only sees their own loans: someone else's is a 404, as if it did not exist."""
    loan = find(Loan, loan_id, "loan")
    if g.user.role != "admin" and loan.user_id != g.user.id:
        raise NotFound(f"loan {loan_id} does not exist")
    return loan


@loans.get("")
@signed_in
def list_loans():
    params = query(LoanQuery)
    statement = select(Loan)
    if g.user.role != "admin":
        statement = statement.where(Loan.user_id == g.user.id)
    if params.active is not None:
        returned = (
            Loan.returned_at.is_(None) if params.active == "true" else Loan.returned_at.is_not(None)
        )
        statement = statement.where(returned)
    if params.book_id is not None:
        statement = statement.where(Loan.book_id == params.book_id)
    rows, page = page_of(statement, Loan.id, params)
    return {"items": [loan.public() for loan in rows], **page}


@loans.post("")
@signed_in
def borrow():
    book_id = body(LoanCreate, BOOK_REF)["book_id"]
    open_loan = exists().where(Loan.book_id == book_id, Loan.returned_at.is_(None))
    if session().scalar(select(open_loan)):
        raise Conflict(ALREADY_LENT)
    borrowed_at = now_utc()
    loan = Loan(
        book_id=book_id, user_id=g.user.id, borrowed_at=borrowed_at, due_at=borrowed_at + LOAN_DAYS
    )
    session().add(loan)
    try:
        session().commit()
    except IntegrityError as exc:
        raise Conflict(ALREADY_LENT) from exc
    return loan.public(), 201, {"Location": f"/loans/{loan.id}"}


@loans.get("/<int:loan_id>")
@signed_in
def get_loan(loan_id: int):
    return _mine_or_admin(loan_id).public()


@loans.post("/<int:loan_id>/return")
@signed_in
def return_loan(loan_id: int):
    loan = _mine_or_admin(loan_id)
    if loan.returned_at is not None:
        raise Conflict("this loan was already returned")
    loan.returned_at = now_utc()
    session().commit()
    return loan.public()
