"""One JSON error envelope for every error."""

from flask import jsonify
from werkzeug.exceptions import HTTPException


class ValidationError(Exception):
    def __init__(self, fields):
        super().__init__("invalid input")
        self.fields = fields


def error_response(status, code, message, **extra):
    return jsonify({"error": {"code": code, "message": message, **extra}}), status


def register_error_handlers(app):
    @app.errorhandler(ValidationError)
    def invalid(error):
        return error_response(422, "validation_error", "the input is invalid", fields=error.fields)

    @app.errorhandler(HTTPException)
    def http_error(error):
        codes = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}
        return error_response(error.code, codes.get(error.code, "error"), error.description)

    @app.errorhandler(Exception)
    def unexpected(error):
        app.logger.exception("unexpected error")
        return error_response(500, "internal_error", "something went wrong")
