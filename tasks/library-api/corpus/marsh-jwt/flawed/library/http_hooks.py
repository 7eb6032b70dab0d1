"""Response hooks: request id, security headers, conditional GETs and gzip."""

from __future__ import annotations

import gzip
from uuid import uuid4

from flask import Flask, Response, request

COMPRESS_FROM_BYTES = 500
SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
    ("Referrer-Policy", "no-referrer"),
)


def _with_etag(response: Response) -> Response:
    if request.method not in {"GET", "HEAD"} or response.status_code != 200:
        return response
    response.add_etag(weak=True)
    if request.if_none_match and request.if_none_match.contains_weak(response.get_etag()[0]):
        answer = Response(status=304)
        answer.headers["ETag"] = response.headers["ETag"]
        return answer
    return response


def _gzip(response: Response) -> None:
    if response.status_code in {204, 304} or response.direct_passthrough:
        return
    response.vary.add("Accept-Encoding")
    if request.accept_encodings["gzip"] <= 0 or response.content_encoding:
        return
    data = response.get_data()
    if len(data) >= COMPRESS_FROM_BYTES:
        response.set_data(gzip.compress(data))
        response.content_encoding = "gzip"


def _stamp(response: Response) -> None:
    response.headers["X-Request-ID"] = request.headers.get("X-Request-ID") or str(uuid4())
    for name, value in SECURITY_HEADERS:
        response.headers[name] = value


def after_request(response: Response) -> Response:
    response = _with_etag(response)
    _gzip(response)
    _stamp(response)
    return response


def register_http_hooks(app: Flask) -> None:
    app.after_request(after_request)
