"""The stages a task may add after its reference suites, in the order they run.

Every stage has the shape of `grader.stages.Stage`; the pipeline runs them in this order after
the reference suites, and planning, the self-check, the candidate kit and regrade read this
list instead of naming any stage. A new stage is a module and one entry here.
"""

from __future__ import annotations

from grader.core.task import Task
from grader.stages import Stage
from grader.stages.engineering.stage import EngineeringStage
from grader.stages.fuzz.stage import FuzzStage

STAGES: tuple[Stage, ...] = (FuzzStage(), EngineeringStage())


def stages_of(task: Task) -> tuple[Stage, ...]:
    """The stages the task has, in the order they run."""
    return tuple(stage for stage in STAGES if stage.in_task(task))
