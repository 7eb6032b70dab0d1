"""The bounded HTTP client (the plugin's, the probe's, the fuzz stage's) bounds every exchange:
size (decoded), total time of headers and body alike, redirects."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from grader.bounded_client import UNKNOWN_PATH, AnswerTooSlow, still_answers, within
from grader.pytest_plugin import BoundedClient, ResponseRefused
from tests.conftest import free_port
from tests.unit.dripping_server import Drip, dripping_server

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


@pytest.mark.parametrize("drip", ["headers", "body"])
def test_an_answer_dripped_byte_by_byte_ends_at_the_total_deadline(drip: Drip) -> None:
    with (
        dripping_server(drip) as url,
        BoundedClient(base_url=url, max_bytes=LIMIT, total_s=1.5, timeout=1.0) as bounded,
    ):
        started = time.monotonic()
        with pytest.raises(AnswerTooSlow, match=r"not complete after 1\.5 s") as raised:
            bounded.get("/anything")
        took = time.monotonic() - started
    assert 1.4 < took < 2.5, took
    # both a refusal (the plugin's callers) and a time-out (the probe's, the fuzz stage's)
    assert isinstance(raised.value, ResponseRefused)
    assert isinstance(raised.value, httpx.TimeoutException)


def test_within_puts_an_earlier_deadline_on_every_exchange_in_it() -> None:
    with (
        dripping_server("headers", lambda path: path == "/slow") as url,
        BoundedClient(base_url=url, max_bytes=LIMIT, total_s=30, timeout=10) as bounded,
    ):
        with within(1.0):
            assert bounded.get("/quick").json() == {"ok": True}
            started = time.monotonic()
            with pytest.raises(AnswerTooSlow):
                bounded.get("/slow")
            assert time.monotonic() - started < 1.5
            with pytest.raises(httpx.TimeoutException):  # nothing may start after it
                bounded.get("/quick")
        assert bounded.get("/quick").status_code == 200  # the deadline ends with the block


def test_a_refused_connection_is_a_connect_error() -> None:
    with (
        BoundedClient(max_bytes=LIMIT, total_s=2, timeout=1) as bounded,
        pytest.raises(httpx.ConnectError),
    ):
        bounded.get(f"http://127.0.0.1:{free_port()}/health")


def test_an_app_still_answers_when_its_health_and_an_unknown_path_answer() -> None:
    with (
        dripping_server("headers", lambda path: path == "/broken-feature") as url,
        BoundedClient(base_url=url, max_bytes=LIMIT, total_s=1, timeout=1) as bounded,
    ):
        assert still_answers(bounded, "/health") == ""


def test_an_app_that_answers_only_its_health_path_does_not_still_answer() -> None:
    with (
        dripping_server("body", lambda path: path != "/health") as url,
        BoundedClient(base_url=url, max_bytes=LIMIT, total_s=1, timeout=1) as bounded,
    ):
        assert still_answers(bounded, "/health") == (
            f"GET {UNKNOWN_PATH} got no answer either "
            "(AnswerTooSlow: response not complete after 1 s)"
        )


def test_a_health_path_must_answer_2xx(client: BoundedClient) -> None:
    assert still_answers(client, "/redirect") == "GET /redirect answered 302 instead of 2xx"
    assert still_answers(client, "/never-answered") == (
        "GET /never-answered got no answer either (ReadTimeout: timed out)"
    )
