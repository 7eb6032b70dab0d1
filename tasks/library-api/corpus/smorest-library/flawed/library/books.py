"""Books: public reads, admin writes."""

from flask.views import MethodView
from sqlalchemy import delete, exists, select
from sqlalchemy.exc import IntegrityError

from .errors import Conflict
from .extensions import db
from .lookup import paginate, resolve
from .models import Book, Loan
from .parsing import Blueprint
from .schemas import BookArgs, BookIn, BookOut, BookPage, BookPatch
from .security import admin_required

blp = Blueprint("books", __name__, url_prefix="/books", description="Books")
DUPLICATE_ISBN = "another book already has this ISBN"


def _isbn_taken(isbn: str, book_id: int | None = None) -> bool:
    statement = select(Book.id).where(Book.isbn == isbn)
    if book_id is not None:
        statement = statement.where(Book.id != book_id)
    return db.session.scalar(statement) is not None


def _commit_book():
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(DUPLICATE_ISBN) from None


def _filtered(args):
    statement = select(Book)
    if "title" in args:
        statement = statement.where(Book.title.icontains(args["title"], autoescape=True))
    if "author_id" in args:
        statement = statement.where(Book.author_id == args["author_id"])
    if "available" in args:
        statement = statement.where(Book.available if args["available"] else ~Book.available)
    return statement


@blp.route("")
class Books(MethodView):
    @blp.arguments(BookArgs, location="query")
    @blp.response(200, BookPage)
    def get(self, args):
        return paginate(_filtered(args), Book, args)

    @admin_required
    @blp.arguments(BookIn)
    @blp.response(201, BookOut)
    def post(self, data):
        if _isbn_taken(data["isbn"]):
            raise Conflict(DUPLICATE_ISBN)
        book = Book(**data)
        db.session.add(book)
        _commit_book()
        return book, 201, {"Location": f"/books/{book.id}"}


@blp.route("/<int:book_id>")
class BookItem(MethodView):
    @resolve(Book, "book_id", "book")
    @blp.response(200, BookOut)
    def get(self, book):
        return book

    @admin_required
    @resolve(Book, "book_id", "book")
    @blp.arguments(BookPatch(partial=True))
    @blp.response(200, BookOut)
    def patch(self, data, book):
        if "isbn" in data and _isbn_taken(data["isbn"], book.id):
            raise Conflict(DUPLICATE_ISBN)
        for field, value in data.items():
            setattr(book, field, value)
        _commit_book()
        return book

    @admin_required
    @resolve(Book, "book_id", "book")
    @blp.response(204)
    def delete(self, book):
        on_loan = exists().where(Loan.book_id == book.id)
        if db.session.scalar(select(on_loan)):
            raise Conflict("this book is on loan")
        db.session.execute(delete(Loan).where(Loan.book_id == book.id))
        db.session.delete(book)
        db.session.commit()
