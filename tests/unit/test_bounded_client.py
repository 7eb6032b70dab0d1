"""The plugin's HTTP client bounds every exchange: size (decoded), total time, redirects."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from grader.pytest_plugin import BoundedClient, ResponseRefused

LIMIT = 1 << 20
BOMB = gzip.compress(b"\0" * (50 << 20))  # 50 MiB of zeros in about 50 KiB


class Hostile(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/fine":
            self._send(b'{"ok": true}', {"content-type": "application/json"})
        elif self.path == "/huge":
            self._send(b"x" * (LIMIT + 1), {})
        elif self.path == "/bomb":
            self._send(BOMB, {"content-encoding": "gzip"})
        elif self.path == "/drip":
            self.send_response(200)
            self.send_header("content-length", "100")
            self.end_headers()
            for _ in range(100):  # one byte every 0.2 s: every read is quick, the whole is not
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.2)
        elif self.path == "/redirect":
            self.send_response(302)
            self.send_header("location", "/fine")
            self.send_header("content-length", "0")
            self.end_headers()

    def _send(self, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(200)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def client(base_url: str) -> Iterator[BoundedClient]:
    with BoundedClient(
        base_url=base_url, max_bytes=LIMIT, total_s=2.0, timeout=httpx.Timeout(1.0)
    ) as bounded:
        yield bounded


def test_an_ordinary_answer_reads_as_usual(client: BoundedClient) -> None:
    response = client.get("/fine")
    assert response.status_code == 200
    assert response.json() == {"ok": True}


def test_a_body_past_the_limit_is_refused(client: BoundedClient) -> None:
    with pytest.raises(ResponseRefused, match=f"larger than {LIMIT} bytes"):
        client.get("/huge")


def test_a_gzip_bomb_counts_at_its_decoded_size(client: BoundedClient) -> None:
    with pytest.raises(ResponseRefused, match="larger than"):
        client.get("/bomb")


def test_a_slow_drip_is_cut_at_the_total_deadline(client: BoundedClient) -> None:
    started = time.monotonic()
    with pytest.raises(ResponseRefused, match="not complete after 2 s"):
        client.get("/drip")
    assert time.monotonic() - started < 5


def test_redirects_are_not_followed(client: BoundedClient) -> None:
    response = client.get("/redirect")
    assert response.status_code == 302
    assert response.headers["location"] == "/fine"
