"""`suites.run_suite` ends a suite early when it can tell nothing more, and says why:
the app cannot be reached, the app is gone, or the submission's time budget ran out.

The suites run for real (a pytest subprocess with the harness's plugin); the app is a port on
127.0.0.1 where nothing listens, and its container's state is told by a stand-in.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from grader.core.result import Outcome
from grader.core.task import Task, parse_task_spec
from grader.sandbox.container import ContainerState
from grader.stages.reference_tests import suites
from grader.stages.reference_tests.suites import UNREACHABLE_STREAK, plan_suite, run_suite
from tests.conftest import free_port

TASK = """
id = "mini"
version = "1"
title = "Mini"

[runtime]
test_timeout_s = 10

[[suites]]
id = "public"
path = "public"
visibility = "public"

[rubric]
[[rubric.categories]]
id = "api"
title = "API"
weight = 100
[[rubric.categories.criteria]]
id = "api.items"
title = "Items"
"""

REACHES_FOR_THE_APP = """
import pytest

@pytest.mark.parametrize("n", range(8))
@pytest.mark.criterion("api.items")
def test_items(client, n):
    assert client.get("/items").status_code == 200
"""

TAKES_ITS_TIME = """
import time

import pytest

@pytest.mark.parametrize("n", range(8))
@pytest.mark.criterion("api.items")
def test_slow(n):
    time.sleep({seconds})
"""

RUNNING = ContainerState(running=True, exit_code=None, oom_killed=False)
EXITED = ContainerState(running=False, exit_code=1, oom_killed=False)


def make_task(folder: Path, tests: str) -> Task:
    (folder / "reference_tests" / "public").mkdir(parents=True)
    (folder / "reference_tests" / "public" / "test_items.py").write_text(tests)
    spec = parse_task_spec(TASK, "task.toml")
    return Task(spec, folder, folder / "reference_tests", "0" * 64)


@pytest.fixture
def dead_url() -> str:
    return f"http://127.0.0.1:{free_port()}"


def run(
    task: Task,
    url: str,
    budget_s: float | None = None,
    app_state: Callable[[], ContainerState] | None = None,
) -> suites.SuiteRun:
    suite = task.spec.suites[0]
    planned = plan_suite(task, suite)
    return run_suite(task, suite, planned, url, budget_s=budget_s, app_state=app_state)


def test_a_suite_that_cannot_reach_the_app_stops_after_a_streak(
    tmp_path: Path, dead_url: str
) -> None:
    ran = run(make_task(tmp_path, REACHES_FOR_THE_APP), dead_url)

    outcomes = [test.outcome for test in ran.outcomes]
    assert outcomes == [Outcome.FAILED] * UNREACHABLE_STREAK + [Outcome.NOT_RUN] * 3
    assert not ran.complete
    assert ran.fault == ""  # the app's doing, not the grader's
    assert ran.detail.startswith(
        f"the suite was stopped after {UNREACHABLE_STREAK} consecutive tests could not reach "
        "the app (the last: ConnectError: [Errno 111] Connection refused), and GET /health "
        "got no answer either"
    )
    assert ran.detail.endswith("; tests it did not reach are not_run")
    assert all(test.message == ran.detail for test in ran.outcomes[UNREACHABLE_STREAK:])


def states(*seen: ContainerState) -> Callable[[], ContainerState]:
    """The container's states in turn, the last one for ever after."""
    queue = list(seen)
    return lambda: queue.pop(0) if len(queue) > 1 else queue[0]


def test_a_suite_stops_once_the_app_is_gone(
    tmp_path: Path, dead_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(suites, "APP_GONE_GRACE_S", 1.5)
    task = make_task(tmp_path, TAKES_ITS_TIME.format(seconds=1))
    started = time.monotonic()

    ran = run(task, dead_url, app_state=states(RUNNING, EXITED))

    assert time.monotonic() - started < 6
    assert ran.detail == (
        "the suite was stopped: the app exited with code 1; tests it did not reach are not_run"
    )
    assert ran.outcomes[-1].outcome is Outcome.NOT_RUN
    assert ran.outcomes[-1].message == ran.detail
    assert not ran.complete
    assert ran.fault == ""


def test_an_app_down_for_less_than_the_grace_is_being_restarted(
    tmp_path: Path, dead_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(suites, "APP_GONE_GRACE_S", 2.5)
    task = make_task(tmp_path, TAKES_ITS_TIME.format(seconds=0.5))

    ran = run(task, dead_url, app_state=states(RUNNING, EXITED, RUNNING))

    assert ran.complete
    assert [test.outcome for test in ran.outcomes] == [Outcome.PASSED] * 8


def test_a_suite_gets_at_most_what_is_left_of_the_budget(tmp_path: Path, dead_url: str) -> None:
    task = make_task(tmp_path, TAKES_ITS_TIME.format(seconds=1))
    started = time.monotonic()

    ran = run(task, dead_url, budget_s=2.5)

    assert time.monotonic() - started < 5
    assert ran.detail == (
        "the submission's time budget ran out after 2.5 s of this suite; "
        "tests it did not reach are not_run"
    )
    assert Outcome.NOT_RUN in {test.outcome for test in ran.outcomes}
    assert not ran.complete
    assert ran.fault == ""


def test_an_engine_that_cannot_say_does_not_stop_the_suite(tmp_path: Path, dead_url: str) -> None:
    def unknown() -> ContainerState:
        raise ConnectionError("the engine did not answer")

    ran = run(make_task(tmp_path, TAKES_ITS_TIME.format(seconds=0.3)), dead_url, app_state=unknown)

    assert ran.complete
    assert [test.outcome for test in ran.outcomes] == [Outcome.PASSED] * 8
