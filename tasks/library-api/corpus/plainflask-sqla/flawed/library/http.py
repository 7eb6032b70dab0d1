"""Cross-cutting HTTP behaviour: request ids, security headers, ETags and gzip."""

import gzip
import hashlib
import re
import uuid

from flask import Flask, Response, g, request

REQUEST_ID_RE = re.compile(r"[A-Za-z0-9._-]{1,128}")
GZIP_MIN_BYTES = 500
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}


def _incoming_request_id() -> str:
    sent = request.headers.get("X-Request-ID", "")
    return sent if REQUEST_ID_RE.fullmatch(sent) else uuid.uuid4().hex


def _assign_request_id() -> None:
    g.request_id = _incoming_request_id()


def _apply_etag(response: Response) -> None:
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return
    if response.direct_passthrough:
        return
    response.set_etag(hashlib.sha1(response.get_data()).hexdigest(), weak=True)
    tag, _ = response.get_etag()
    if request.if_none_match.contains_weak(tag):
        response.status_code = 304
        response.set_data(b"")
        del response.headers["Content-Type"]


def _accepts_gzip() -> bool:
    return request.accept_encodings["gzip"] > 0


def _apply_gzip(response: Response) -> None:
    if response.status_code in (204, 304) or response.direct_passthrough:
        return
    if "Content-Encoding" in response.headers:
        return
    data = response.get_data()
    if len(data) < GZIP_MIN_BYTES:
        return
    response.vary.add("Accept-Encoding")
    if _accepts_gzip():
        response.set_data(gzip.compress(data))
        response.headers["Content-Encoding"] = "gzip"


def _finish_response(response: Response) -> Response:
    response.headers["X-Request-ID"] = g.get("request_id") or _incoming_request_id()
    for name, value in SECURITY_HEADERS.items():
        response.headers[name] = value
    _apply_etag(response)
    _apply_gzip(response)
    return response


def register_http_hooks(app: Flask) -> None:
    app.before_request(_assign_request_id)
    app.after_request(_finish_response)
