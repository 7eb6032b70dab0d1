"""Books: anyone reads, admins write. `available` is derived from the open loans."""

from flask import Blueprint, jsonify
from sqlalchemy.exc import IntegrityError

from ..errors import conflict
from ..extensions import db
from ..models import Author, Book, Loan
from ..pagination import paginate
from ..security import admin_required
from ..validation import (
    MAX_ID,
    Query,
    Rule,
    get_or_404,
    isbn13,
    json_body,
    reference,
    text,
    validate,
    year,
)

bp = Blueprint("books", __name__, url_prefix="/books")

BOOK_RULES = {
    "title": Rule(text(300)),
    "isbn": Rule(isbn13),
    "author_id": Rule(reference(Author, "author")),
    "published_year": Rule(year, required=False, nullable=True),
}
DUPLICATE_ISBN = "another book already has this ISBN"


def _on_loan():
    return Loan.query.filter(Loan.book_id == Book.id, Loan.returned_at.is_(None)).exists()


def _lent_ids(book_ids) -> set[int]:
    if not book_ids:
        return set()
    rows = db.session.query(Loan.book_id).filter(
        Loan.book_id.in_(book_ids), Loan.returned_at.is_(None)
    )
    return {row.book_id for row in rows}


def _serialize(books):
    lent = _lent_ids([book.id for book in books])
    return [book.to_dict(available=book.id not in lent) for book in books]


def _one(book: Book) -> dict:
    return _serialize([book])[0]


def _isbn_taken(isbn: str, book_id: int | None = None) -> bool:
    query = Book.query.filter(Book.isbn == isbn)
    if book_id is not None:
        query = query.filter(Book.id != book_id)
    return query.first() is not None


def _commit_or_conflict() -> None:
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise conflict(DUPLICATE_ISBN) from exc


@bp.get("")
def list_books():
    query_args = Query()
    page, per_page = query_args.page()
    title = query_args.text("title", 300)
    author_id = query_args.integer("author_id", None, 1, MAX_ID)
    available = query_args.boolean("available")
    query_args.done()
    query = Book.query
    if title is not None:
        query = query.filter(Book.title.icontains(title, autoescape=True))
    if author_id is not None:
        query = query.filter(Book.author_id == author_id)
    if available is not None:
        query = query.filter(~_on_loan() if available else _on_loan())
    return jsonify(paginate(query, Book.id, page, per_page, _serialize))


@bp.post("")
@admin_required
def create_book():
    values = validate(json_body(), BOOK_RULES)
    if _isbn_taken(values["isbn"]):
        raise conflict(DUPLICATE_ISBN)
    book = Book(**values)
    db.session.add(book)
    _commit_or_conflict()
    return jsonify(_one(book)), 201, {"Location": f"/books/{book.id}"}


@bp.get("/<id:book_id>")
def get_book(book_id: int):
    return jsonify(_one(get_or_404(Book, book_id, "book")))


@bp.patch("/<id:book_id>")
@admin_required
def update_book(book_id: int):
    book = get_or_404(Book, book_id, "book")
    values = validate(json_body(), BOOK_RULES, partial=True)
    if "isbn" in values and _isbn_taken(values["isbn"], book.id):
        raise conflict(DUPLICATE_ISBN)
    for field, value in values.items():
        setattr(book, field, value)
    _commit_or_conflict()
    return jsonify(_one(book))


@bp.delete("/<id:book_id>")
@admin_required
def delete_book(book_id: int):
    book = get_or_404(Book, book_id, "book")
    Loan.query.filter_by(book_id=book.id).delete(synchronize_session=False)
    db.session.delete(book)
    db.session.commit()
    return "", 204
