"""Cross-cutting HTTP behaviour: request ids, security headers, ETag/304 and gzip."""

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


def assign_request_id() -> None:
    sent = request.headers.get("X-Request-ID", "")
    g.request_id = sent if REQUEST_ID_RE.match(sent) else uuid.uuid4().hex


def _with_etag(response: Response) -> Response:
    if request.method != "GET" or response.status_code != 200 or response.direct_passthrough:
        return response
    etag = hashlib.sha256(response.get_data()).hexdigest()[:40]
    response.set_etag(etag, weak=True)
    if request.if_none_match.contains_weak(etag):
        not_modified = Response(status=304)
        not_modified.set_etag(etag, weak=True)
        return not_modified
    return response


def _gzipped(response: Response) -> Response:
    if response.direct_passthrough or response.status_code in (204, 304):
        return response
    if "Content-Encoding" in response.headers:
        return response
    body = response.get_data()
    if len(body) < GZIP_MIN_BYTES:
        return response
    response.vary.add("Accept-Encoding")
    if request.accept_encodings.quality("gzip") <= 0:
        return response
    response.set_data(gzip.compress(body))
    response.headers["Content-Encoding"] = "gzip"
    return response


def finish_response(response: Response) -> Response:
    response = _gzipped(_with_etag(response))
    response.headers["X-Request-ID"] = g.get("request_id") or uuid.uuid4().hex
    for name, value in SECURITY_HEADERS.items():
        response.headers[name] = value
    return response


def init_http(app: Flask) -> None:
    app.before_request(assign_request_id)
    app.after_request(finish_response)
