from flask import Blueprint
from flask_jwt_extended import current_user

from ..schemas import LoanInputSchema, LoanSchema
from ..security import signed_in
from ..services import loans
from ..validation import QueryReader, load_body

blueprint = Blueprint("loans", __name__, url_prefix="/loans")
loan_schema = LoanSchema()


@blueprint.get("")
@signed_in
def list_loans():
    query = QueryReader().bool_filter("active").id_filter("book_id").read()
    page = loans.list_loans(current_user, query)
    return {**page, "items": loan_schema.dump(page["items"], many=True)}


@blueprint.post("")
@signed_in
def borrow():
    body = load_body(LoanInputSchema())
    loan = loans.borrow(current_user, body["book_id"])
    return loan_schema.dump(loan), 201, {"Location": f"/loans/{loan.id}"}


@blueprint.get("/<int:loan_id>")
@signed_in
def get_loan(loan_id: int):
    return loan_schema.dump(loans.visible_loan(current_user, loan_id))


@blueprint.post("/<int:loan_id>/return")
@signed_in
def return_loan(loan_id: int):
    loan = loans.visible_loan(current_user, loan_id)
    return loan_schema.dump(loans.give_back(loan))
