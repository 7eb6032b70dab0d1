"""Authors: anyone reads, admins write."""

from flask_restx import Namespace, Resource, fields
from sqlalchemy import exists, select

from .. import db, validation
from ..errors import Conflict
from ..guards import admin_required
from ..models import Author, Book
from .common import find, page_model, page_of

ns = Namespace("authors", path="/authors", description="Authors")

author_model = ns.model(
    "Author", {"id": fields.Integer, "name": fields.String, "birth_year": fields.Integer}
)
author_page = ns.add_model("AuthorPage", page_model("AuthorPage", author_model))


@ns.route("")
class AuthorList(Resource):
    @ns.marshal_with(author_page)
    def get(self):
        params = validation.query(validation.AUTHOR_QUERY)
        statement = select(Author)
        if "name" in params:
            statement = statement.where(Author.name.ilike(f"%{params['name']}%"))
        return page_of(statement, Author, params)

    @admin_required
    @ns.marshal_with(author_model, code=201)
    def post(self):
        data = validation.validate(validation.AUTHOR, validation.json_body())
        author = Author(**data)
        db.session.add(author)
        db.session.commit()
        return author, 201, {"Location": f"/authors/{author.id}"}


@ns.route("/<int:author_id>")
class AuthorItem(Resource):
    @ns.marshal_with(author_model)
    def get(self, author_id):
        return find(Author, author_id, "author")

    @admin_required
    @ns.marshal_with(author_model)
    def patch(self, author_id):
        author = find(Author, author_id, "author")
        data = validation.validate(validation.AUTHOR, validation.json_body(), partial=True)
        for name, value in data.items():
            setattr(author, name, value)
        db.session.commit()
        return author

    @admin_required
    def delete(self, author_id):
        author = find(Author, author_id, "author")
        if db.session.scalar(select(exists().where(Book.author_id == author.id))):
            raise Conflict("this author still has books: delete them first")
        db.session.delete(author)
        db.session.commit()
        return "", 204
