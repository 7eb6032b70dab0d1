"""The one place where errors become responses: always the JSON error envelope."""

import logging

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

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

MESSAGES = {
    400: "the request is malformed",
    401: "send a valid access token: Authorization: Bearer <token>",
    403: "only an admin may do this",
    404: "nothing here",
    405: "this method is not allowed on this path",
    409: "the request conflicts with the current state",
    413: "the body is larger than 1 MiB",
    415: "send the body as application/json",
    422: "the input is invalid",
    429: "too many requests",
    500: "something went wrong on our side",
}


class ApiError(Exception):
    """An error the API answers on purpose."""

    def __init__(self, status, message=None, *, fields=None, headers=None):
        super().__init__(message or MESSAGES.get(status, "error"))
        self.status = status
        self.message = message or MESSAGES.get(status, "error")
        self.fields = fields
        self.headers = headers or {}


class NotFound(ApiError):
    def __init__(self, message=None):
        super().__init__(404, message)


class Conflict(ApiError):
    def __init__(self, message):
        super().__init__(409, message)


class Unauthorized(ApiError):
    def __init__(self, message=None):
        super().__init__(401, message)


class ValidationFailed(ApiError):
    def __init__(self, fields):
        super().__init__(422, fields=fields)


def error_response(status, message=None, *, fields=None, headers=None):
    body = {"code": CODES.get(status, "bad_request"), "message": message or MESSAGES.get(status)}
    if fields is not None:
        body["fields"] = fields
    response = jsonify({"error": body})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    if status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


def handle_api_error(error: ApiError):
    return error_response(error.status, error.message, fields=error.fields, headers=error.headers)


def handle_http_exception(error: HTTPException):
    status = error.code or 500
    headers = {}
    if status == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(sorted(error.valid_methods))
    if status not in CODES:
        status = 500 if status >= 500 else 400
    return error_response(status, MESSAGES.get(status), headers=headers)


def handle_unexpected(error: Exception):
    log.exception("unhandled error", exc_info=error)
    return error_response(500)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(ApiError, handle_api_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
