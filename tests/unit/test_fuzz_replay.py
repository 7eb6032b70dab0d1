"""`fuzz.replay.replay` against servers on 127.0.0.1 that drip their answers: every case
ends at its own deadline, a silent app ends the stage, and the budget bounds it as a whole."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from grader.core.result import Outcome
from grader.core.task import FuzzSpec
from grader.stages.fuzz.cases import CaseFile, FuzzCase
from grader.stages.fuzz.replay import SILENT_STREAK, replay
from grader.stages.fuzz.stage import FuzzPlan, run_fuzz
from grader.stages.fuzz.verdict import plan_fuzz
from tests.unit.dripping_server import Drip, dripping_server

SPEC = """
openapi: 3.0.3
info: {title: Items, version: "1.0"}
paths:
  /items:
    get:
      responses:
        "200":
          description: the items
          content:
            application/json:
              schema: {type: object}
  /other:
    get:
      responses:
        "200":
          description: the others
          content:
            application/json:
              schema: {type: object}
"""
CALL_S = 0.4  # each exchange ends within twice this


def cases(count: int, then: str = "") -> CaseFile:
    """`count` cases of GET /items, then one of the operation `then`."""
    operations = ["GET /items"] * count + ([then] if then else [])
    return CaseFile(
        "0" * 64,
        "by hand",
        tuple(
            FuzzCase(f"c{n:04d}", operation, "positive", (), {}, {"n": n}, {})
            for n, operation in enumerate(operations, start=1)
        ),
    )


def fuzz(budget_s: float = 60) -> FuzzSpec:
    return FuzzSpec(
        bug_criterion="api.bugs",
        deviation_criterion="api.contract",
        call_timeout_s=CALL_S,
        budget_s=budget_s,
    )


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "openapi.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return path


def test_an_app_that_answers_gets_every_case(spec: Path) -> None:
    with dripping_server("headers", lambda path: False) as url:
        replayed = replay(spec, cases(8), fuzz(), url, health_path="/health")
    assert replayed.stopped == ""
    assert [run.status for run in replayed.runs] == [200] * 8


@pytest.mark.parametrize("drip", ["headers", "body"])
def test_an_app_that_drips_everything_ends_the_stage_after_a_silent_streak(
    spec: Path, drip: Drip
) -> None:
    started = time.monotonic()
    with dripping_server(drip) as url:
        replayed = replay(spec, cases(20), fuzz(), url, health_path="/health")
    took = time.monotonic() - started
    assert replayed.stopped.startswith(
        f"stopped after {SILENT_STREAK} consecutive cases got no answer from the app"
    )
    assert "GET /health got no answer either" in replayed.stopped
    assert len(replayed.runs) == SILENT_STREAK
    assert all(run.status == 0 for run in replayed.runs)
    # each case and the health check end at their own deadline (2 x CALL_S)
    assert took < (SILENT_STREAK + 1) * 2 * CALL_S + 2, took


def test_a_silent_operation_does_not_end_the_stage_while_the_health_path_answers(
    spec: Path,
) -> None:
    with dripping_server("headers", lambda path: path == "/items") as url:
        replayed = replay(spec, cases(7), fuzz(), url, health_path="/health")
    assert replayed.stopped == ""
    assert len(replayed.runs) == 7


def test_twice_the_streak_ends_the_stage_whatever_the_health_path_says(spec: Path) -> None:
    with dripping_server("headers", lambda path: path == "/items") as url:
        replayed = replay(spec, cases(14), fuzz(), url, health_path="/health")
    assert len(replayed.runs) == 2 * SILENT_STREAK
    assert replayed.stopped.startswith(
        f"stopped after {2 * SILENT_STREAK} consecutive cases got no answer from the app "
        "(the last, c0010: AnswerTooSlow: response not complete after 0.8 s)"
    )
    assert replayed.stopped.endswith("though it still answers its health path")


def test_the_submission_budget_bounds_the_stage_and_drops_the_case_it_cut(spec: Path) -> None:
    started = time.monotonic()
    with dripping_server("headers", lambda path: path == "/items") as url:
        replayed = replay(spec, cases(50), fuzz(), url, budget_s=1.0, health_path="/health")
    assert time.monotonic() - started < 1.6
    assert replayed.stopped == "the submission's time budget ran out after 1 s of this stage"
    assert len(replayed.runs) == 1  # the second case was cut by the budget, not by the app


def test_the_stage_budget_applies_when_it_is_the_lesser(spec: Path) -> None:
    with dripping_server("headers", lambda path: path == "/items") as url:
        replayed = replay(spec, cases(50), fuzz(budget_s=1.0), url, budget_s=600)
    assert replayed.stopped == "the stage's budget of 1 s ran out"


def test_the_operations_a_stopped_stage_never_reached_say_why(spec: Path, tmp_path: Path) -> None:
    recorded = cases(8, then="GET /other")
    plan = FuzzPlan(fuzz(), spec, recorded, plan_fuzz(recorded, fuzz()))
    with dripping_server("headers") as url:
        ran = run_fuzz(plan, url, 8000, lambda: True, tmp_path, health_path="/health")

    outcomes = {test.id: test for test in ran.outcomes}
    assert outcomes["fuzz::bugs::GET /items"].outcome is Outcome.FAILED  # no answer is a bug
    for unreached in ("fuzz::bugs::GET /other", "fuzz::contract::GET /other"):
        assert outcomes[unreached].outcome is Outcome.NOT_RUN
        assert outcomes[unreached].message == f"not reached: {ran.stopped}"
    assert ran.stopped.startswith(f"stopped after {SILENT_STREAK} consecutive cases")
