"""Loans: a signed-in user borrows a book for themselves and returns it.

Members see only their own loans; another member's loan is answered 404, as if it did not
exist. Admins see every loan.
"""

from flask import Blueprint, current_app, url_for
from sqlalchemy import select, update

from library.database import commit_or_conflict, db
from library.errors import Conflict, NotFound
from library.models import ADMIN, Book, Loan, utcnow
from library.pagination import PAGE_PARAMS, paginate
from library.security import current_user, login_required
from library.validation import BoolParam, IntParam, Reference, json_body, query_params

blueprint = Blueprint("loans", __name__, url_prefix="/loans")

LOAN = {"book_id": Reference(model=Book)}
FILTERS = {**PAGE_PARAMS, "active": BoolParam(), "book_id": IntParam()}
ON_LOAN = "this book is already on loan"


@blueprint.post("")
@login_required
def borrow():
    book = db.session.get(Book, json_body(LOAN)["book_id"])
    if not book.available:
        raise Conflict(ON_LOAN)
    now = utcnow()
    loan = Loan(
        book_id=book.id,
        user_id=current_user().id,
        borrowed_at=now,
        due_at=now + current_app.config["LOAN_PERIOD"],
    )
    db.session.add(loan)
    commit_or_conflict(ON_LOAN)  # the unique index settles two simultaneous borrowers
    return loan.to_dict(), 201, {"Location": url_for(".get_loan", loan_id=loan.id)}


@blueprint.get("")
@login_required
def list_loans():
    params = query_params(FILTERS)
    statement = visible_loans().order_by(Loan.id.desc())
    if params["active"] is not None:
        open_loan = Loan.returned_at.is_(None)
        statement = statement.where(open_loan if params["active"] else ~open_loan)
    if params["book_id"] is not None:
        statement = statement.where(Loan.book_id == params["book_id"])
    return paginate(statement, params)


@blueprint.get("/<id:loan_id>")
@login_required
def get_loan(loan_id):
    return find_visible_loan(loan_id).to_dict()


@blueprint.post("/<id:loan_id>/return")
@login_required
def return_loan(loan_id):
    loan = find_visible_loan(loan_id)
    returned = db.session.execute(
        update(Loan)
        .where(Loan.id == loan.id, Loan.returned_at.is_(None))
        .values(returned_at=utcnow())
    )
    if returned.rowcount == 0:
        raise Conflict("this loan was already returned")
    db.session.commit()
    return loan.to_dict()


def visible_loans():
    user = current_user()
    statement = select(Loan)
    return statement if user.role == ADMIN else statement.where(Loan.user_id == user.id)


def find_visible_loan(loan_id):
    loan = db.session.scalar(visible_loans().where(Loan.id == loan_id))
    if loan is None:
        raise NotFound(f"loan {loan_id} does not exist")
    return loan
