"""Authors: public reads, admin writes."""

from flask.views import MethodView
from sqlalchemy import exists, select

from .errors import Conflict
from .extensions import db
from .lookup import paginate, resolve
from .models import Author, Book
from .parsing import Blueprint
from .schemas import AuthorArgs, AuthorIn, AuthorOut, AuthorPage, AuthorPatch
from .security import admin_required

blp = Blueprint("authors", __name__, url_prefix="/authors", description="Authors")


@blp.route("")
class Authors(MethodView):
    @blp.arguments(AuthorArgs, location="query")
    @blp.response(200, AuthorPage)
    def get(self, args):
        statement = select(Author)
        if "name" in args:
            statement = statement.where(Author.name.icontains(args["name"], autoescape=True))
        return paginate(statement, Author, args)

    @admin_required
    @blp.arguments(AuthorIn)
    @blp.response(201, AuthorOut)
    def post(self, data):
        author = Author(**data)
        db.session.add(author)
        db.session.commit()
        return author, 201, {"Location": f"/authors/{author.id}"}


@blp.route("/<int:author_id>")
class AuthorItem(MethodView):
    @resolve(Author, "author_id", "author")
    @blp.response(200, AuthorOut)
    def get(self, author):
        return author

    @admin_required
    @resolve(Author, "author_id", "author")
    @blp.arguments(AuthorPatch(partial=True))
    @blp.response(200, AuthorOut)
    def patch(self, data, author):
        for field, value in data.items():
            setattr(author, field, value)
        db.session.commit()
        return author

    @admin_required
    @resolve(Author, "author_id", "author")
    @blp.response(204)
    def delete(self, author):
        if db.session.scalar(select(exists().where(Book.author_id == author.id))):
            raise Conflict("this author still has books: delete them first")
        db.session.delete(author)
        db.session.commit()
