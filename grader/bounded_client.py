"""HTTP to an app under test, bounded as a whole: every exchange has a total deadline.

A per-read timeout alone lets an app that sends one byte a second, of its headers or of its
body, hold the caller for as long as it likes. Here every connect, write and read of an
exchange is given at most the time left before the exchange's deadline, so the exchange ends
by then whatever the app does; the body is also capped at its decoded size. The reference
tests' client (`pytest_plugin`), the probe and the fuzz stage all send through
`BoundedClient`; `within(seconds)` puts a deadline on every exchange in a block as well (a
stage's own time limit), and the earlier deadline wins. `still_answers` tells an app that
answers nothing apart from one broken feature.

IO only through httpcore's public network-backend interface: `_DeadlineBackend` wraps the
usual sockets and shortens each operation's timeout to the time left.
"""

from __future__ import annotations

import contextlib
import ssl
import time
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from typing import Any

import httpcore
import httpx

__all__ = ["AnswerTooSlow", "BoundedClient", "ResponseRefused", "still_answers", "within"]

UNKNOWN_PATH = "/grader-reachability-check"  # no app has a route here: any answer will do

# the deadline (time.monotonic()) every network operation in this context must end by
_DEADLINE: ContextVar[float | None] = ContextVar("grader_http_deadline", default=None)

# httpcore's errors, each raised again as the httpx error of the same name
_ERROR_NAMES = frozenset(
    {
        "ConnectTimeout",
        "ReadTimeout",
        "WriteTimeout",
        "PoolTimeout",
        "TimeoutException",
        "ConnectError",
        "ReadError",
        "WriteError",
        "NetworkError",
        "ProxyError",
        "UnsupportedProtocol",
        "LocalProtocolError",
        "RemoteProtocolError",
        "ProtocolError",
    }
)
_HTTPCORE_ERRORS: tuple[type[Exception], ...] = tuple(
    getattr(httpcore, name) for name in sorted(_ERROR_NAMES)
)


class ResponseRefused(httpx.TransportError):
    """The app's answer broke a bound: too large, or too slow as a whole."""


class AnswerTooSlow(ResponseRefused, httpx.TimeoutException):
    """No complete answer by the exchange's deadline (a time-out, for those who ask)."""


@contextlib.contextmanager
def within(seconds: float) -> Iterator[float]:
    """Every exchange in the block ends within `seconds` from now (or by an earlier deadline
    already set); yields the deadline, on the `time.monotonic()` clock."""
    outer = _DEADLINE.get()
    deadline = time.monotonic() + max(0.0, seconds)
    if outer is not None:
        deadline = min(deadline, outer)
    token = _DEADLINE.set(deadline)
    try:
        yield deadline
    finally:
        _DEADLINE.reset(token)


def _time_left(timeout: float | None, error: type[Exception]) -> float | None:
    """`timeout`, shortened to the time left before the deadline; `error` once none is."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("the exchange's deadline has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _time_left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _time_left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        left = _time_left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, left))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._backend = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        left = _time_left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(
            self._backend.connect_tcp(host, port, left, local_address, socket_options)
        )

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        left = _time_left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._backend.connect_unix_socket(path, left, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


@contextlib.contextmanager
def _as_httpx_errors() -> Iterator[None]:
    try:
        yield
    except _HTTPCORE_ERRORS as error:
        kind = next(k for k in type(error).__mro__ if k.__name__ in _ERROR_NAMES)
        raise getattr(httpx, kind.__name__)(str(error)) from error


class _Body(httpx.SyncByteStream):
    def __init__(self, stream: Iterable[bytes]) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        with _as_httpx_errors():
            yield from self._stream

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


class _DeadlineTransport(httpx.BaseTransport):
    """HTTP/1.1 over httpcore's connection pool, on sockets that keep to the deadline."""

    def __init__(self, ssl_context: ssl.SSLContext | None, limits: httpx.Limits) -> None:
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_DeadlineBackend(),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.SyncByteStream)
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _as_httpx_errors():
            answer = self._pool.handle_request(core_request)
        assert isinstance(answer.stream, Iterable)
        return httpx.Response(
            status_code=answer.status,
            headers=answer.headers,
            stream=_Body(answer.stream),
            extensions=answer.extensions,
        )

    def close(self) -> None:
        self._pool.close()


class BoundedClient(httpx.Client):
    """An httpx client that bounds every exchange as a whole, not only each read.

    Connecting, sending, the status line and headers, and the body all share one deadline,
    `total_s` after the request goes out (or an earlier one set by `within`): a slow drip of
    headers or body cannot hold the caller longer. The body is read here and decoded (so a
    small gzip bomb counts at its real size) and refused past `max_bytes`. No proxy or .netrc
    from the environment applies (`trust_env=False` unless asked): the app is reached directly.
    """

    def __init__(self, *, max_bytes: int, total_s: float, **kwargs: Any) -> None:
        verify: ssl.SSLContext | str | bool = kwargs.pop("verify", True)
        limits: httpx.Limits = kwargs.pop("limits", httpx.Limits())
        if "transport" not in kwargs:
            context = None if verify is True else httpx.create_ssl_context(verify=verify)
            kwargs["transport"] = _DeadlineTransport(context, limits)
        kwargs.setdefault("trust_env", False)
        super().__init__(**kwargs)
        self.max_bytes = max_bytes
        self.total_s = total_s

    def send(
        self, request: httpx.Request, *, stream: bool = False, **kwargs: Any
    ) -> httpx.Response:
        with within(self.total_s) as deadline:
            started = time.monotonic()
            try:
                return self._send_bounded(request, stream, deadline, **kwargs)
            except httpx.TimeoutException as error:
                if time.monotonic() < deadline or isinstance(error, AnswerTooSlow):
                    raise
                limit = round(deadline - started, 1)
                message = (
                    f"response not complete after {limit:g} s"
                    if limit > 0
                    else "no time was left for this request: its deadline had passed"
                )
                raise AnswerTooSlow(message, request=request) from error

    def _send_bounded(
        self, request: httpx.Request, stream: bool, deadline: float, **kwargs: Any
    ) -> httpx.Response:
        response = super().send(request, stream=True, **kwargs)
        if stream:
            return response  # the caller reads it, and bounds it, itself
        body = bytearray()
        try:
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > self.max_bytes:
                    raise ResponseRefused(
                        f"response larger than {self.max_bytes} bytes", request=request
                    )
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("the exchange's deadline has passed")
        finally:
            response.close()
        response._content = bytes(body)  # what Response.read() would have stored
        return response


def still_answers(client: httpx.Client, health_path: str) -> str:
    """'' when the app answers both its health path (2xx) and a path it has no route for (any
    status, 404 as likely as not); otherwise what it did instead. An app with one feature that
    hangs still answers both; an app that hangs, crashes or drips on every request does not."""
    for path, wanted in ((health_path, "2xx"), (UNKNOWN_PATH, "")):
        if not path:
            continue
        try:
            status = client.get(path).status_code
        except httpx.HTTPError as error:
            text = str(error).splitlines()[0][:200] if str(error) else ""
            return f"GET {path} got no answer either ({type(error).__name__}: {text})"
        if wanted and not 200 <= status < 300:
            return f"GET {path} answered {status} instead of 2xx"
    return ""
