"""Loans: members borrow for themselves and only ever see their own."""

from datetime import timedelta

from flask import g
from flask_restx import Namespace, Resource, fields
from sqlalchemy import select, update

from .. import db, validation
from ..errors import Conflict, NotFound
from ..guards import is_admin, login_required
from ..models import Loan, now
from .common import UtcDateTime, commit_or, find, page_model, page_of

ns = Namespace("loans", path="/loans", description="Loans")
LOAN_PERIOD = timedelta(days=14)

loan_model = ns.model(
    "Loan",
    {
        "id": fields.Integer,
        "book_id": fields.Integer,
        "user_id": fields.Integer,
        "borrowed_at": UtcDateTime,
        "due_at": UtcDateTime,
        "returned_at": UtcDateTime,
    },
)
loan_page = ns.add_model("LoanPage", page_model("LoanPage", loan_model))


def on_loan() -> Conflict:
    return Conflict("this book is already on loan")


def own_loan(loan_id: int) -> Loan:
    """The loan if the caller may see it; someone else's loan is a 404."""
    loan = find(Loan, loan_id, "loan")
    if loan.user_id != g.user.id and not is_admin():
        raise NotFound(f"loan {loan_id} does not exist")
    return loan


def visible_loans(params: dict):
    statement = select(Loan)
    if "active" in params:
        open_ = Loan.returned_at.is_(None)
        statement = statement.where(open_ if params["active"] else ~open_)
    if "book_id" in params:
        statement = statement.where(Loan.book_id == params["book_id"])
    elif not is_admin():
        statement = statement.where(Loan.user_id == g.user.id)
    return statement


@ns.route("")
class LoanList(Resource):
    @login_required
    @ns.marshal_with(loan_page)
    def get(self):
        params = validation.query(validation.LOAN_QUERY)
        return page_of(visible_loans(params), Loan, params)

    @login_required
    @ns.marshal_with(loan_model, code=201)
    def post(self):
        data = validation.validate(validation.LOAN, validation.json_body())
        busy = select(Loan.id).where(Loan.book_id == data["book_id"], Loan.returned_at.is_(None))
        if db.session.scalar(busy) is not None:
            raise on_loan()
        borrowed = now()
        loan = Loan(
            book_id=data["book_id"],
            user_id=data.get("user_id", g.user.id),
            borrowed_at=borrowed,
            due_at=borrowed + LOAN_PERIOD,
        )
        db.session.add(loan)
        commit_or(on_loan())
        return loan, 201


@ns.route("/<int:loan_id>")
class LoanItem(Resource):
    @login_required
    @ns.marshal_with(loan_model)
    def get(self, loan_id):
        return own_loan(loan_id)


@ns.route("/<int:loan_id>/return")
class LoanReturn(Resource):
    @login_required
    @ns.marshal_with(loan_model)
    def post(self, loan_id):
        loan = own_loan(loan_id)
        result = db.session.execute(
            update(Loan)
            .where(Loan.id == loan.id, Loan.returned_at.is_(None))
            .values(returned_at=now())
        )
        if result.rowcount != 1:
            db.session.rollback()
            raise Conflict("this loan has already been returned")
        db.session.commit()
        db.session.refresh(loan)
        return loan
