from flask import Blueprint
from sqlalchemy import delete, exists, select
from sqlalchemy.exc import IntegrityError

from ..auth.guards import admin_only
from ..database import session
from ..errors import Conflict
from ..inputs import body, find, query
from ..models import Author, Book, Loan
from ..schemas import BookCreate, BookQuery, BookUpdate
from .paging import page_of

books = Blueprint("books", __name__, url_prefix="/books")
AUTHOR_REF = {"author_id": (Author, "author")}
ISBN_TAKEN = "another book already has this ISBN"

on_loan = exists().where(Loan.book_id == Book.id, Loan.returned_at.is_(None))


def _lent(book_ids: list[int]) -> set[int]:
    if not book_ids:
        return set()
    statement = select(Loan.book_id).where(Loan.book_id.in_(book_ids), Loan.returned_at.is_(None))
    return set(session().scalars(statement))


def _present(rows: list[Book]) -> list[dict]:
    lent = _lent([book.id for book in rows])
    return [book.public(available=book.id not in lent) for book in rows]


def _isbn_in_use(isbn: str, other_than: int | None = None) -> bool:
    condition = Book.isbn == isbn
    if other_than is not None:
        condition = condition & (Book.id != other_than)
    return bool(session().scalar(select(exists().where(condition))))


def _save() -> None:
    try:
        session().commit()
    except IntegrityError as exc:
        raise Conflict(ISBN_TAKEN) from exc


@books.get("")
def list_books():
    params = query(BookQuery)
    statement = select(Book)
    if params.title is not None:
        statement = statement.where(Book.title.icontains(params.title, autoescape=True))
    if params.author_id is not None:
        statement = statement.where(Book.author_id == params.author_id)
    if params.available is not None:
        statement = statement.where(~on_loan if params.available == "true" else on_loan)
    rows, page = page_of(statement, Book.id, params)
    return {"items": _present(rows), **page}


@books.post("")
@admin_only
def create_book():
    data = body(BookCreate, AUTHOR_REF)
    if _isbn_in_use(data["isbn"]):
        raise Conflict(ISBN_TAKEN)
    book = Book(**data)
    session().add(book)
    _save()
    return _present([book])[0], 201, {"Location": f"/books/{book.id}"}


@books.get("/<int:book_id>")
def get_book(book_id: int):
    return _present([find(Book, book_id, "book")])[0]


@books.patch("/<int:book_id>")
@admin_only
def update_book(book_id: int):
    book = find(Book, book_id, "book")
    changes = body(BookUpdate, AUTHOR_REF)
    if "isbn" in changes and _isbn_in_use(changes["isbn"]):
        raise Conflict(ISBN_TAKEN)
    for field, value in changes.items():
        setattr(book, field, value)
    _save()
    return _present([book])[0]


@books.delete("/<int:book_id>")
@admin_only
def delete_book(book_id: int):
    book = find(Book, book_id, "book")
    if _lent([book.id]):
        raise Conflict("this book is on loan: it can be deleted once returned")
    session().execute(delete(Loan).where(Loan.book_id == book.id))
    session().delete(book)
    session().commit()
    return "", 204
