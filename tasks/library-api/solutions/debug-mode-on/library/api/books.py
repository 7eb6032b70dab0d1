"""Books: anyone can read them, admins manage them. ISBNs are unique."""

from flask import Blueprint, url_for
from sqlalchemy import delete, select

from library.database import commit_or_conflict, db, find_or_404
from library.errors import Conflict
from library.models import Author, Book, Loan
from library.pagination import PAGE_PARAMS, paginate
from library.security import admin_required
from library.validation import (
    BoolParam,
    IntParam,
    Isbn13,
    Reference,
    Text,
    TextParam,
    Year,
    json_body,
    query_params,
)

blueprint = Blueprint("books", __name__, url_prefix="/books")

BOOK = {
    "title": Text(max_length=300),
    "isbn": Isbn13(),
    "author_id": Reference(model=Author),
    "published_year": Year(required=False, nullable=True),
}
FILTERS = {
    **PAGE_PARAMS,
    "author_id": IntParam(),
    "available": BoolParam(),
    "title": TextParam(max_length=300),
}


@blueprint.get("")
def list_books():
    params = query_params(FILTERS)
    statement = select(Book).order_by(Book.id.desc())
    if params["author_id"] is not None:
        statement = statement.where(Book.author_id == params["author_id"])
    if params["available"] is not None:
        statement = statement.where(Book.available == params["available"])
    if params["title"] is not None:
        statement = statement.where(Book.title.icontains(params["title"], autoescape=True))
    return paginate(statement, params)


@blueprint.post("")
@admin_required
def create_book():
    data = json_body(BOOK)
    ensure_isbn_is_free(data["isbn"])
    book = Book(**data)
    db.session.add(book)
    commit_or_conflict(f"a book with ISBN {data['isbn']} already exists")
    return book.to_dict(), 201, {"Location": url_for(".get_book", book_id=book.id)}


@blueprint.get("/<id:book_id>")
def get_book(book_id):
    return find_or_404(Book, book_id, "book").to_dict()


@blueprint.patch("/<id:book_id>")
@admin_required
def update_book(book_id):
    book = find_or_404(Book, book_id, "book")
    data = json_body(BOOK, partial=True)
    if "isbn" in data:
        ensure_isbn_is_free(data["isbn"], besides=book.id)
    for name, value in data.items():
        setattr(book, name, value)
    commit_or_conflict(f"a book with ISBN {book.isbn} already exists")
    return book.to_dict()


@blueprint.delete("/<id:book_id>")
@admin_required
def delete_book(book_id):
    book = find_or_404(Book, book_id, "book")
    if not book.available:
        raise Conflict("this book is on loan: it can be deleted once it is returned")
    db.session.execute(delete(Loan).where(Loan.book_id == book.id))  # its past loans
    db.session.delete(book)
    commit_or_conflict("this book is on loan: it can be deleted once it is returned")
    return "", 204


def ensure_isbn_is_free(isbn, besides=None):
    statement = select(Book.id).where(Book.isbn == isbn)
    if besides is not None:
        statement = statement.where(Book.id != besides)
    if db.session.scalar(statement) is not None:
        raise Conflict(f"a book with ISBN {isbn} already exists")
