"""What every stage after the reference suites is: its plan, what it may use, what it gives.

A stage is named in a task (its section of task.toml), planned once for a run (the tests it
will report, all `not_run` until it runs), and run against each submission's live app and
source. Adding a stage is one module with a class of this shape and one entry in `STAGES`
(`grader/stages/ordered.py`); the pipeline, check, kit, regrade and the views follow.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from grader.core.result import TestOutcome
from grader.core.task import RuntimeSpec, Task


class Planned(Protocol):
    """A stage's plan for a run: whatever it needs, and the tests it will report."""

    @property
    def planned(self) -> tuple[TestOutcome, ...]: ...


@dataclass(frozen=True)
class AppUnderTest:
    """What a stage may use of the submission being graded."""

    client: Any  # the Docker engine
    base_url: str
    runtime: RuntimeSpec
    is_running: Callable[[], bool]
    workdir: Path  # a scratch folder of the grading's, removed with it
    source: Path  # the submission's tree, as it was graded
    history: Path | None  # where its git history is, if it came with one
    image_id: str
    name: str  # for anything the stage starts on the engine
    labels: Mapping[str, str]
    generated: tuple[str, ...] = ()  # files the grader wrote into the tree
    budget_s: float | None = None  # what is left of the submission's time budget


@dataclass(frozen=True)
class StageResult:
    outcomes: tuple[TestOutcome, ...]
    summary: str
    logs: Mapping[str, str] = field(default_factory=dict)  # name -> text, kept beside the result
    stopped: str = ""  # the stage ended early: recorded as failed, the points already earned kept
    fault: str | None = None  # the grader could not do its part: the result is a harness error
    # too little was reached to trust a score: the result is `inconclusive`, with this message
    inconclusive: str = ""
    # bytes kept beside the result (relative path -> content), such as bodies curl reads
    files: Mapping[str, bytes] = field(default_factory=dict)


class Stage(Protocol):
    @property
    def id(self) -> str:
        """How a run names the stage (`--suite`), and its record in result.json."""
        ...

    @property
    def needs_source(self) -> bool:
        """True when it reads the submission's folder: not run by `grader check --url`."""
        ...

    @property
    def task_section(self) -> str:
        """The field of the task model that configures it (left out of a kit when hidden)."""
        ...

    def in_task(self, task: Task) -> bool: ...

    def is_public(self, task: Task) -> bool: ...

    def kit_files(self, task: Task) -> tuple[str, ...]:
        """Files of the task folder a candidate's kit needs for the stage, when it is public."""
        ...

    def plan(self, task: Task) -> Planned: ...

    def run(self, plan: Any, app: AppUnderTest) -> StageResult: ...


@dataclass(frozen=True)
class StagePlan:
    """One stage of a run's plan."""

    stage: Stage
    plan: Any  # what `stage.plan` returned

    @property
    def id(self) -> str:
        return self.stage.id

    @property
    def planned(self) -> tuple[TestOutcome, ...]:
        return tuple(self.plan.planned)
