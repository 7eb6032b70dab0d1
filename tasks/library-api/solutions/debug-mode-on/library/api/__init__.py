"""The HTTP API: one blueprint per part of the domain."""

from werkzeug.routing import IntegerConverter

from library.api import auth, authors, books, health, loans, me
from library.validation import MAX_ID


class IdConverter(IntegerConverter):
    """`<id:name>`: a positive id the database can hold; anything else matches no route (404)."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=MAX_ID)


def register_api(app):
    app.url_map.converters["id"] = IdConverter
    for module in (health, auth, me, authors, books, loans):
        app.register_blueprint(module.blueprint)
