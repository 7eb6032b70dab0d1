"""`probe.probe_until_ready` against servers on 127.0.0.1: no answer, however slowly it
drips, keeps the probe past its start-up time limit."""

from __future__ import annotations

import time

import pytest

from grader.core.result import Status
from grader.sandbox.container import ContainerState
from grader.stages.probe.probe import NotReady, Ready, probe_until_ready
from tests.conftest import free_port
from tests.unit.dripping_server import Drip, dripping_server

RUNNING = ContainerState(running=True, exit_code=None, oom_killed=False)


def test_a_health_path_that_answers_is_ready() -> None:
    with dripping_server("headers", lambda path: path != "/health") as url:
        ready = probe_until_ready(url, "/health", 5, 8000, lambda: RUNNING)
    assert isinstance(ready, Ready)
    assert ready.attempts == 1


@pytest.mark.parametrize("drip", ["headers", "body"])
def test_a_dripping_health_path_ends_at_the_startup_limit(drip: Drip) -> None:
    started = time.monotonic()
    with dripping_server(drip) as url:
        ready = probe_until_ready(url, "/health", 3, 8000, lambda: RUNNING)
    took = time.monotonic() - started
    assert isinstance(ready, NotReady)
    assert ready.status is Status.NOT_READY
    assert "too slow" in ready.reason
    assert 2.9 < ready.duration_s < 3.6, ready.duration_s
    assert took < 4.5, took


def test_the_startup_limit_bounds_a_request_cut_short_by_it() -> None:
    """A limit shorter than one request's own bound still ends the probe on time."""
    with dripping_server("headers") as url:
        ready = probe_until_ready(url, "/health", 0.7, 8000, lambda: RUNNING)
    assert isinstance(ready, NotReady)
    assert ready.duration_s < 1.2, ready.duration_s


def test_nothing_listening_is_told_apart() -> None:
    ready = probe_until_ready(f"http://127.0.0.1:{free_port()}", "/health", 1, 8000,
                              lambda: RUNNING)  # fmt: skip
    assert isinstance(ready, NotReady)
    assert ready.reason.startswith("never listened")


def test_an_app_that_exited_is_not_probed_further() -> None:
    exited = ContainerState(running=False, exit_code=3, oom_killed=False)
    ready = probe_until_ready(f"http://127.0.0.1:{free_port()}", "/health", 30, 8000,
                              lambda: exited)  # fmt: skip
    assert isinstance(ready, NotReady)
    assert ready.status is Status.START_FAILED
    assert "exited with code 3" in ready.reason
