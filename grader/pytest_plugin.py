"""The pytest plugin that reference tests run under.

Loaded by the harness explicitly (`-p grader.pytest_plugin`) and, through its entry point, by a
plain `pytest reference_tests/<task>/public --base-url URL` on a candidate's machine.

Gives tests:
- `base_url`: where the app under test answers (`--base-url`, or `GRADER_BASE_URL`);
- `client`: an httpx client on that URL that follows no redirect and bounds every exchange
  as a whole (total time, decoded body size, connections), so a hostile app cannot hold or
  flood the tests;
- `make_client`: more clients, for example one per user in a test about two users;
- `unique`: `unique("author")` -> a value no other test, run or submission will use;
- `restart_app`: `restart_app()` restarts the app (under the grader only), for persistence;
- the marker `@pytest.mark.criterion("category.criterion", weight=1.0)` naming what it grades.

With `--grader-report PATH` it writes every test's outcome there as JSON (with `--collect-only`,
the planned tests); the harness reads that file, never anything the app printed.

With `--grader-stop-after-unreachable N` the session stops once N tests in a row could not
reach the app and the app then fails to answer its health path (2xx) or a path it has no
route for (any status), or once 2N tests in a row could not, whatever those answer (one broken
feature seldom has 2N tests in a row). A test could not reach the app when it ended (in setup
or call) on a refused, reset or cut connection, a request deadline, or its own time limit; a
test the app answered, even wrongly, ends the streak, and a skipped one leaves it as it is.
The report then says why (`stopped`), and the tests not reached keep no outcome (`not_run` for
the harness).
"""

from __future__ import annotations

import itertools
import json
import os
import re
import signal
import ssl
import uuid
from collections.abc import Callable, Generator, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import httpx
import pytest

from grader.bounded_client import BoundedClient, ResponseRefused, still_answers

__all__ = ["BoundedClient", "ResponseRefused", "criterion_of"]

REPORT_VERSION = 1
MESSAGE_LIMIT = 2000
CHECK_S = 5.0  # the bound of each request asking whether the app still answers
UNREACHABLE = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


@dataclass
class _TestRecord:
    nodeid: str
    criterion: str
    weight: float
    outcome: str = "not_run"
    duration_s: float = 0.0
    message: str = ""
    needs_container: bool = False  # it restarts the app: only under the grader


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("grader", "grader reference tests")
    group.addoption("--base-url", default=None, help="URL of the app under test")
    group.addoption("--grader-report", default=None, help="write outcomes as JSON to this file")
    group.addoption(
        "--grader-test-timeout", type=float, default=0.0, help="seconds per test (0: no limit)"
    )
    group.addoption(
        "--grader-request-timeout", type=float, default=10.0, help="seconds per HTTP read"
    )
    group.addoption(
        "--grader-response-limit", type=int, default=10 << 20, help="bytes per response body"
    )
    group.addoption("--grader-container", default=None, help="the app's container (restarts)")
    group.addoption("--grader-health-path", default="/health", help="polled after a restart")
    group.addoption(
        "--grader-startup-timeout", type=float, default=30.0, help="seconds to come back"
    )
    group.addoption(
        "--grader-stop-after-unreachable",
        type=int,
        default=0,
        help="stop once this many tests in a row could not reach the app (0: never)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "criterion(id, weight=1.0): the rubric criterion this test grades"
    )
    report = config.getoption("--grader-report")
    timeout = float(config.getoption("--grader-test-timeout"))
    stop_after = int(config.getoption("--grader-stop-after-unreachable"))
    if report or timeout > 0 or stop_after > 0:
        reporter = _Reporter(Path(report) if report else None, timeout)
        if stop_after > 0:
            reporter.streak = _UnreachableStreak(stop_after, config)
        config.pluginmanager.register(reporter, "grader-reporter")


PARAMETER_ID_LIMIT = 48


def readable_parameter(value: object) -> str | None:
    """A list, tuple, dict or long string parameter as a short readable id (`title+isbn`,
    `x*129`); None leaves pytest's own."""
    if isinstance(value, str) and len(value) > PARAMETER_ID_LIMIT:
        if len(set(value)) == 1:
            return f"{value[0]}*{len(value)}" if value[0].isprintable() else None
        return readable_parameter([value])
    if not isinstance(value, list | tuple | dict):
        return None
    try:
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return None
    text = re.sub(r'[\[\]{}"]', "", text).replace(",", "+") or "empty"
    text = re.sub(r"\s+", " ", text)
    return text if len(text) <= PARAMETER_ID_LIMIT else text[: PARAMETER_ID_LIMIT - 1] + "…"


def criterion_of(item: pytest.Item) -> tuple[str, float]:
    marker = item.get_closest_marker("criterion")
    if marker is None or not marker.args:
        return "", 1.0
    return str(marker.args[0]), float(marker.kwargs.get("weight", 1.0))


class _UnreachableStreak:
    """Counts the tests in a row that could not reach the app; says when to stop: at `limit`
    if the app does not answer (`still_answers`) either, at twice `limit` in any case."""

    def __init__(self, limit: int, config: pytest.Config) -> None:
        self.limit = limit
        self.config = config
        self.count = 0
        self.last = ""

    def observe(self, outcome: str, unreachable: str) -> str:
        """Why the session should stop after this test, or ''."""
        if unreachable:
            self.count, self.last = self.count + 1, unreachable
        elif outcome in ("passed", "failed"):
            self.count = 0  # the app answered
        if self.count >= 2 * self.limit:
            return (
                f"after {self.count} consecutive tests could not reach the app (the last: "
                f"{self.last}), though it still answers its health path"
            )
        if self.count != self.limit:
            return ""
        health = self._health()
        if not health:
            return ""
        return (
            f"after {self.limit} consecutive tests could not reach the app (the last: "
            f"{self.last}), and {health}"
        )

    def _health(self) -> str:
        """'' when the app still answers (`still_answers`), or what happened instead."""
        url = self.config.getoption("--base-url") or os.environ.get("GRADER_BASE_URL") or ""
        path = str(self.config.getoption("--grader-health-path"))
        bound = min(float(self.config.getoption("--grader-request-timeout")), CHECK_S)
        client = BoundedClient(
            base_url=str(url), max_bytes=64 * 1024, total_s=bound, timeout=httpx.Timeout(bound)
        )
        with client:
            return still_answers(client, path)


def _unreachable(error: BaseException | None) -> str:
    """What says the app could not be reached, in the error or what caused it; or ''."""
    for _ in range(5):
        if error is None:
            return ""
        if isinstance(error, UNREACHABLE):
            return _error_text(error)
        error = error.__cause__ or error.__context__
    return ""


def _error_text(error: BaseException) -> str:
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text[:200]}" if text else type(error).__name__


class _Reporter:
    """Records each test's outcome and criterion, bounds each test in time, and stops the
    session when the app can no longer be reached (with a streak to count)."""

    def __init__(self, path: Path | None, timeout_s: float) -> None:
        self.path = path
        self.timeout_s = timeout_s
        self.tests: dict[str, _TestRecord] = {}
        self.collection_errors: list[str] = []
        self.streak: _UnreachableStreak | None = None
        self.unreachable: dict[str, str] = {}  # nodeid -> why it could not reach the app
        self.stopped = ""

    def pytest_make_parametrize_id(
        self, config: pytest.Config, val: object, argname: str
    ) -> str | None:
        """A parametrised test is named by what it sends (`title+isbn`), not `fields0`."""
        return readable_parameter(val)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        for item in session.items:  # after -k / -m deselection
            criterion, weight = criterion_of(item)
            restarts = "restart_app" in getattr(item, "fixturenames", ())
            self.tests[item.nodeid] = _TestRecord(
                item.nodeid, criterion, weight, needs_container=restarts
            )

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collection_errors.append(
                f"{report.nodeid or '(session)'}: {_short_message(report)}"
            )

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        record = self.tests.get(report.nodeid)
        if record is None:
            return
        _record_phase(record, report)
        if report.when == "teardown":
            self.write(exitstatus=None)  # so a suite stopped at its limit keeps what ran

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        if call.excinfo is not None and call.when in ("setup", "call"):
            why = _unreachable(call.excinfo.value)
            if why:
                self.unreachable.setdefault(item.nodeid, why)
        return report

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Generator[None, object, object]:
        result = yield from self._bounded_in_time(item)
        record = self.tests.get(item.nodeid)
        if self.streak is not None and record is not None:
            stop = self.streak.observe(record.outcome, self.unreachable.get(item.nodeid, ""))
            if stop:
                self.stopped = item.session.shouldstop = stop
                self.write(exitstatus=None)
        return result

    def _bounded_in_time(self, item: pytest.Item) -> Generator[None, object, object]:
        if self.timeout_s <= 0:
            return (yield)
        seconds = self.timeout_s

        def on_timeout(signum: int, frame: FrameType | None) -> None:
            self.unreachable.setdefault(item.nodeid, f"the test's {seconds:g} s passed")
            pytest.fail(f"timed out after {seconds:g} s", pytrace=False)

        previous = signal.signal(signal.SIGALRM, on_timeout)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            return (yield)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        self.write(exitstatus=int(exitstatus))

    def write(self, exitstatus: int | None) -> None:
        if self.path is None:
            return
        payload = {
            "report_version": REPORT_VERSION,
            "exitstatus": exitstatus,
            "collection_errors": self.collection_errors,
            "stopped": self.stopped,
            "tests": [asdict(record) for record in self.tests.values()],
        }
        partial = self.path.with_name(self.path.name + ".partial")
        partial.write_text(json.dumps(payload, indent=2), encoding="utf-8")
        os.replace(partial, self.path)


def _record_phase(record: _TestRecord, report: pytest.TestReport) -> None:
    record.duration_s = round(record.duration_s + report.duration, 4)
    if report.when == "setup" and not report.passed:
        record.outcome = "skipped" if report.skipped else "error"
    elif report.when == "call":
        record.outcome = "passed" if report.passed else "skipped" if report.skipped else "failed"
    elif report.when == "teardown" and report.failed and record.outcome == "passed":
        record.outcome = "error"  # the test passed but could not clean up after itself
    else:
        return
    record.message = "" if record.outcome == "passed" else _short_message(report)


def _short_message(report: pytest.CollectReport | pytest.TestReport) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None:
        text = str(crash.message)
    elif isinstance(report.longrepr, tuple):  # skips: (path, line, reason)
        text = str(report.longrepr[2])
    else:
        text = str(report.longrepr or "")
    text = text.removeprefix("Failed: ").removeprefix("Skipped: ")
    first, _, rest = text.partition("\n")
    if first.startswith("AssertionError: ") and rest:
        text = first  # the test's own message; pytest's introspection follows it
    text = text.removeprefix("AssertionError: ")
    return text if len(text) <= MESSAGE_LIMIT else text[:MESSAGE_LIMIT] + " [truncated]"


# Fixtures


@pytest.fixture(scope="session")
def base_url(pytestconfig: pytest.Config) -> str:
    url = pytestconfig.getoption("--base-url") or os.environ.get("GRADER_BASE_URL")
    if not url:
        pytest.fail("no app to test: pass --base-url http://HOST:PORT", pytrace=False)
    return str(url).rstrip("/")


@pytest.fixture(scope="session")
def _tls_context() -> ssl.SSLContext:
    """The trust settings every client would build for itself, built once: loading the CA
    bundle costs tens of milliseconds of CPU, which per client was a sixth of a suite's time."""
    return httpx.create_ssl_context()


@pytest.fixture
def make_client(
    base_url: str, pytestconfig: pytest.Config, _tls_context: ssl.SSLContext
) -> Iterator[Callable[..., httpx.Client]]:
    timeout = float(pytestconfig.getoption("--grader-request-timeout"))
    max_bytes = int(pytestconfig.getoption("--grader-response-limit"))
    clients: list[httpx.Client] = []

    def make(**kwargs: Any) -> httpx.Client:
        kwargs.setdefault("timeout", httpx.Timeout(timeout))
        kwargs.setdefault("verify", _tls_context)
        kwargs.setdefault("follow_redirects", False)  # never off the app's origin by itself
        kwargs.setdefault("limits", httpx.Limits(max_connections=8, max_keepalive_connections=4))
        client = BoundedClient(
            base_url=base_url, max_bytes=max_bytes, total_s=timeout * 3, **kwargs
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client: Callable[..., httpx.Client]) -> httpx.Client:
    return make_client()


@pytest.fixture
def restart_app(pytestconfig: pytest.Config, base_url: str) -> Callable[[], None]:
    """`restart_app()` restarts the app's container and waits until it answers again.

    The grader names the container; by hand, run the app with `docker run --name NAME -p
    127.0.0.1:PORT:...` and pass `--grader-container NAME --base-url http://127.0.0.1:PORT`.
    Without a container to restart the test is skipped.
    """
    container = pytestconfig.getoption("--grader-container")
    if not container:
        pytest.skip(
            "restarting the app needs its container: run under the grader, or pass "
            "--grader-container NAME for a container publishing the --base-url port"
        )
    health_path = str(pytestconfig.getoption("--grader-health-path"))
    timeout_s = float(pytestconfig.getoption("--grader-startup-timeout"))

    def restart() -> None:
        from grader.sandbox.restart import restart_container  # docker is needed only here

        problem = restart_container(str(container), base_url, health_path, timeout_s)
        if problem:
            pytest.fail(problem, pytrace=False)

    return restart


@pytest.fixture
def unique() -> Callable[[str], str]:
    run = uuid.uuid4().hex[:10]
    counter = itertools.count(1)

    def make(prefix: str = "x") -> str:
        return f"{prefix}-{run}-{next(counter)}"

    return make
