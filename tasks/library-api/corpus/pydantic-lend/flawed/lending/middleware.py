"""Response finishing touches: request id, security headers, conditional GETs, gzip."""

import gzip
import secrets

from flask import Flask, Response, g, request

MIN_GZIP_SIZE = 500
SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
    ("Referrer-Policy", "no-referrer"),
)


def _request_id() -> str:
    offered = request.headers.get("X-Request-ID", "")
    if 0 < len(offered) <= 128:
        return offered
    return secrets.token_hex(16)


def _conditional(response: Response) -> Response:
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        response.add_etag()
        response = response.make_conditional(request)
    return response


def _compress(response: Response) -> None:
    if response.status_code in (204, 304) or response.direct_passthrough:
        return
    payload = response.get_data()
    if len(payload) < MIN_GZIP_SIZE or response.content_encoding:
        return
    response.vary.add("Accept-Encoding")
    if request.accept_encodings["gzip"]:
        response.set_data(gzip.compress(payload))
        response.content_encoding = "gzip"


def install_middleware(app: Flask) -> None:
    @app.before_request
    def _remember_request_id():
        g.request_id = _request_id()

    @app.after_request
    def _finish(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id") or _request_id()
        for name, value in SECURITY_HEADERS:
            response.headers[name] = value
        response = _conditional(response)
        _compress(response)
        return response
