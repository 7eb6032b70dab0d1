"""The submission's time budget: read from the task, and spent by the pipeline's stages."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from grader.core.errors import TaskError
from grader.core.events import Event, StageFinished, StageStarted
from grader.core.result import Outcome, StageRecord, StageStatus
from grader.core.result import TestOutcome as Run  # aliased: pytest would collect Test*
from grader.core.task import Task, parse_task_spec
from grader.pipeline import GradeSettings, GradingPlan, Submission, _Grading

TASK = """
id = "mini"
version = "1"
title = "Mini"
{runtime}
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


def test_the_budget_defaults_to_900_s() -> None:
    assert parse_task_spec(TASK.format(runtime=""), "t").runtime.submission_budget_s == 900


def test_a_task_sets_its_own_budget() -> None:
    spec = parse_task_spec(TASK.format(runtime="[runtime]\nsubmission_budget_s = 1800\n"), "t")
    assert spec.runtime.submission_budget_s == 1800


def test_a_budget_that_leaves_no_time_for_tests_is_refused() -> None:
    runtime = "[runtime]\nbuild_timeout_s = 600\nstartup_timeout_s = 60\n"
    runtime += "submission_budget_s = 660\n"
    with pytest.raises(TaskError) as refused:
        parse_task_spec(TASK.format(runtime=runtime), "tasks/mini/task.toml")
    assert "tasks/mini/task.toml" in refused.value.message
    assert "must exceed build_timeout_s + startup_timeout_s (660)" in refused.value.message


def grading(tmp_path: Path, budget_s: float, events: list[Event]) -> _Grading:
    runtime = "[runtime]\nbuild_timeout_s = 10\nstartup_timeout_s = 5\n"
    runtime += f"submission_budget_s = {budget_s}\n"
    spec = parse_task_spec(TASK.format(runtime=runtime), "t")
    plan = GradingPlan(Task(spec, tmp_path, tmp_path, "0" * 64), spec.suites, {"public": ()})
    settings = GradeSettings(run_id="r", run_dir=tmp_path)
    return _Grading(Submission("s", "src"), plan, settings, events.append, threading.Event())


PLANNED = (
    Run("t1", "public", "api.items", Outcome.NOT_RUN, "public"),
    Run("t2", "public", "api.items", Outcome.NOT_RUN, "public"),
)


def test_the_stages_time_is_spent_from_the_budget(tmp_path: Path) -> None:
    graded = grading(tmp_path, 60, [])
    graded.stages += [StageRecord("build", StageStatus.OK, 40.0),
                      StageRecord("probe", StageStatus.OK, 5.5)]  # fmt: skip
    assert graded.budget_left_s() == pytest.approx(14.5)


def test_a_stage_with_time_left_is_started(tmp_path: Path) -> None:
    events: list[Event] = []
    graded = grading(tmp_path, 60, events)
    graded.stages.append(StageRecord("build", StageStatus.OK, 59.0))
    outcomes: list[Run] = []
    assert not graded.out_of_time("test:public", PLANNED, outcomes)
    assert outcomes == []
    assert events == []
    assert len(graded.stages) == 1


def test_a_stage_once_the_budget_is_spent_is_skipped_and_its_tests_not_run(
    tmp_path: Path,
) -> None:
    events: list[Event] = []
    graded = grading(tmp_path, 60, events)
    graded.stages.append(StageRecord("test:public", StageStatus.FAILED, 60.0))
    outcomes: list[Run] = []

    assert graded.out_of_time("fuzz", PLANNED, outcomes)

    reason = "not started: the submission's time budget of 60 s was spent"
    assert [(t.id, t.outcome, t.message) for t in outcomes] == [
        ("t1", Outcome.NOT_RUN, reason),
        ("t2", Outcome.NOT_RUN, reason),
    ]
    assert graded.stages[-1] == StageRecord("fuzz", StageStatus.SKIPPED, 0.0, reason)
    assert events == [
        StageStarted("s", "fuzz"),
        StageFinished("s", "fuzz", StageStatus.SKIPPED, 0.0, reason),
    ]
