"""Loans: members borrow for themselves and see only their own; admins see all."""

from datetime import timedelta

from flask.views import MethodView
from flask_jwt_extended import current_user
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from .errors import Conflict, NotFound
from .extensions import db
from .lookup import get_or_404, paginate
from .models import Loan
from .parsing import Blueprint
from .schemas import LoanArgs, LoanIn, LoanOut, LoanPage
from .security import login_required
from .timeutil import utcnow, utcnow_seconds

blp = Blueprint("loans", __name__, url_prefix="/loans", description="Loans")
LOAN_DAYS = 14
ON_LOAN = "this book is already on loan"


def visible_loan(loan_id: int) -> Loan:
    """The loan, if the caller may see it; another member's loan does not exist for them."""
    loan = get_or_404(Loan, loan_id, "loan")
    if not current_user.is_admin and loan.user_id != current_user.id:
        raise NotFound(f"loan {loan_id} does not exist")
    return loan


def _filtered(args):
    statement = select(Loan)
    if not current_user.is_admin:
        statement = statement.where(Loan.user_id == current_user.id)
    if "active" in args:
        returned = Loan.returned_at.is_(None) if args["active"] else Loan.returned_at.is_not(None)
        statement = statement.where(returned)
    if "book_id" in args:
        statement = statement.where(Loan.book_id == args["book_id"])
    return statement


@blp.route("")
class Loans(MethodView):
    @login_required
    @blp.arguments(LoanArgs, location="query")
    @blp.response(200, LoanPage)
    def get(self, args):
        return paginate(_filtered(args), Loan, args)

    @login_required
    @blp.arguments(LoanIn)
    @blp.response(201, LoanOut)
    def post(self, data):
        open_loan = select(Loan.id).where(
            Loan.book_id == data["book_id"], Loan.returned_at.is_(None)
        )
        if db.session.scalar(open_loan) is not None:
            raise Conflict(ON_LOAN)
        now = utcnow_seconds()
        loan = Loan(
            book_id=data["book_id"],
            user_id=current_user.id,
            borrowed_at=now,
            due_at=now + timedelta(days=LOAN_DAYS),
        )
        db.session.add(loan)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            raise Conflict(ON_LOAN) from None
        return loan, 201, {"Location": f"/loans/{loan.id}"}


@blp.route("/<int:loan_id>")
class LoanItem(MethodView):
    @login_required
    @blp.response(200, LoanOut)
    def get(self, loan_id):
        return visible_loan(loan_id)


@blp.route("/<int:loan_id>/return", methods=["POST"])
@login_required
@blp.response(200, LoanOut)
def return_loan(loan_id):
    loan = visible_loan(loan_id)
    result = db.session.execute(
        update(Loan)
        .where(Loan.id == loan.id, Loan.returned_at.is_(None))
        .values(returned_at=utcnow().replace(microsecond=0))
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict("this loan has already been returned")
    db.session.commit()
    db.session.refresh(loan)
    return loan
