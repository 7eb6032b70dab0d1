"""Reference suites: plan them (which tests, which criteria) and run them against a live app.

pytest runs in a subprocess on this host, with the harness's plugin, isolated from any pytest
configuration around it. Outcomes come back only through the plugin's JSON report; the app's
output never reaches it. The plan fixes the denominator: a planned test with no outcome (the
suite hit its time limit, pytest died) is `not_run`, never dropped.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from grader.errors import TaskError
from grader.result import Outcome, TestOutcome
from grader.task import SuiteSpec, Task

OUTPUT_LIMIT = 256 * 1024


PYTEST_NORMAL_EXITS = (0, 1)  # all passed / some failed; anything else is not the app's doing


@dataclass(frozen=True)
class SuiteRun:
    outcomes: tuple[TestOutcome, ...]
    output: str
    detail: str
    complete: bool
    fault: str = ""  # set when the run says nothing about the app: the grader's own failure


def pytest_command(task: Task, suite: SuiteSpec, report: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pytest",
        str(task.suite_dir(suite)),
        "-p",
        "grader.pytest_plugin",
        "-p",
        "no:cacheprovider",
        "-c",
        os.devnull,
        "--rootdir",
        str(task.tests_root),
        "--confcutdir",
        str(task.tests_root),
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
    with tempfile.TemporaryDirectory(prefix="grader-plan-") as scratch:
        report = Path(scratch) / "plan.json"
        command = pytest_command(task, suite, report, "--collect-only")
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=120, env=_environment(), cwd=scratch
        )
        data = _read_report(report)
    if data is None or data["collection_errors"] or done.returncode not in (0, 5):
        errors = "; ".join(data["collection_errors"]) if data else done.stdout[-2000:]
        raise TaskError(f"task {task.id}: suite {suite.id!r} cannot be collected: {errors}")
    return tuple(_outcome(suite, test) for test in data["tests"])


def run_suite(
    task: Task,
    suite: SuiteSpec,
    planned: tuple[TestOutcome, ...],
    base_url: str,
    container_id: str = "",
) -> SuiteRun:
    runtime = task.spec.runtime
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
            *([f"--grader-container={container_id}"] if container_id else []),
        )
        output, complete = _run_bounded(command, runtime.suite_timeout_s, cwd=scratch)
        data = _read_report(report)
    reported = {test["nodeid"]: _outcome(suite, test) for test in (data or {}).get("tests", [])}
    fault = ""
    if not complete:
        detail = (
            f"the suite was stopped after {runtime.suite_timeout_s:g} s; "
            "tests it did not reach are not_run"
        )
    elif data is None:
        detail = fault = "pytest ended without writing its report"
    elif data["exitstatus"] not in PYTEST_NORMAL_EXITS:
        detail = fault = f"pytest ended with exit status {data['exitstatus']} (not a test outcome)"
    else:
        detail = ""
    stopped_message = detail or "no outcome was reported for this test"
    outcomes = tuple(
        _with_message(reported.get(test.id, test), stopped_message) for test in planned
    )
    return SuiteRun(outcomes, output, detail, complete and not fault, fault)


def _with_message(test: TestOutcome, message: str) -> TestOutcome:
    if test.outcome is Outcome.NOT_RUN and not test.message:
        return replace(test, message=message)
    return test


def _run_bounded(command: list[str], timeout_s: float, cwd: str) -> tuple[str, bool]:
    """Run to completion or until `timeout_s`, then kill the whole process group."""
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
            process.wait(timeout=timeout_s)
            complete = True
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            complete = False
        except BaseException:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise
        sink.seek(0, os.SEEK_END)
        size = sink.tell()
        sink.seek(max(0, size - OUTPUT_LIMIT))
        output = sink.read().decode("utf-8", errors="replace")
    return output, complete


def _read_report(path: Path) -> dict[str, Any] | None:
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
