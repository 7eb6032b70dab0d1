from flask import Blueprint
from sqlalchemy import exists, select

from ..auth.guards import admin_only
from ..database import session
from ..errors import Conflict
from ..inputs import body, find, query
from ..models import Author, Book
from ..schemas import AuthorCreate, AuthorQuery, AuthorUpdate
from .paging import page_of

authors = Blueprint("authors", __name__, url_prefix="/authors")


@authors.get("")
def list_authors():
    params = query(AuthorQuery)
    statement = select(Author)
    if params.name is not None:
        statement = statement.where(Author.name.icontains(params.name, autoescape=True))
    rows, page = page_of(statement, Author.id, params)
    return {"items": [author.public() for author in rows], **page}


@authors.post("")
@admin_only
def create_author():
    author = Author(**body(AuthorCreate))
    session().add(author)
    session().commit()
    return author.public(), 201, {"Location": f"/authors/{author.id}"}


@authors.get("/<int:author_id>")
def get_author(author_id: int):
    return find(Author, author_id, "author").public()


@authors.patch("/<int:author_id>")
@admin_only
def update_author(author_id: int):
    author = find(Author, author_id, "author")
    for field, value in body(AuthorUpdate).items():
        setattr(author, field, value)
    session().commit()
    return author.public()


@authors.delete("/<int:author_id>")
@admin_only
def delete_author(author_id: int):
    author = find(Author, author_id, "author")
    if session().scalar(select(exists().where(Book.author_id == author.id))):
        raise Conflict("this author still has books: delete them first")
    session().delete(author)
    session().commit()
    return "", 204
