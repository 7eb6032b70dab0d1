"""Authors: anyone can read them, admins manage them."""

from flask import Blueprint, url_for
from sqlalchemy import exists, select

from library.database import commit_or_conflict, db, find_or_404
from library.errors import Conflict
from library.models import Author, Book
from library.pagination import PAGE_PARAMS, paginate
from library.security import admin_required
from library.validation import Text, TextParam, Year, json_body, query_params

blueprint = Blueprint("authors", __name__, url_prefix="/authors")

AUTHOR = {
    "name": Text(max_length=200),
    "birth_year": Year(required=False, nullable=True),
}
FILTERS = {**PAGE_PARAMS, "name": TextParam()}


@blueprint.get("")
def list_authors():
    params = query_params(FILTERS)
    statement = select(Author).order_by(Author.id.desc())
    if params["name"] is not None:
        statement = statement.where(Author.name.icontains(params["name"], autoescape=True))
    return paginate(statement, params)


@blueprint.post("")
@admin_required
def create_author():
    author = Author(**json_body(AUTHOR))
    db.session.add(author)
    db.session.commit()
    return author.to_dict(), 201, {"Location": url_for(".get_author", author_id=author.id)}


@blueprint.get("/<id:author_id>")
def get_author(author_id):
    return find_or_404(Author, author_id, "author").to_dict()


@blueprint.patch("/<id:author_id>")
@admin_required
def update_author(author_id):
    author = find_or_404(Author, author_id, "author")
    for name, value in json_body(AUTHOR, partial=True).items():
        setattr(author, name, value)
    db.session.commit()
    return author.to_dict()


@blueprint.delete("/<id:author_id>")
@admin_required
def delete_author(author_id):
    author = find_or_404(Author, author_id, "author")
    if db.session.scalar(select(exists().where(Book.author_id == author.id))):
        raise Conflict("this author still has books: delete them first")
    db.session.delete(author)
    commit_or_conflict("this author still has books: delete them first")
    return "", 204
