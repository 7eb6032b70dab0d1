"""Submissions that fail before the tests get a complete result with a telling status."""

from __future__ import annotations

import re
from typing import Any

import pytest

from grader.core.result import Outcome, Result, Status
from grader.pipeline import plan_grading
from grader.runs.batch import BatchOutcome, grade_batch
from grader.runs.task_files import load_task
from tests.conftest import SCENARIOS, copy_tasks, labelled_leftovers, set_runtime


@pytest.fixture(scope="module")
def batch(docker_client: Any, tmp_path_factory: pytest.TempPathFactory) -> BatchOutcome:
    scratch = tmp_path_factory.mktemp("failures")
    location = copy_tasks(scratch)
    set_runtime(location, "notes-api", startup_timeout_s=6)
    task = load_task("notes-api", location)
    names = (
        "build_fails",
        "crashes_at_start",
        "binds_loopback",
        "wrong_port",
        "never_listens",
        "slow_health",
        "health_404",
    )
    sources = [str(SCENARIOS / name) for name in names]
    sources.append(str(scratch / "does-not-exist"))
    return grade_batch(
        sources,
        plan_grading(task),
        scratch / "results",
        jobs=2,
        run_id="failures",
        client=docker_client,
    )


@pytest.fixture(scope="module")
def results(batch: BatchOutcome) -> dict[str, Result]:
    return {result.submission.id: result for result in batch.results}


def assert_scored_zero(result: Result) -> None:
    assert result.score is not None
    assert result.score.points == 0.0
    assert result.score.max_points == 100.0
    assert result.tests, "every planned test is listed, not run"
    assert all(test.outcome is Outcome.NOT_RUN for test in result.tests)


def test_a_build_that_fails(results: dict[str, Result]) -> None:
    result = results["build_fails"]
    assert result.status is Status.BUILD_FAILED
    assert "grader-scenario-package-that-does-not-exist" in result.message
    assert_scored_zero(result)
    assert "build" in result.logs


def test_an_app_that_crashes_at_start(results: dict[str, Result]) -> None:
    result = results["crashes_at_start"]
    assert result.status is Status.START_FAILED
    assert "exited with code" in result.message
    assert "DATABASE_URL is not configured" in result.message  # the app's own words
    assert_scored_zero(result)


def test_an_app_that_listens_on_loopback_only(results: dict[str, Result]) -> None:
    result = results["binds_loopback"]
    assert result.status is Status.WRONG_BIND
    assert "listens on 127.0.0.1:8000 only" in result.message
    assert "bind 0.0.0.0:8000" in result.message
    assert_scored_zero(result)


def test_an_app_on_another_port(results: dict[str, Result]) -> None:
    result = results["wrong_port"]
    assert result.status is Status.WRONG_PORT
    assert "listens on port 5000, but the task's port is 8000" in result.message
    assert_scored_zero(result)


def test_an_app_that_never_listens(results: dict[str, Result]) -> None:
    result = results["never_listens"]
    assert result.status is Status.NOT_READY
    assert "never listened" in result.message
    assert "0.0.0.0:8000" in result.message
    probe = next(stage for stage in result.stages if stage.name == "probe")
    assert 5.5 <= probe.duration_s <= 12, "bounded by the task's start-up limit"
    assert_scored_zero(result)


def test_an_app_too_slow_to_answer_its_health_path(results: dict[str, Result]) -> None:
    result = results["slow_health"]
    assert result.status is Status.NOT_READY
    assert "too slow" in result.message
    assert "GET /health did not answer" in result.message
    assert_scored_zero(result)


def test_an_app_whose_health_path_is_not_2xx(results: dict[str, Result]) -> None:
    result = results["health_404"]
    assert result.status is Status.NOT_READY
    assert "answered HTTP 404 instead of 2xx" in result.message
    assert_scored_zero(result)


def test_a_missing_source_is_an_invalid_submission(results: dict[str, Result]) -> None:
    result = results["does-not-exist"]
    assert result.status is Status.INVALID_SUBMISSION
    assert "does not exist" in result.message
    assert_scored_zero(result)


def test_nothing_is_left_behind(results: dict[str, Result], docker_client: Any) -> None:
    assert labelled_leftovers(docker_client, "failures") == {
        "containers": [],
        "networks": [],
        "volumes": [],
        "images": [],
    }


def test_a_failed_build_leaves_no_layer_it_made(
    batch: BatchOutcome, results: dict[str, Result], docker_client: Any
) -> None:
    log = (batch.run_dir / "build_fails" / results["build_fails"].logs["build"]).read_text()
    present = {
        image.id.removeprefix("sha256:")[:12] for image in docker_client.images.list(all=True)
    }
    made = [layer[:12] for layer in created_layers(log)]
    assert made, "the failed build made at least one layer (its WORKDIR / COPY steps)"
    assert not set(made) & present


def created_layers(log: str) -> list[str]:
    """Ids of the layers this test's own build made, from its log: every ` ---> ID` line but
    the base image's (first) and those that came from the cache. The grader never reads ids
    from a log; the test may, since it wrote the Dockerfile."""
    layers = []
    from_cache = False
    first = True
    for line in log.splitlines():
        if line.strip() == "---> Using cache":
            from_cache = True
            continue
        match = re.match(r"^ ---> ([0-9a-f]{12,64})\s*$", line)
        if match:
            if not (first or from_cache):
                layers.append(match.group(1))
            first = from_cache = False
    return layers
