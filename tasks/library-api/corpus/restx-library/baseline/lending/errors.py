"""Every error leaves the API through error_response(): one JSON envelope."""

import logging

from flask import jsonify
from werkzeug.exceptions import HTTPException

logger = logging.getLogger("lending")

STATUS_CODES = {
    400: ("bad_request", "the request is malformed"),
    401: ("unauthorized", "send a valid access token: Authorization: Bearer <token>"),
    403: ("forbidden", "only an admin may do this"),
    404: ("not_found", "there is nothing here"),
    405: ("method_not_allowed", "this path does not support this method"),
    409: ("conflict", "this breaks a business rule"),
    413: ("payload_too_large", "the body is over 1 MiB"),
    415: ("unsupported_media_type", "send the body as application/json"),
    422: ("validation_error", "the input is invalid"),
    429: ("rate_limited", "too many requests"),
    500: ("internal_error", "an unexpected error happened"),
}


class APIError(Exception):
    status = 400

    def __init__(self, message=None, *, fields=None, headers=None, status=None):
        self.status = status or self.status
        self.message = message or STATUS_CODES[self.status][1]
        self.fields = fields
        self.headers = headers or {}
        super().__init__(self.message)


class BadRequest(APIError):
    status = 400


class Unauthorized(APIError):
    status = 401


class Forbidden(APIError):
    status = 403


class NotFound(APIError):
    status = 404


class Conflict(APIError):
    status = 409


class UnsupportedMediaType(APIError):
    status = 415


class Invalid(APIError):
    status = 422

    def __init__(self, fields):
        super().__init__(fields=fields)


class RateLimited(APIError):
    status = 429


def error_response(status, message=None, fields=None, headers=None):
    code, default_message = STATUS_CODES.get(status, STATUS_CODES[500])
    error = {"code": code, "message": message or default_message}
    if fields is not None:
        error["fields"] = fields
    response = jsonify({"error": error})
    response.status_code = status
    response.headers.update(headers or {})
    if status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


def to_response(exc):
    """Turn any exception into the error envelope."""
    if isinstance(exc, APIError):
        return error_response(exc.status, exc.message, exc.fields, exc.headers)
    if isinstance(exc, HTTPException):
        status = exc.code if exc.code in STATUS_CODES else 500
        headers = {}
        if status == 405 and exc.valid_methods:
            headers["Allow"] = ", ".join(sorted(exc.valid_methods))
        return error_response(status, headers=headers)
    logger.exception("unexpected error", exc_info=exc)
    return error_response(500)


def register(app):
    app.register_error_handler(Exception, to_response)
