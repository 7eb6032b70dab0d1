"""`grader check`: a candidate's own loop, with the public suites only.

Two ways: against a server the candidate already runs (`--url`, no Docker), or by building and
running their folder exactly as `grader grade` would. The task comes from `--task` or from the
`.grader.toml` that the candidate kit puts at the root of their repository.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field

from grader.core.errors import TaskError
from grader.core.events import Listener, ignore
from grader.core.result import Result, StageRecord, StageStatus, Status, SubmissionInfo, TestOutcome
from grader.core.task import Task, parse_toml_file
from grader.pipeline import GradingPlan, assemble_result, now, plan_grading
from grader.runs.batch import BatchOutcome, grade_batch
from grader.runs.task_files import TaskLocation, load_task
from grader.sandbox.container import ContainerState
from grader.stages import AppUnderTest
from grader.stages.ordered import stages_of
from grader.stages.probe.probe import NotReady, probe_until_ready
from grader.stages.reference_tests.suites import container_only_tests, plan_suite, run_suite

CHECK_CONFIG = ".grader.toml"
URL_READY_TIMEOUT_S = 5.0


class CheckConfig(BaseModel):
    """`.grader.toml`, written by `grader tasks export-kit` into the candidate's repository."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    task: str = Field(min_length=1, description="the task folder, relative to this file")
    hidden_checks: int = Field(0, ge=0, description="how many checks only graders run")


@dataclass(frozen=True)
class CheckPlan:
    plan: GradingPlan
    hidden_checks: int
    local_only: tuple[TestOutcome, ...] = ()  # left out under --url: they need the container


def for_url(checked: CheckPlan) -> CheckPlan:
    """The plan for a server the candidate runs: the tests that restart the app (which only a
    container allows) are left out, neither run nor scored, and said to run with `check .`."""
    plan, leave_out = checked.plan, set[str]()
    for suite in plan.suites:
        leave_out |= container_only_tests(plan.task, suite)
    planned = {
        suite_id: tuple(t for t in tests if t.id not in leave_out)
        for suite_id, tests in plan.planned.items()
    }
    local_only = tuple(t for tests in plan.planned.values() for t in tests if t.id in leave_out)
    return replace(checked, plan=replace(plan, planned=planned), local_only=local_only)


def find_check_task(
    task_ref: str | None, folder: Path, location: TaskLocation
) -> tuple[Task, int | None]:
    """The task named by --task, else by `.grader.toml` in `folder` (with its hidden count)."""
    if task_ref:
        return load_task(task_ref, location), None
    config_path = folder / CHECK_CONFIG
    if not config_path.is_file():
        raise TaskError(
            f"no task to check against: pass --task, or put a {CHECK_CONFIG} in {folder} "
            "(the candidate kit has one)"
        )
    text = config_path.read_text(encoding="utf-8")
    config = parse_toml_file(CheckConfig, text, str(config_path))
    return load_task(str(config_path.parent / config.task), location), config.hidden_checks


def public_plan(task: Task, hidden_checks: int | None) -> CheckPlan:
    """Plan the public suites; count the hidden checks (from the kit, or by collecting them)."""
    public = tuple(suite.id for suite in task.spec.suites if suite.visibility == "public")
    if not public:
        raise TaskError(f"task {task.id} has no public suite to check against")
    if hidden_checks is None:
        hidden = [suite for suite in task.spec.suites if suite.visibility == "hidden"]
        hidden_checks = sum(len(plan_suite(task, suite)) for suite in hidden)
        for stage in stages_of(task):
            if not stage.is_public(task):
                hidden_checks += len(stage.plan(task).planned)
    # the public stages: those that read the folder run with `grader check .`, not with --url
    public += tuple(stage.id for stage in stages_of(task) if stage.is_public(task))
    return CheckPlan(plan_grading(task, public), hidden_checks)


def check_url(checked: CheckPlan, url: str) -> Result:
    """Run the public suites and stages against a server that is already running at `url`:
    the stages that read the submission's folder (engineering) are left out."""
    plan, runtime = checked.plan.without_source_stages(), checked.plan.task.spec.runtime
    base_url = url.rstrip("/")
    parsed = httpx.URL(base_url)
    address = f"{parsed.host}:{parsed.port or (443 if parsed.scheme == 'https' else 80)}"
    submission = SubmissionInfo(id="local", source=base_url)
    started_at = now()
    ready = probe_until_ready(
        base_url,
        runtime.health_path,
        URL_READY_TIMEOUT_S,
        runtime.port,
        lambda: ContainerState(running=True, exit_code=None, oom_killed=False),
        address=address,
    )
    if isinstance(ready, NotReady):
        message = (
            f"nothing answers GET {base_url}{runtime.health_path} with 2xx: {ready.reason}; "
            "start your app first"
        )
        not_run = plan.all_planned()
        stage = StageRecord("probe", StageStatus.FAILED, ready.duration_s, ready.reason)
        return assemble_result(plan, submission, Status.NOT_READY, message, not_run, (stage,),
                               started_at)  # fmt: skip
    outcomes: list[TestOutcome] = []
    stages = [StageRecord("probe", StageStatus.OK, ready.duration_s)]
    for suite in plan.suites:
        ran = run_suite(plan.task, suite, plan.planned[suite.id], base_url)
        outcomes.extend(ran.outcomes)
        stages.append(StageRecord(f"test:{suite.id}", StageStatus.OK, 0.0, ran.detail))
        if ran.fault:
            return assemble_result(plan, submission, Status.HARNESS_ERROR, ran.fault,
                                   tuple(outcomes), tuple(stages), started_at)  # fmt: skip
    inconclusive: list[str] = []
    with tempfile.TemporaryDirectory(prefix="grader-check-") as scratch:
        for planned in plan.stages:  # those that need no folder: the app is all there is
            app = AppUnderTest(
                client=None, base_url=base_url, runtime=runtime, is_running=lambda: True,
                workdir=Path(scratch), source=Path(scratch), history=None, image_id="",
                name="", labels={},
            )  # fmt: skip
            staged = planned.stage.run(planned.plan, app)
            outcomes.extend(staged.outcomes)
            stages.append(StageRecord(planned.id, StageStatus.OK, 0.0, staged.summary))
            if staged.inconclusive:
                inconclusive.append(f"{planned.id}: {staged.inconclusive}")
    if inconclusive:
        return assemble_result(plan, submission, Status.INCONCLUSIVE, "; ".join(inconclusive),
                               tuple(outcomes), tuple(stages), started_at)  # fmt: skip
    return assemble_result(plan, submission, Status.GRADED, "checked", tuple(outcomes),
                           tuple(stages), started_at)  # fmt: skip


def check_folder(
    checked: CheckPlan, folder: Path, out: Path, emit: Listener = ignore, client: Any = None
) -> BatchOutcome:
    """Build and run `folder` as `grader grade` would, with the public suites only."""
    return grade_batch([str(folder)], checked.plan, out, emit=emit, client=client)
