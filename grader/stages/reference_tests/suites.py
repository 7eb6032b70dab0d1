"""Reference suites: plan them (which tests, which criteria) and run them against a live app.

pytest runs in a subprocess on this host, with the harness's plugin, isolated from any pytest
configuration around it. Outcomes come back only through the plugin's JSON report; the app's
output never reaches it. The plan fixes the denominator: a planned test with no outcome (the
suite hit its time limit, pytest died) is `not_run`, never dropped.

A suite ends early, its remaining tests `not_run` with the reason, when it cannot tell anything
more: the app's container has not been running for `APP_GONE_GRACE_S` (longer than a restart
by a persistence test takes), or `UNREACHABLE_STREAK` tests in a row could not reach the app
(the plugin's rule, see `pytest_plugin`). It is given at most what is left of the
submission's time budget.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader.core.errors import TaskError
from grader.core.result import Outcome, TestOutcome
from grader.core.task import SuiteSpec, Task

if TYPE_CHECKING:
    from grader.sandbox.container import ContainerState

OUTPUT_LIMIT = 256 * 1024
UNREACHABLE_STREAK = 5  # tests in a row that could not reach the app end the suite
APP_GONE_GRACE_S = 5.0  # not running for this long: the app is gone, not being restarted
POLL_INTERVAL_S = 1.0


PYTEST_NORMAL_EXITS = (0, 1)  # all passed / some failed; anything else is not the app's doing


@dataclass(frozen=True)
class SuiteRun:
    outcomes: tuple[TestOutcome, ...]
    output: str
    detail: str
    complete: bool
    fault: str = ""  # set when the run says nothing about the app: the grader's own failure


def pytest_command(task: Task, suite: SuiteSpec, report: Path, *extra: str) -> list[str]:
    return pytest_args([str(task.suite_dir(suite))], task.tests_root, report, *extra)


def pytest_args(targets: list[str], tests_root: Path, report: Path, *extra: str) -> list[str]:
    """A pytest session over `targets` (folders or node ids) with the grader's plugin, rooted
    at the task's tests, writing the plugin's report to `report`."""
    return [
        sys.executable,
        "-m",
        "pytest",
        *targets,
        "-p",
        "grader.pytest_plugin",
        "-p",
        "no:cacheprovider",
        "-c",
        os.devnull,
        "--rootdir",
        str(tests_root),
        "--confcutdir",
        str(tests_root),
        "--grader-report",
        str(report),
        "-q",
        "--no-header",
        "-rN",
        *extra,
    ]


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "GRADER_"))}
    env.update(PYTEST_DISABLE_PLUGIN_AUTOLOAD="1", PYTHONDONTWRITEBYTECODE="1")
    return env


def plan_suite(task: Task, suite: SuiteSpec) -> tuple[TestOutcome, ...]:
    """The suite's tests, each `not_run`, with their criteria; a broken suite is a TaskError."""
    return tuple(_outcome(suite, test) for test in _collect(task, suite))


def container_only_tests(task: Task, suite: SuiteSpec) -> frozenset[str]:
    """The suite's tests that restart the app: they run under the grader, not against a URL."""
    return frozenset(str(t["nodeid"]) for t in _collect(task, suite) if t.get("needs_container"))


def _collect(task: Task, suite: SuiteSpec) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="grader-plan-") as scratch:
        report = Path(scratch) / "plan.json"
        command = pytest_command(task, suite, report, "--collect-only")
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=120, env=_environment(), cwd=scratch
        )
        data = read_report(report)
    if data is None or data["collection_errors"] or done.returncode not in (0, 5):
        errors = "; ".join(data["collection_errors"]) if data else done.stdout[-2000:]
        raise TaskError(f"task {task.id}: suite {suite.id!r} cannot be collected: {errors}")
    return list(data["tests"])


def run_suite(
    task: Task,
    suite: SuiteSpec,
    planned: tuple[TestOutcome, ...],
    base_url: str,
    container_id: str = "",
    *,
    budget_s: float | None = None,
    app_state: Callable[[], ContainerState] | None = None,
) -> SuiteRun:
    """Run the suite against the app at `base_url`, for at most the task's suite_timeout_s or
    `budget_s` (what is left of the submission's budget), whichever is less; `app_state`
    tells whether the app still runs."""
    runtime = task.spec.runtime
    timeout_s = runtime.suite_timeout_s
    if budget_s is not None and budget_s < timeout_s:
        timeout_s = max(0.0, budget_s)
        ran_out = (
            f"the submission's time budget ran out after {round(timeout_s, 1):g} s of this suite"
        )
    else:
        ran_out = f"the suite was stopped after {timeout_s:g} s"
    with tempfile.TemporaryDirectory(prefix="grader-suite-") as scratch:
        report = Path(scratch) / "report.json"
        command = pytest_command(
            task,
            suite,
            report,
            f"--base-url={base_url}",
            f"--grader-test-timeout={runtime.test_timeout_s}",
            f"--grader-health-path={runtime.health_path}",
            f"--grader-startup-timeout={runtime.startup_timeout_s}",
            f"--grader-stop-after-unreachable={UNREACHABLE_STREAK}",
            *([f"--grader-container={container_id}"] if container_id else []),
        )
        output, ended = _run_bounded(command, timeout_s, cwd=scratch, app_state=app_state)
        data = read_report(report)
    reported = {test["nodeid"]: _outcome(suite, test) for test in (data or {}).get("tests", [])}
    stopped = str((data or {}).get("stopped") or "")
    fault = ""
    if ended == "timeout":
        detail = f"{ran_out}; tests it did not reach are not_run"
    elif ended:
        detail = f"the suite was stopped: the app {ended}; tests it did not reach are not_run"
    elif data is None:
        detail = fault = "pytest ended without writing its report"
    elif stopped:
        detail = f"the suite was stopped {stopped}; tests it did not reach are not_run"
    elif data["exitstatus"] not in PYTEST_NORMAL_EXITS:
        detail = fault = f"pytest ended with exit status {data['exitstatus']} (not a test outcome)"
    else:
        detail = ""
    stopped_message = detail or "no outcome was reported for this test"
    outcomes = tuple(
        _with_message(reported.get(test.id, test), stopped_message) for test in planned
    )
    complete = not ended and not stopped and not fault
    return SuiteRun(outcomes, output, detail, complete, fault)


def _with_message(test: TestOutcome, message: str) -> TestOutcome:
    if test.outcome is Outcome.NOT_RUN and not test.message:
        return replace(test, message=message)
    return test


def _run_bounded(
    command: list[str],
    timeout_s: float,
    cwd: str,
    app_state: Callable[[], ContainerState] | None = None,
) -> tuple[str, str]:
    """Run to completion, or until `timeout_s` or until the app is gone, then kill the whole
    process group. Returns the output, and why it was killed: '' (it was not), 'timeout', or
    how the app ended ('exited with code 1')."""
    deadline = time.monotonic() + timeout_s
    with tempfile.TemporaryFile(mode="w+b") as sink:
        process = subprocess.Popen(
            command,
            stdout=sink,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=_environment(),
            cwd=cwd,
            start_new_session=True,
        )
        try:
            ended = _wait(process, deadline, app_state)
        except BaseException:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise
        if ended:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        sink.seek(0, os.SEEK_END)
        size = sink.tell()
        sink.seek(max(0, size - OUTPUT_LIMIT))
        output = sink.read().decode("utf-8", errors="replace")
    return output, ended


def _wait(
    process: subprocess.Popen[bytes],
    deadline: float,
    app_state: Callable[[], ContainerState] | None,
) -> str:
    """'' once the process ends by itself; 'timeout' at the deadline; or how the app ended,
    once it has not been running for APP_GONE_GRACE_S (a restart is shorter)."""
    gone_since: float | None = None
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return "timeout"
        try:
            process.wait(timeout=min(POLL_INTERVAL_S, left))
            return ""
        except subprocess.TimeoutExpired:
            pass
        state = _asked(app_state)
        if state is None:
            continue
        if state.running:
            gone_since = None
        elif gone_since is None:
            gone_since = time.monotonic()
        elif time.monotonic() - gone_since >= APP_GONE_GRACE_S:
            return state.describe()


def _asked(app_state: Callable[[], ContainerState] | None) -> ContainerState | None:
    """The app's state; None when there is no one to ask or the engine could not say (a
    suite's own limits still hold, so one check missed is no harm)."""
    if app_state is None:
        return None
    try:
        return app_state()
    except Exception:
        return None


def read_report(path: Path) -> dict[str, Any] | None:
    """A JSON object from a file, or None when it is missing, unreadable or not an object."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _outcome(suite: SuiteSpec, test: dict[str, Any]) -> TestOutcome:
    return TestOutcome(
        id=str(test["nodeid"]),
        suite=suite.id,
        criterion=str(test["criterion"]),
        outcome=Outcome(test["outcome"]),
        visibility=suite.visibility,
        weight=float(test["weight"]),
        duration_s=float(test["duration_s"]),
        message=str(test["message"]),
    )
