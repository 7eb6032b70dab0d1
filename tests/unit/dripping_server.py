"""An HTTP server on 127.0.0.1 that answers a byte at a time: every read is quick, the whole
answer is not. For the tests of total deadlines (client, probe, fuzz stage)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal

STEP_S = 0.05  # between two bytes: far below any per-read timeout of the tests
DRIPPED = 4000  # bytes dripped at most (200 s), unless the client goes away first

Drip = Literal["headers", "body"]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    drip: Drip = "headers"
    drips: Callable[[str], bool] = staticmethod(lambda path: True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        if length:
            self.rfile.read(length)
        path = self.path.split("?", 1)[0]
        try:
            if not self.server.drips(path):
                body = b'{"ok": true}'
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            elif self.server.drip == "headers":
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                self._drip(b"x-slow: " + b"a" * DRIPPED)
            else:
                self.send_response(200)
                self.send_header("content-length", str(DRIPPED))
                self.end_headers()
                self._drip(b"b" * DRIPPED)
        except OSError:  # the client gave up: what the tests want
            self.close_connection = True

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def _drip(self, data: bytes) -> None:
        for byte in data:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(STEP_S)


@contextlib.contextmanager
def dripping_server(drip: Drip, drips: Callable[[str], bool] = lambda path: True) -> Iterator[str]:
    """The base URL of a server that drips the headers or the body of the paths `drips`
    selects (all, unless told), and answers the others at once with 200 and a small JSON."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.drip, server.drips = drip, drips
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
