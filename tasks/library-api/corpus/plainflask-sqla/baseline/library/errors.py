"""One place for errors: the ApiError exception and the JSON envelope for every failure."""

import logging

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from .extensions import db

log = logging.getLogger(__name__)

HTTP_CODES = {
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
}


class ApiError(Exception):
    """An error answer: status, code, message, optional fields (422) and headers."""

    def __init__(self, status, code, message, fields=None, headers=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
        self.headers = headers or {}


def bad_request(message="the body is not valid JSON"):
    return ApiError(400, "bad_request", message)


def unauthorized(message="send a valid access token: Authorization: Bearer <token>"):
    return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": "Bearer"})


def forbidden(message="only an admin may do this"):
    return ApiError(403, "forbidden", message)


def not_found(message="nothing here"):
    return ApiError(404, "not_found", message)


def conflict(message):
    return ApiError(409, "conflict", message)


def unsupported_media_type():
    return ApiError(415, "unsupported_media_type", "send the body as application/json")


def validation_error(fields):
    return ApiError(422, "validation_error", "the input is invalid", fields=fields)


def rate_limited(retry_after):
    return ApiError(
        429,
        "rate_limited",
        "too many failed logins for this email: try again later",
        headers={"Retry-After": str(retry_after)},
    )


def error_response(status, code, message, fields=None, headers=None):
    error = {"code": code, "message": message}
    if fields is not None:
        error["fields"] = fields
    response = jsonify({"error": error})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _handle_api_error(error: ApiError):
    return error_response(error.status, error.code, error.message, error.fields, error.headers)


def _handle_http_exception(error: HTTPException):
    status = error.code or 500
    if status >= 500:
        return _handle_unexpected(error)
    headers = {}
    if status == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(sorted(error.valid_methods))
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    message = (error.description or error.name).strip()
    return error_response(status, HTTP_CODES.get(status, "bad_request"), message, None, headers)


def _handle_unexpected(error: Exception):
    db.session.rollback()
    log.exception("unexpected error", exc_info=error)
    return error_response(500, "internal_error", "something went wrong on our side")


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(ApiError, _handle_api_error)
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(Exception, _handle_unexpected)
