"""Cross-cutting HTTP behaviour: request ids, security headers, ETags and gzip."""

from __future__ import annotations

import gzip
import hashlib
import re
import uuid

from flask import Flask, Response, request

REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
GZIP_MIN_BYTES = 500
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}


def request_id() -> str:
    sent = request.headers.get("X-Request-ID", "")
    return sent if REQUEST_ID.fullmatch(sent) else uuid.uuid4().hex


def conditional(response: Response) -> Response:
    """ETag every 200 answer to a GET; answer 304 when If-None-Match names it."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    if response.direct_passthrough:
        return response
    etag = hashlib.sha256(response.get_data()).hexdigest()[:40]
    response.set_etag(etag, weak=True)
    if request.if_none_match.contains_weak(etag):
        not_modified = Response(status=304)
        not_modified.set_etag(etag, weak=True)
        return not_modified
    return response


def compress(response: Response) -> None:
    """Gzip bodies of 500 bytes or more, only for clients that accept gzip."""
    if response.status_code in (204, 304) or response.direct_passthrough:
        return
    response.vary.add("Accept-Encoding")
    if "Content-Encoding" in response.headers or request.accept_encodings["gzip"] <= 0:
        return
    body = response.get_data()
    if len(body) < GZIP_MIN_BYTES:
        return
    response.set_data(gzip.compress(body))
    response.headers["Content-Encoding"] = "gzip"


def finish(response: Response) -> Response:
    response = conditional(response)
    compress(response)
    response.headers["X-Request-ID"] = request_id()
    response.headers.update(SECURITY_HEADERS)
    return response


def register(app: Flask) -> None:
    app.after_request(finish)
