"""Probe: poll the app's health path until it answers 2xx, or say why it never did.

Three ways of not being ready are told apart: the app exited (with its exit code and log
tail), it never accepted a connection on the task's port, or it accepted connections but did
not answer the health path well or in time.

Each request is bounded as a whole (`REQUEST_TIMEOUT_S` for all of it, headers and body
together), and so is the probe: no request outlives its start-up time limit, however slowly
the app drips its answer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from grader.bounded_client import BoundedClient, within
from grader.core.result import Status
from grader.sandbox.container import ContainerState

POLL_INTERVAL_S = 0.25
REQUEST_TIMEOUT_S = 2.0
BODY_LIMIT = 1024 * 1024


@dataclass(frozen=True)
class Ready:
    duration_s: float
    attempts: int


@dataclass(frozen=True)
class NotReady:
    status: Status
    reason: str
    duration_s: float


def probe_until_ready(
    base_url: str,
    health_path: str,
    timeout_s: float,
    port: int,
    state: Callable[[], ContainerState],
    address: str | None = None,
    *,
    any_answer: bool = False,
) -> Ready | NotReady:
    """Ready at the first 2xx of the health path (or, with `any_answer`, any answer below
    500: the app is serving, whatever it says at that path). `address`: a server the candidate
    runs (host:port), blamed instead of the task's port."""
    started = time.monotonic()
    deadline = started + timeout_s
    attempts = refused = timed_out = 0
    last_answer = ""
    url = base_url + health_path
    client = BoundedClient(
        max_bytes=BODY_LIMIT,
        total_s=REQUEST_TIMEOUT_S,
        timeout=httpx.Timeout(REQUEST_TIMEOUT_S),
        follow_redirects=False,
    )
    with client, within(timeout_s):
        while True:
            current = state()
            if not current.running:
                return NotReady(
                    Status.OOM if current.oom_killed else Status.START_FAILED,
                    f"the app {current.describe()} before it was ready",
                    time.monotonic() - started,
                )
            attempts += 1
            try:
                response = client.get(url)
                if 200 <= response.status_code < 300 or (any_answer and response.status_code < 500):
                    return Ready(time.monotonic() - started, attempts)
                last_answer = f"HTTP {response.status_code}"
            except httpx.ConnectError:
                refused += 1
            except httpx.TimeoutException:
                timed_out += 1
            except httpx.HTTPError as error:
                last_answer = f"a broken answer ({type(error).__name__})"
            time.sleep(min(POLL_INTERVAL_S, max(0.0, deadline - time.monotonic())))
            if time.monotonic() >= deadline:
                break  # no try starts without time left for it
    waited = time.monotonic() - started
    return NotReady(
        Status.NOT_READY,
        _why(health_path, port, waited, refused, attempts, timed_out, last_answer, address),
        waited,
    )


def _why(
    health_path: str,
    port: int,
    waited: float,
    refused: int,
    attempts: int,
    timed_out: int,
    last_answer: str,
    address: str | None = None,
) -> str:
    if refused == attempts and address:
        return f"never listened: no connection was accepted at {address} in {waited:.1f} s"
    if refused == attempts:
        return (
            f"never listened: no connection was accepted on port {port} in {waited:.1f} s; "
            f"the app must listen on 0.0.0.0:{port} (not 127.0.0.1, not another port)"
        )
    if last_answer:
        return (
            f"listened, but GET {health_path} answered {last_answer} instead of 2xx "
            f"for {waited:.1f} s"
        )
    return (
        f"too slow: connections were accepted but GET {health_path} did not answer within "
        f"{REQUEST_TIMEOUT_S:g} s ({timed_out} tries in {waited:.1f} s)"
    )
