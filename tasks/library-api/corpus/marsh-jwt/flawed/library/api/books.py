from flask import Blueprint

from ..models import Book
from ..schemas import BookInputSchema, BookSchema
from ..security import admin_only
from ..services import catalogue
from ..validation import QueryReader, load_body

blueprint = Blueprint("books", __name__, url_prefix="/books")
book_schema = BookSchema()


@blueprint.get("")
def list_books():
    query = (
        QueryReader()
        .text_filter("title", 300)
        .id_filter("author_id")
        .bool_filter("available")
        .read()
    )
    page = catalogue.list_books(query)
    return {**page, "items": book_schema.dump(page["items"], many=True)}


@blueprint.post("")
@admin_only
def create_book():
    book = catalogue.create_book(load_body(BookInputSchema()))
    return book_schema.dump(book), 201, {"Location": f"/books/{book.id}"}


@blueprint.get("/<int:book_id>")
def get_book(book_id: int):
    return book_schema.dump(catalogue.find(Book, book_id, "book"))


@blueprint.patch("/<int:book_id>")
@admin_only
def update_book(book_id: int):
    book = catalogue.find(Book, book_id, "book")
    data = load_body(BookInputSchema(), partial=True)
    return book_schema.dump(catalogue.update_book(book, data))


@blueprint.delete("/<int:book_id>")
@admin_only
def delete_book(book_id: int):
    catalogue.delete_book(catalogue.find(Book, book_id, "book"))
    return "", 204
