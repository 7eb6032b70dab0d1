from flask import Blueprint

from ..models import Author
from ..schemas import AuthorInputSchema, AuthorSchema
from ..security import admin_only
from ..services import catalogue
from ..validation import QueryReader, load_body

blueprint = Blueprint("authors", __name__, url_prefix="/authors")
author_schema = AuthorSchema()


def _page(page: dict) -> dict:
    return {**page, "items": author_schema.dump(page["items"], many=True)}


@blueprint.get("")
def list_authors():
    query = QueryReader().text_filter("name", 200).read()
    return _page(catalogue.list_authors(query))


@blueprint.post("")
@admin_only
def create_author():
    author = catalogue.create_author(load_body(AuthorInputSchema()))
    return author_schema.dump(author), 201, {"Location": f"/authors/{author.id}"}


@blueprint.get("/<int:author_id>")
def get_author(author_id: int):
    return author_schema.dump(catalogue.find(Author, author_id, "author"))


@blueprint.patch("/<int:author_id>")
@admin_only
def update_author(author_id: int):
    author = catalogue.find(Author, author_id, "author")
    data = load_body(AuthorInputSchema(), partial=True)
    return author_schema.dump(catalogue.update_author(author, data))


@blueprint.delete("/<int:author_id>")
@admin_only
def delete_author(author_id: int):
    catalogue.delete_author(catalogue.find(Author, author_id, "author"))
    return "", 204
