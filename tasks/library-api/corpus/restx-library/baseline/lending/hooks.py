"""Per-request HTTP behaviour: X-Request-ID, security headers, ETag/304, gzip."""

import gzip
import hashlib
import re
import uuid

from flask import Response, g, request

VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
COMPRESS_FROM = 500
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}


def start_request() -> None:
    candidate = request.headers.get("X-Request-ID", "")
    g.request_id = candidate if VALID_REQUEST_ID.fullmatch(candidate) else str(uuid.uuid4())


def conditional(response: Response) -> Response:
    if request.method != "GET" or response.status_code != 200:
        return response
    tag = hashlib.sha1(response.get_data(), usedforsecurity=False).hexdigest()
    response.set_etag(tag, weak=True)
    if request.if_none_match.contains_weak(tag):
        unchanged = Response(status=304)
        unchanged.set_etag(tag, weak=True)
        return unchanged
    return response


def compress(response: Response) -> Response:
    if response.status_code in (204, 304) or response.direct_passthrough:
        return response
    body = response.get_data()
    if len(body) < COMPRESS_FROM or response.headers.get("Content-Encoding"):
        return response
    response.vary.add("Accept-Encoding")
    if request.accept_encodings.quality("gzip") > 0:
        response.set_data(gzip.compress(body))
        response.headers["Content-Encoding"] = "gzip"
    return response


def finish_request(response: Response) -> Response:
    response = compress(conditional(response))
    response.headers["X-Request-ID"] = g.get("request_id") or str(uuid.uuid4())
    response.headers.update(SECURITY_HEADERS)
    return response


def register(app) -> None:
    app.before_request(start_request)
    app.after_request(finish_request)
