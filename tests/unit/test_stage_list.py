"""`grader.stages.ordered`: a new stage is one entry in the list; planning follows from it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from grader.core.result import Outcome
from grader.core.result import TestOutcome as Run  # aliased: pytest would collect Test*
from grader.core.task import Task
from grader.pipeline import plan_grading, public_suite_ids, selectable_suite_ids
from grader.runs.task_files import TaskLocation, load_task
from grader.stages import AppUnderTest, StageResult, ordered
from tests.conftest import REPO

PLANNED = Run("extra::one", "extra", "crud.read", Outcome.NOT_RUN, "public")


@dataclass(frozen=True)
class ExtraPlan:
    planned: tuple[Run, ...] = (PLANNED,)


class ExtraStage:
    id = "extra"
    needs_source = True
    task_section = "extra"

    def __init__(self, public: bool) -> None:
        self.public = public

    def in_task(self, task: Task) -> bool:
        return True

    def is_public(self, task: Task) -> bool:
        return self.public

    def kit_files(self, task: Task) -> tuple[str, ...]:
        return ()

    def plan(self, task: Task) -> ExtraPlan:
        return ExtraPlan()

    def run(self, plan: Any, app: AppUnderTest) -> StageResult:
        return StageResult(plan.planned, "ran")


@pytest.fixture
def task() -> Task:
    return load_task("notes-api", TaskLocation.find(REPO / "tasks"))


@pytest.mark.parametrize("public", [True, False])
def test_a_stage_in_the_list_is_planned_selected_and_counted(
    task: Task, public: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ordered, "STAGES", (*ordered.STAGES, ExtraStage(public)))

    plan = plan_grading(task)

    assert selectable_suite_ids(task) == ("public", "hidden", "extra")
    assert plan.suite_ids() == ("public", "hidden", "extra")
    assert plan.all_planned()[-1] == PLANNED
    assert isinstance(next(s.plan for s in plan.stages if s.id == "extra"), ExtraPlan)
    assert ("extra" in public_suite_ids(task)) is public
    assert plan.without_source_stages().suite_ids() == ("public", "hidden")
    assert plan_grading(task, ("public",)).stages == ()
