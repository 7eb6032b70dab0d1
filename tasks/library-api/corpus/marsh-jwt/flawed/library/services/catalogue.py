"""Authors and books."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, exists, func, select
from sqlalchemy.exc import IntegrityError

from ..errors import Conflict, NotFound
from ..extensions import db
from ..models import SQLITE_MAX_INT, Author, Book, Loan, open_loan_of_book
from ..validation import ListQuery
from .pages import page_of


def find(model: type[db.Model], record_id: int, label: str) -> Any:
    record = db.session.get(model, record_id) if 1 <= record_id <= SQLITE_MAX_INT else None
    if record is None:
        raise NotFound(f"{label} {record_id} does not exist")
    return record


def list_authors(query: ListQuery) -> dict[str, Any]:
    statement = select(Author)
    if "name" in query.filters:
        statement = statement.where(Author.name.ilike(f"%{query.filters['name']}%"))
    return page_of(statement.order_by(Author.id.desc()), query)


def create_author(data: dict[str, Any]) -> Author:
    author = Author(**data)
    db.session.add(author)
    db.session.commit()
    return author


def update_author(author: Author, data: dict[str, Any]) -> Author:
    for field, value in data.items():
        if value is not None:
            setattr(author, field, value)
    db.session.commit()
    return author


def delete_author(author: Author) -> None:
    has_books = db.session.scalar(select(exists().where(Book.author_id == author.id)))
    if has_books:
        raise Conflict("this author still has books: delete them first")
    db.session.delete(author)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("this author still has books: delete them first") from None


def list_books(query: ListQuery) -> dict[str, Any]:
    statement = select(Book)
    filters = query.filters
    if "title" in filters:
        statement = statement.where(Book.title.ilike(f"%{filters['title']}%"))
    if "author_id" in filters:
        statement = statement.where(Book.author_id == filters["author_id"])
    if "available" in filters:
        on_loan = open_loan_of_book
        statement = statement.where(~on_loan if filters["available"] else on_loan)
    return page_of(statement.order_by(Book.id.desc()), query)


def _ensure_isbn_free(isbn: str, book_id: int | None) -> None:
    clash = select(func.count()).where(Book.isbn == isbn, Book.id != (book_id or 0))
    if db.session.scalar(clash):
        raise Conflict("another book already has this ISBN")


def _commit_book(book: Book) -> Book:
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("another book already has this ISBN") from None
    db.session.refresh(book)
    return book


def create_book(data: dict[str, Any]) -> Book:
    _ensure_isbn_free(data["isbn"], None)
    book = Book(**data)
    db.session.add(book)
    return _commit_book(book)


def update_book(book: Book, data: dict[str, Any]) -> Book:
    if "isbn" in data:
        _ensure_isbn_free(data["isbn"], book.id)
    for field, value in data.items():
        setattr(book, field, value)
    return _commit_book(book)


def delete_book(book: Book) -> None:
    if not book.available:
        raise Conflict("this book is on loan: delete it once it is returned")
    db.session.execute(delete(Loan).where(Loan.book_id == book.id))
    db.session.delete(book)
    db.session.commit()
