"""What every response gets: a request id, security headers, an ETag and gzip when asked."""

import gzip
import re
import uuid

from flask import g, request

REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}
COMPRESS_FROM_BYTES = 500


def register_hooks(app):
    app.before_request(assign_request_id)
    app.after_request(finish_response)


def assign_request_id():
    """Keep the caller's X-Request-ID when it is a sane token, else make one."""
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex


def finish_response(response):
    response.headers["X-Request-ID"] = g.get("request_id") or uuid.uuid4().hex
    response.headers.update(SECURITY_HEADERS)
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        # Weak: the same ETag stands for the plain and the gzipped body.
        response.add_etag(weak=True)
        response.make_conditional(request)  # 304 when If-None-Match matches
    compress(response)
    return response


def compress(response):
    if response.mimetype != "application/json" or response.direct_passthrough:
        return
    if response.status_code == 304 or "Content-Encoding" in response.headers:
        return
    response.vary.add("Accept-Encoding")
    body = response.get_data()
    if len(body) < COMPRESS_FROM_BYTES or request.accept_encodings["gzip"] <= 0:
        return
    response.set_data(gzip.compress(body))
    response.headers["Content-Encoding"] = "gzip"
