"""One JSON error envelope for every error: {"error": {"code", "message", "fields"?}}."""

from flask import jsonify
from werkzeug.exceptions import HTTPException

# The code that goes with each status, for the errors Flask and Werkzeug raise themselves.
CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
}


class ApiError(Exception):
    """An error the API answers on purpose. Subclasses fix the status."""

    status = 500

    def __init__(self, message, headers=None):
        super().__init__(message)
        self.message = message
        self.headers = headers or {}

    def body(self):
        return {"code": CODES[self.status], "message": self.message}


class BadRequest(ApiError):
    status = 400


class Unauthorized(ApiError):
    status = 401

    def __init__(self, message):
        super().__init__(message, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(ApiError):
    status = 403


class NotFound(ApiError):
    status = 404


class Conflict(ApiError):
    status = 409


class ValidationError(ApiError):
    status = 422

    def __init__(self, fields):
        super().__init__("the input is invalid")
        self.fields = fields

    def body(self):
        return {**super().body(), "fields": self.fields}


class TooManyRequests(ApiError):
    status = 429

    def __init__(self, message, retry_after_s):
        super().__init__(message, headers={"Retry-After": str(retry_after_s)})


def error_response(status, body, headers=None):
    response = jsonify({"error": body})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def register_error_handlers(app):
    @app.errorhandler(ApiError)
    def api_error(error):
        return error_response(error.status, error.body(), error.headers)

    @app.errorhandler(HTTPException)
    def http_error(error):
        # Routing (404, 405), request parsing (400, 413, 415) and, through Flask's
        # InternalServerError, any unexpected exception: logged by Flask, never shown.
        status = error.code or 500
        message = error.description if status < 500 else "something went wrong on our side"
        headers = {
            name: value for name, value in error.get_headers() if name.lower() != "content-type"
        }
        return error_response(status, {"code": CODES.get(status, "error"), "message": message}, headers)
