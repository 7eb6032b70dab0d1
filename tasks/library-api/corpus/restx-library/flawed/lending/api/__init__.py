"""The Flask-RESTX Api, mounted on a blueprint at the root."""

from flask import Blueprint
from flask_restx import Api

from ..errors import to_response
from .auth import ns as auth_ns
from .authors import ns as authors_ns
from .books import ns as books_ns
from .loans import ns as loans_ns
from .meta import ns as meta_ns


class LibraryApi(Api):
    """RESTX's error handler replaced by ours, so every error has one shape."""

    def handle_error(self, e):
        return to_response(e)


def create_blueprint() -> Blueprint:
    blueprint = Blueprint("api", __name__)
    api = LibraryApi(
        blueprint,
        title="Library API",
        version="1.0.0",
        description="A lending library's catalogue, members and loans.",
        doc=False,
        authorizations={"bearer": {"type": "apiKey", "in": "header", "name": "Authorization"}},
    )
    for namespace in (meta_ns, auth_ns, authors_ns, books_ns, loans_ns):
        api.add_namespace(namespace)
    return blueprint
