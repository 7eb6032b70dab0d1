"""Errors: one exception type, one JSON envelope, handlers for everything else."""

import logging

from flask import Flask, g, jsonify
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


class APIError(Exception):
    status = 400

    def __init__(self, message: str, *, fields=None, headers=None, status=None):
        super().__init__(message)
        self.message = message
        self.fields = fields
        self.headers = headers or {}
        if status is not None:
            self.status = status


class BadRequest(APIError):
    status = 400


class Unauthorized(APIError):
    status = 401

    def __init__(self, message="a valid access token is required"):
        super().__init__(message, headers={"WWW-Authenticate": "Bearer"})


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

    def __init__(self, fields: dict[str, str]):
        super().__init__("the input is invalid", fields=fields)


class RateLimited(APIError):
    status = 429

    def __init__(self, retry_after: int):
        super().__init__(
            "too many failed logins for this email: try again later",
            headers={"Retry-After": str(retry_after)},
        )


def envelope(status: int, message: str, fields=None, headers=None):
    body = {"code": CODES.get(status, "bad_request"), "message": message}
    if fields is not None:
        body["fields"] = fields
    response = jsonify(error=body)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def _rollback() -> None:
    db_session = g.get("db_session")
    if db_session is not None:
        db_session.rollback()


def install_error_handlers(app: Flask) -> None:
    @app.errorhandler(APIError)
    def _api_error(error: APIError):
        _rollback()
        return envelope(error.status, error.message, error.fields, error.headers)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if error.code is None or error.code >= 500:
            return _unexpected(error)
        headers = {}
        if error.code == 405:
            headers["Allow"] = ", ".join(sorted(getattr(error, "valid_methods", None) or []))
        return envelope(error.code, error.description or error.name, headers=headers)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        _rollback()
        log.exception("unhandled error", exc_info=error)
        return envelope(500, "internal error")
