"""The error envelope. Services and routes raise these; one handler renders them all."""

from __future__ import annotations

import logging
from typing import ClassVar

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

logger = logging.getLogger(__name__)

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
HTTP_MESSAGES = {
    404: "there is nothing at this path",
    405: "this path does not support this method",
    413: "the body is larger than 1 MiB",
}


class APIError(Exception):
    status: ClassVar[int] = 400
    default_message: ClassVar[str] = "bad request"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_message)
        self.message = message or self.default_message

    def headers(self) -> dict[str, str]:
        return {}

    def payload(self) -> dict[str, object]:
        return {"code": HTTP_CODES[self.status], "message": self.message}


class BadRequest(APIError):
    status = 400
    default_message = "the body is not valid JSON"


class Unauthorized(APIError):
    status = 401
    default_message = "send a valid access token: Authorization: Bearer <token>"


class Forbidden(APIError):
    status = 403
    default_message = "only an admin may do this"


class NotFound(APIError):
    status = 404
    default_message = "nothing has this id"


class Conflict(APIError):
    status = 409
    default_message = "this would break a business rule"


class UnsupportedMediaType(APIError):
    status = 415
    default_message = "send the body as application/json"


class ValidationFailed(APIError):
    status = 422
    default_message = "the input is invalid"

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__()
        self.fields = fields

    def payload(self) -> dict[str, object]:
        return {**super().payload(), "fields": self.fields}


class RateLimited(APIError):
    status = 429
    default_message = "too many failed logins for this email: try again later"

    def __init__(self, retry_after: int) -> None:
        super().__init__()
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


def render(status: int, payload: dict[str, object], headers: dict[str, str] | None = None):
    response: Response = jsonify({"error": payload})
    response.status_code = status
    response.headers.update(headers or {})
    if status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


def handle_api_error(error: APIError) -> Response:
    return render(error.status, error.payload(), error.headers())


def handle_http_exception(error: HTTPException) -> Response:
    status = error.code if error.code in HTTP_CODES else 500
    if status == 500:
        return handle_unexpected(error)
    message = HTTP_MESSAGES.get(status, error.description or "bad request")
    headers = {}
    if status == 405:
        headers["Allow"] = ", ".join(sorted(getattr(error, "valid_methods", None) or []))
    return render(status, {"code": HTTP_CODES[status], "message": message}, headers)


def handle_unexpected(error: Exception) -> Response:
    logger.exception("unexpected error", exc_info=error)
    return render(500, {"code": "internal_error", "message": "something went wrong on our side"})


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(APIError, handle_api_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
