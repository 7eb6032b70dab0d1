"""Loans: members borrow for themselves and see their own; admins see and return all."""

from datetime import timedelta

from flask import Blueprint, g, jsonify
from sqlalchemy.exc import IntegrityError

from ..errors import conflict, not_found
from ..extensions import db
from ..models import Book, Loan, utcnow
from ..pagination import paginate
from ..security import login_required
from ..validation import MAX_ID, Query, Rule, get_or_404, json_body, reference, validate

bp = Blueprint("loans", __name__, url_prefix="/loans")

LOAN_PERIOD = timedelta(days=14)
LOAN_RULES = {"book_id": Rule(reference(Book, "book"))}
ON_LOAN = "this book is already on loan"


def _visible_loan(loan_id: int) -> Loan:
    """The loan if the caller may see it; another member's loan is a 404, as if absent."""
    loan = get_or_404(Loan, loan_id, "loan")
    if not g.user.is_admin and loan.user_id != g.user.id:
        raise not_found(f"loan {loan_id} does not exist")
    return loan


def _serialize(loans):
    return [loan.to_dict() for loan in loans]


@bp.get("")
@login_required
def list_loans():
    query_args = Query()
    page, per_page = query_args.page()
    active = query_args.boolean("active")
    book_id = query_args.integer("book_id", None, 1, MAX_ID)
    query_args.done()
    query = Loan.query
    if not g.user.is_admin:
        query = query.filter(Loan.user_id == g.user.id)
    if active is not None:
        query = query.filter(Loan.returned_at.is_(None) if active else Loan.returned_at.isnot(None))
    if book_id is not None:
        query = query.filter(Loan.book_id == book_id)
    return jsonify(paginate(query, Loan.id, page, per_page, _serialize))


@bp.post("")
@login_required
def borrow():
    values = validate(json_body(), LOAN_RULES)
    if Loan.query.filter_by(book_id=values["book_id"], returned_at=None).first() is not None:
        raise conflict(ON_LOAN)
    now = utcnow()
    loan = Loan(
        book_id=values["book_id"], user_id=g.user.id, borrowed_at=now, due_at=now + LOAN_PERIOD
    )
    db.session.add(loan)
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise conflict(ON_LOAN) from exc
    return jsonify(loan.to_dict()), 201, {"Location": f"/loans/{loan.id}"}


@bp.get("/<id:loan_id>")
@login_required
def get_loan(loan_id: int):
    return jsonify(_visible_loan(loan_id).to_dict())


@bp.post("/<id:loan_id>/return")
@login_required
def return_loan(loan_id: int):
    loan = get_or_404(Loan, loan_id, "loan")
    if loan.returned_at is not None:
        raise conflict("this loan has already been returned")
    loan.returned_at = utcnow()
    db.session.commit()
    return jsonify(loan.to_dict())
