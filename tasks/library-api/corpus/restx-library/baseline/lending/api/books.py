"""Books: anyone reads, admins write."""

from flask_restx import Namespace, Resource, fields
from sqlalchemy import delete, exists, select

from .. import db, validation
from ..errors import Conflict
from ..guards import admin_required
from ..models import Book, Loan
from .common import commit_or, find, page_model, page_of

ns = Namespace("books", path="/books", description="Books")

book_model = ns.model(
    "Book",
    {
        "id": fields.Integer,
        "title": fields.String,
        "isbn": fields.String,
        "author_id": fields.Integer,
        "published_year": fields.Integer,
        "available": fields.Boolean,
    },
)
book_page = ns.add_model("BookPage", page_model("BookPage", book_model))


def isbn_conflict() -> Conflict:
    return Conflict("another book already has this ISBN")


def isbn_in_use(isbn: str, except_id: int | None = None) -> bool:
    statement = select(Book.id).where(Book.isbn == isbn)
    if except_id is not None:
        statement = statement.where(Book.id != except_id)
    return db.session.scalar(statement) is not None


def filtered_books(params: dict):
    statement = select(Book)
    if "title" in params:
        statement = statement.where(Book.title.icontains(params["title"], autoescape=True))
    if "author_id" in params:
        statement = statement.where(Book.author_id == params["author_id"])
    if "available" in params:
        statement = statement.where(Book.available if params["available"] else ~Book.available)
    return statement


@ns.route("")
class BookList(Resource):
    @ns.marshal_with(book_page)
    def get(self):
        params = validation.query(validation.BOOK_QUERY)
        return page_of(filtered_books(params), Book, params)

    @admin_required
    @ns.marshal_with(book_model, code=201)
    def post(self):
        data = validation.validate(validation.BOOK, validation.json_body())
        if isbn_in_use(data["isbn"]):
            raise isbn_conflict()
        book = Book(**data)
        db.session.add(book)
        commit_or(isbn_conflict())
        db.session.refresh(book)
        return book, 201, {"Location": f"/books/{book.id}"}


@ns.route("/<int:book_id>")
class BookItem(Resource):
    @ns.marshal_with(book_model)
    def get(self, book_id):
        return find(Book, book_id, "book")

    @admin_required
    @ns.marshal_with(book_model)
    def patch(self, book_id):
        book = find(Book, book_id, "book")
        data = validation.validate(validation.BOOK, validation.json_body(), partial=True)
        if "isbn" in data and isbn_in_use(data["isbn"], except_id=book.id):
            raise isbn_conflict()
        for name, value in data.items():
            setattr(book, name, value)
        commit_or(isbn_conflict())
        db.session.refresh(book)
        return book

    @admin_required
    def delete(self, book_id):
        book = find(Book, book_id, "book")
        lent = exists().where(Loan.book_id == book.id, Loan.returned_at.is_(None))
        if db.session.scalar(select(lent)):
            raise Conflict("this book is on loan")
        db.session.execute(delete(Loan).where(Loan.book_id == book.id))
        db.session.delete(book)
        db.session.commit()
        return "", 204
