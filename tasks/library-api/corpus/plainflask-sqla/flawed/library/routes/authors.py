"""Authors: anyone reads, admins write."""

from flask import Blueprint, jsonify

from ..errors import conflict
from ..extensions import db
from ..models import Author, Book
from ..pagination import paginate
from ..security import admin_required
from ..validation import Query, Rule, get_or_404, json_body, text, validate, year

bp = Blueprint("authors", __name__, url_prefix="/authors")

AUTHOR_RULES = {
    "name": Rule(text(200)),
    "birth_year": Rule(year, required=False, nullable=True),
}


def _serialize(authors):
    return [author.to_dict() for author in authors]


@bp.get("")
def list_authors():
    query_args = Query()
    page, per_page = query_args.page()
    name = query_args.text("name", 200)
    query_args.done()
    query = Author.query
    if name is not None:
        query = query.filter(Author.name.icontains(name, autoescape=True))
    return jsonify(paginate(query, Author.id, page, per_page, _serialize))


@bp.post("")
@admin_required
def create_author():
    author = Author(**validate(json_body(), AUTHOR_RULES))
    db.session.add(author)
    db.session.commit()
    return jsonify(author.to_dict()), 201, {"Location": f"/authors/{author.id}"}


@bp.get("/<id:author_id>")
def get_author(author_id: int):
    return jsonify(get_or_404(Author, author_id, "author").to_dict())


@bp.patch("/<id:author_id>")
@admin_required
def update_author(author_id: int):
    author = get_or_404(Author, author_id, "author")
    for field, value in validate(json_body(), AUTHOR_RULES, partial=True).items():
        setattr(author, field, value)
    db.session.commit()
    return jsonify(author.to_dict())


@bp.delete("/<id:author_id>")
@admin_required
def delete_author(author_id: int):
    author = get_or_404(Author, author_id, "author")
    if Book.query.filter_by(author_id=author.id).first() is not None:
        raise conflict("this author still has books: delete them first")
    db.session.delete(author)
    db.session.commit()
    return "", 204
