"""What a mutant is judged by: the reference suites and the recorded fuzz cases, run against
a served copy of it, and the first of them it makes fail.

IO: pytest runs in a subprocess of this host with the grader's plugin, isolated from any
pytest configuration around it (as `grader.stages.reference_tests` runs it), outcomes read
only from the plugin's report; the fuzz cases are replayed by the fuzz stage's own code.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from grader.audit.serve import LiveProcesses, Served
from grader.core.errors import GraderError
from grader.core.result import Outcome, TestOutcome
from grader.core.task import Task
from grader.stages.fuzz.stage import FuzzPlan, run_fuzz
from grader.stages.reference_tests.suites import pytest_args, read_report

TEST_TIMEOUT_CAP_S = 30.0  # per test against a mutant: a hung handler is killed, not waited on
UNREACHABLE_STREAK = 5


def first_loss(
    reported: Sequence[TestOutcome], wanted: Sequence[str], stopped: str
) -> TestOutcome | None:
    """The first test (in run order) that judged and did not pass; a test that never ran
    because the run stopped (not because pytest stopped at a failure) is a loss too."""
    by_id = {test.id: test for test in reported}
    for test_id in wanted:
        test = by_id.get(test_id)
        if test is None:
            continue
        if test.outcome in (Outcome.FAILED, Outcome.ERROR):
            return test
        if test.outcome is Outcome.NOT_RUN and stopped:
            return TestOutcome(
                test.id,
                test.suite,
                test.criterion,
                Outcome.NOT_RUN,
                test.visibility,
                message=stopped,
            )
    return None


def run_reference_tests(
    task: Task,
    planned_tests: Sequence[TestOutcome],
    base_url: str,
    test_ids: Sequence[str],
    *,
    fail_fast: bool,
    bound_s: float,
    live: LiveProcesses,
) -> tuple[list[TestOutcome], str, bool]:
    """The tests, in the order given, in one pytest session of at most `bound_s`; (their
    outcomes, why the session stopped early, whether it ran out of time)."""
    runtime = task.spec.runtime
    tests_root = task.tests_root
    per_test = min(runtime.test_timeout_s, TEST_TIMEOUT_CAP_S)
    bound = bound_s
    with tempfile.TemporaryDirectory(prefix="grader-audit-pytest-") as scratch:
        report = Path(scratch) / "report.json"
        command = pytest_args(
            [str(tests_root / test_id) for test_id in test_ids],
            tests_root,
            report,
            "-p",
            "no:randomly",
            f"--base-url={base_url}",
            f"--grader-test-timeout={per_test}",
            f"--grader-health-path={runtime.health_path}",
            f"--grader-startup-timeout={runtime.startup_timeout_s}",
            f"--grader-stop-after-unreachable={UNREACHABLE_STREAK}",
            *(["-x"] if fail_fast else []),
        )
        timed_out = run_bounded(command, bound, scratch, live)
        data = read_report(report)
    if data is None:
        if timed_out:
            return [], f"the suites outlived {bound:g} s", True
        raise GraderError("pytest ended without writing its report")
    planned = {test.id: test for test in planned_tests}
    reported = []
    for test in data.get("tests", []):
        plan = planned.get(str(test["nodeid"]))
        if plan is None:
            continue
        reported.append(
            TestOutcome(
                id=plan.id,
                suite=plan.suite,
                criterion=plan.criterion,
                outcome=Outcome(test["outcome"]),
                visibility=plan.visibility,
                duration_s=float(test["duration_s"]),
                message=str(test["message"]),
            )
        )
    stopped = str(data.get("stopped") or "")
    if timed_out:
        stopped = f"the suites outlived {bound:g} s"
    return reported, stopped, timed_out


def replay_fuzz(
    task: Task, fuzz: FuzzPlan, served: Served, budget_s: float | None
) -> list[TestOutcome]:
    """The recorded fuzz cases against the served app, judged as the fuzz stage judges."""
    with tempfile.TemporaryDirectory(prefix="grader-audit-fuzz-") as workdir:
        fuzzed = run_fuzz(
            fuzz,
            served.base_url,
            served.port,
            served.running,
            Path(workdir),
            budget_s=budget_s,
            health_path=task.spec.runtime.health_path,
        )
    return list(fuzzed.outcomes)


def run_bounded(command: list[str], timeout_s: float, cwd: str, live: LiveProcesses) -> bool:
    """Run to completion or kill its process group at `timeout_s`; True when it was killed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "GRADER_"))}
    env.update(PYTEST_DISABLE_PLUGIN_AUTOLOAD="1", PYTHONDONTWRITEBYTECODE="1")
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        env=env,
        cwd=cwd,
        start_new_session=True,
    )
    live.add(process)
    try:
        process.wait(timeout=timeout_s)
        return False
    except subprocess.TimeoutExpired:
        return True
    finally:
        live.discard(process)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
