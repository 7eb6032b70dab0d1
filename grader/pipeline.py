"""Grading one submission: intake -> build -> run -> probe -> test -> fuzz -> engineering ->
score -> write.

Each stage takes the previous one's output, is bounded in time, and is recorded with its
duration. The submission as a whole is bounded by the task's `submission_budget_s`, counted
over its stages' time: a test stage that would start after it is spent is skipped, its tests
`not_run` with the reason, and a suite or the fuzz stage is given at most what is left.
A submission that fails a stage gets a complete result with a status and a score of 0; a
fault of the grader itself (an engine error, a bug) gets `harness_error` and no score.
Whatever happens, the container, its network and the work folder are removed. The image is
left for `grade_batch` to remove at the end of the run, which keeps the layers beneath its
labels as the build cache (`sandbox.engine.remove_labelled`).
If the run is cancelled (Ctrl-C) the result is not written: a half-graded submission would
carry a wrong score, and a resumed run grades it again.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
import threading
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from grader.core.errors import TaskError
from grader.core.events import Listener, StageFinished, StageStarted, SubmissionGraded, ignore
from grader.core.result import (
    Outcome,
    Result,
    StageRecord,
    StageStatus,
    Status,
    SubmissionInfo,
    TaskInfo,
    TestOutcome,
)
from grader.core.scoring import score_outcomes
from grader.core.task import RuntimeSpec, SuiteSpec, Task
from grader.runs.results_store import write_log, write_result
from grader.sandbox.container import (
    AppContainer,
    StartFailure,
    container_state,
    full_log,
    proc_net_tcp,
    start_app,
    stop_app,
)
from grader.sandbox.engine import labels_for
from grader.stages import AppUnderTest, StagePlan
from grader.stages.build.image import GENERATED_DOCKERFILE, BuildFailure, build_image
from grader.stages.intake.snapshot import write_snapshot
from grader.stages.intake.take_in import (
    IntakeLimits,
    Refusal,
    SourceTree,
    is_git_url,
    take_in,
)
from grader.stages.ordered import stages_of
from grader.stages.probe.listening import diagnose, listening_sockets
from grader.stages.probe.probe import NotReady, probe_until_ready
from grader.stages.reference_tests.suites import plan_suite, run_suite
from grader.version import VERSION

MESSAGE_TAIL_LINES = 15
MESSAGE_LINE_LIMIT = 300
ERROR_LINE = re.compile(r"^\w*(Error|Exception)\b|^\w+(Error|Exception): ")


class Cancelled(Exception):
    """The run was interrupted; this submission's result is not written."""


@dataclass(frozen=True)
class Submission:
    id: str
    source: str


@dataclass(frozen=True)
class GradingPlan:
    """What every submission of a run is graded against: the task, its planned reference
    suites, and the stages after them (`grader.stages.ordered`) that the run selected."""

    task: Task
    suites: tuple[SuiteSpec, ...]
    planned: dict[str, tuple[TestOutcome, ...]]
    stages: tuple[StagePlan, ...] = ()

    def all_planned(self) -> tuple[TestOutcome, ...]:
        tests = tuple(test for suite in self.suites for test in self.planned[suite.id])
        return tests + tuple(test for stage in self.stages for test in stage.planned)

    def suite_ids(self) -> tuple[str, ...]:
        return tuple(suite.id for suite in self.suites) + tuple(s.id for s in self.stages)

    def without_source_stages(self) -> GradingPlan:
        """The plan less the stages that read the submission's folder (for a URL alone)."""
        return replace(self, stages=tuple(s for s in self.stages if not s.stage.needs_source))


def public_suite_ids(task: Task) -> tuple[str, ...]:
    """What a public-only run selects: the public suites, and the public stages."""
    public = tuple(s.id for s in task.spec.suites if s.visibility == "public")
    return public + tuple(stage.id for stage in stages_of(task) if stage.is_public(task))


def selectable_suite_ids(task: Task) -> tuple[str, ...]:
    """The suites, then the stages the task has, as a run names them."""
    return tuple(suite.id for suite in task.spec.suites) + tuple(s.id for s in stages_of(task))


def plan_grading(task: Task, suite_ids: tuple[str, ...] = ()) -> GradingPlan:
    """Select suites and stages (all when none are named) and plan their tests once for the
    run."""
    known = {suite.id: suite for suite in task.spec.suites}
    selectable = selectable_suite_ids(task)
    unknown = [s for s in suite_ids if s not in selectable]
    if unknown:
        raise TaskError(
            f"task {task.id} has no suite {unknown[0]!r} (suites: {', '.join(selectable)})"
        )
    suites = tuple(known[s] for s in suite_ids if s in known) if suite_ids else task.spec.suites
    stages = tuple(
        StagePlan(stage, stage.plan(task))
        for stage in stages_of(task)
        if not suite_ids or stage.id in suite_ids
    )
    return GradingPlan(
        task, suites, {suite.id: plan_suite(task, suite) for suite in suites}, stages
    )


def assemble_result(
    plan: GradingPlan,
    submission: SubmissionInfo,
    status: Status,
    message: str,
    tests: tuple[TestOutcome, ...],
    stages: tuple[StageRecord, ...],
    started_at: str,
    logs: dict[str, str] | None = None,
) -> Result:
    """The result of a grading that ends now; scored unless the grader itself failed."""
    task = plan.task
    return Result(
        grader_version=VERSION,
        task=TaskInfo(task.id, task.spec.version, task.sha256),
        submission=submission,
        status=status,
        message=message,
        score=score_outcomes(task.spec.rubric, tests) if status.is_scored else None,
        tests=tests,
        stages=stages,
        started_at=started_at,
        finished_at=now(),
        suites=plan.suite_ids(),
        logs=logs or {},
    )


@dataclass(frozen=True)
class GradeSettings:
    run_id: str
    run_dir: Path
    intake_limits: IntakeLimits = field(default_factory=IntakeLimits)
    # shared by a batch's workers: how many builds may run at once (None: no limit of its own)
    build_slots: threading.Semaphore | None = None


@dataclass
class _Grading:
    """The record of one submission's grading as it goes."""

    submission: Submission
    plan: GradingPlan
    settings: GradeSettings
    emit: Listener
    cancel: threading.Event
    started_at: str = field(default_factory=lambda: now())
    sha256: str | None = None
    snapshot: str | None = None
    commit: str | None = None
    stages: list[StageRecord] = field(default_factory=list)
    logs: dict[str, str] = field(default_factory=dict)

    @property
    def folder(self) -> Path:
        return self.settings.run_dir / self.submission.id

    def keep_log(self, name: str, text: str) -> None:
        self.logs[name] = write_log(self.folder, name, text)

    def budget_left_s(self) -> float:
        """What is left of the submission's time budget: the time of its finished stages
        counts against it (waiting for a build slot, between stages, does not)."""
        spent = sum(record.duration_s for record in self.stages)
        return self.plan.task.spec.runtime.submission_budget_s - spent

    def out_of_time(
        self, name: str, planned: tuple[TestOutcome, ...], outcomes: list[TestOutcome]
    ) -> bool:
        """Once the budget is spent: the stage recorded as skipped, its tests `not_run`."""
        if self.budget_left_s() > 0:
            return False
        budget = self.plan.task.spec.runtime.submission_budget_s
        reason = f"not started: the submission's time budget of {budget:g} s was spent"
        outcomes.extend(replace(test, message=reason) for test in planned)
        self.stages.append(StageRecord(name, StageStatus.SKIPPED, 0.0, reason))
        self.emit(StageStarted(self.submission.id, name))
        self.emit(StageFinished(self.submission.id, name, StageStatus.SKIPPED, 0.0, reason))
        return True

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[_Stage]:
        if self.cancel.is_set():
            raise Cancelled()
        self.emit(StageStarted(self.submission.id, name))
        current = _Stage()
        started = time.monotonic()
        try:
            yield current
        except BaseException as error:
            current.status, current.detail = StageStatus.FAILED, f"interrupted: {error!r}"
            raise
        finally:
            record = StageRecord(
                name, current.status, round(time.monotonic() - started, 3), current.detail
            )
            self.stages.append(record)
            self.emit(
                StageFinished(
                    self.submission.id, name, record.status, record.duration_s, record.detail
                )
            )

    def finish(self, status: Status, message: str, tests: tuple[TestOutcome, ...]) -> Result:
        if self.cancel.is_set():
            raise Cancelled()
        result = assemble_result(
            self.plan,
            SubmissionInfo(
                self.submission.id, self.submission.source, self.sha256, self.snapshot, self.commit
            ),
            status,
            message,
            tests,
            tuple(self.stages),
            self.started_at,
            dict(self.logs),
        )
        path = write_result(self.folder, result)
        self.emit(SubmissionGraded(self.submission.id, result, str(path)))
        return result

    def fail(self, status: Status, message: str) -> Result:
        """Finish a submission that never reached (or finished) the tests: 0 for every test."""
        not_run = tuple(
            replace(test, message=f"{status.value}: {_first_line(message)}")
            for test in self.plan.all_planned()
        )
        return self.finish(status, message, not_run)


@dataclass
class _Stage:
    status: StageStatus = StageStatus.OK
    detail: str = ""

    def failed(self, detail: str) -> None:
        self.status, self.detail = StageStatus.FAILED, detail


def grade_submission(
    submission: Submission,
    plan: GradingPlan,
    settings: GradeSettings,
    client: Any,
    emit: Listener = ignore,
    cancel: threading.Event | None = None,
) -> Result:
    grading = _Grading(submission, plan, settings, emit, cancel or threading.Event())
    workdir = Path(tempfile.mkdtemp(prefix="grader-work-"))
    held: dict[str, Any] = {}
    try:
        return _grade(grading, client, workdir, held)
    except Cancelled:
        raise
    except Exception as error:  # a fault of the grader, not of the submission
        grading.keep_log("harness", traceback.format_exc())
        message = (
            f"the grader failed ({type(error).__name__}: {error}); "
            "this is not the candidate's score"
        )
        return grading.finish(Status.HARNESS_ERROR, message, plan.all_planned())
    finally:
        _tear_down(held)
        shutil.rmtree(workdir, ignore_errors=True)


def _grade(grading: _Grading, client: Any, workdir: Path, held: dict[str, Any]) -> Result:
    settings, task = grading.settings, grading.plan.task
    runtime = task.spec.runtime
    name = f"grader-{settings.run_id}-{grading.submission.id}"
    labels = labels_for(settings.run_id, grading.submission.id)

    source = grading.submission.source
    clone = workdir / "repository" if is_git_url(source) else None
    tree = _intake(grading, workdir, clone)
    if isinstance(tree, Result):
        return tree

    with settings.build_slots or contextlib.nullcontext(), grading.stage("build") as stage:
        built = build_image(client, tree.path, runtime, name, labels)
        if isinstance(built, BuildFailure):
            stage.failed(built.reason)
        else:
            stage.detail = f"{built.dockerfile} -> {built.image_id[:19]}" + (
                f"; {built.note}" if built.note else ""
            )
        if built.log:
            grading.keep_log("build", built.log)
    if isinstance(built, BuildFailure):
        return grading.fail(built.status, _with_tail(built.reason, built.log, "build output"))

    with grading.stage("run") as stage:
        app = start_app(
            client, built.image_id, runtime, name, labels, _data_folder(workdir, runtime)
        )
        if isinstance(app, StartFailure):
            stage.failed(app.reason)
        else:
            held["app"] = app
            stage.detail = app.base_url
    if isinstance(app, StartFailure):
        grading.keep_log("app", app.log_tail)
        return grading.fail(Status.START_FAILED, _with_tail(app.reason, app.log_tail, "app output"))

    with grading.stage("probe") as stage:
        ready = probe_until_ready(
            app.base_url,
            runtime.health_path,
            runtime.startup_timeout_s,
            runtime.port,
            lambda: container_state(app.container),
            any_answer=runtime.ready_on_any_answer,
        )
        if isinstance(ready, NotReady) and ready.status is Status.NOT_READY:
            found = diagnose(listening_sockets(proc_net_tcp(app.container)), runtime.port)
            if found is not None:
                ready = NotReady(found.status, f"{found.reason} ({ready.reason})", ready.duration_s)
        if isinstance(ready, NotReady) and runtime.any_repository:
            hint = (
                "; pass --health-path PATH (a GET that answers 2xx once the app is up), or "
                "--base-path PREFIX if the API is not where the document says"
            )
            ready = replace(ready, reason=ready.reason + hint)
        if isinstance(ready, NotReady):
            stage.failed(ready.reason)
        else:
            stage.detail = f"ready after {ready.duration_s:.2f} s"
    if isinstance(ready, NotReady):
        tail = full_log(app.container)
        grading.keep_log("app", tail)
        return grading.fail(ready.status, _with_tail(ready.reason, tail, "app output"))

    outcomes: list[TestOutcome] = []
    for suite in grading.plan.suites:
        planned = grading.plan.planned[suite.id]
        if grading.out_of_time(f"test:{suite.id}", planned, outcomes):
            continue
        with grading.stage(f"test:{suite.id}") as stage:
            ran = run_suite(
                task,
                suite,
                planned,
                app.base_url,
                app.container.id,
                budget_s=grading.budget_left_s(),
                app_state=lambda: container_state(app.container),
            )
            outcomes.extend(ran.outcomes)
            grading.keep_log(f"tests-{suite.id}", ran.output)
            passed = sum(1 for t in ran.outcomes if t.outcome is Outcome.PASSED)
            stage.detail = f"{passed}/{len(ran.outcomes)} passed" + (
                f"; {ran.detail}" if ran.detail else ""
            )
            if not ran.complete:
                stage.failed(stage.detail)
        if ran.fault:
            grading.keep_log("app", full_log(app.container))
            message = f"suite {suite.id}: {ran.fault}; see {grading.logs[f'tests-{suite.id}']}"
            return grading.finish(Status.HARNESS_ERROR, message, tuple(outcomes))

    container = app.container
    inconclusive: list[str] = []
    for planned_stage in grading.plan.stages:
        if grading.out_of_time(planned_stage.id, planned_stage.planned, outcomes):
            continue
        with grading.stage(planned_stage.id) as stage:
            staged = planned_stage.stage.run(
                planned_stage.plan,
                AppUnderTest(
                    client=client,
                    base_url=app.base_url,
                    runtime=runtime,
                    is_running=lambda: container_state(container).running,
                    workdir=workdir,
                    source=tree.path,
                    history=_history_root(source, clone),
                    image_id=built.image_id,
                    name=name,
                    labels=labels,
                    generated=(GENERATED_DOCKERFILE,)
                    if built.dockerfile == GENERATED_DOCKERFILE
                    else (),
                    budget_s=grading.budget_left_s(),
                ),
            )
            outcomes.extend(staged.outcomes)
            for log_name, text in staged.logs.items():
                grading.keep_log(log_name, text)
            for relative, content in staged.files.items():
                kept = grading.folder / relative
                kept.parent.mkdir(parents=True, exist_ok=True)
                kept.write_bytes(content)
            stage.detail = staged.summary + (f"; {staged.stopped}" if staged.stopped else "")
            if staged.stopped:
                stage.failed(stage.detail)
            if staged.inconclusive:
                inconclusive.append(f"{planned_stage.id}: {staged.inconclusive}")
        if staged.fault:
            return grading.finish(Status.HARNESS_ERROR, staged.fault, tuple(outcomes))

    grading.keep_log("app", full_log(app.container))
    state = container_state(app.container)
    message = "graded" if state.running else f"graded; the app {state.describe()} during the tests"
    if inconclusive:
        ended = "" if state.running else f"; the app {state.describe()}"
        message = "; ".join(inconclusive) + ended
        return grading.finish(Status.INCONCLUSIVE, message, tuple(outcomes))
    return grading.finish(Status.GRADED, message, tuple(outcomes))


def take_in_submission(
    submission: Submission,
    plan: GradingPlan,
    settings: GradeSettings,
    workdir: Path,
    emit: Listener = ignore,
) -> SourceTree | Result:
    """The intake stage alone, as `grade_submission` runs it: the tree and its snapshot beside
    the result, or the result of a refused submission (written and emitted). For a grading
    that happens elsewhere (`grader.distributed`), which then grades from the snapshot."""
    grading = _Grading(submission, plan, settings, emit, threading.Event())
    return _intake(grading, workdir, None)


def _intake(grading: _Grading, workdir: Path, clone: Path | None) -> SourceTree | Result:
    source, settings = grading.submission.source, grading.settings
    with grading.stage("intake") as stage:
        tree = take_in(source, workdir / "source", settings.intake_limits, keep_clone=clone)
        if isinstance(tree, Refusal):
            stage.failed(tree.reason)
    if isinstance(tree, Refusal):
        return grading.fail(Status.INVALID_SUBMISSION, f"the submission was refused: {tree.reason}")
    grading.sha256, grading.commit = tree.sha256, tree.commit
    grading.snapshot = write_snapshot(tree.path, grading.folder, grading.submission.id).name
    return tree


def _history_root(source: str, clone: Path | None) -> Path | None:
    """Where the submission's git history is: the kept clone, or the folder it was given as."""
    if clone is not None:
        return clone if clone.is_dir() else None
    folder = Path(source)
    return folder if folder.is_dir() and (folder / ".git").is_dir() else None


def _data_folder(workdir: Path, runtime: RuntimeSpec) -> Path | None:
    """The host side of the task's data_dir: empty, writable by the app's unprivileged user."""
    if not runtime.data_dir:
        return None
    folder = workdir / "data"
    folder.mkdir()
    folder.chmod(0o777)  # the app runs as another user; the folder is deleted with the workdir
    return folder


def _tear_down(held: dict[str, Any]) -> None:
    app: AppContainer | None = held.get("app")
    if app is not None:
        stop_app(app)


def _with_tail(reason: str, log: str, what: str) -> str:
    """The reason, and the last lines of a log the submission wrote: each line cut short, the
    reason's too (a build's reason quotes the candidate's own command).

    When the last error in the log came before those lines (a server's shutdown chatter
    follows it), that error line leads them, so the message always says what went wrong.
    """
    every = [line for line in log.strip().splitlines() if line.strip()]
    lines = every[-MESSAGE_TAIL_LINES:]
    errors = [line for line in every if ERROR_LINE.search(line)]
    if errors and not any(ERROR_LINE.search(line) for line in lines):
        lines = [errors[-1], "...", *lines]
    reason = "\n".join(_cut(line) for line in reason.splitlines())
    cut = [_cut(line) for line in lines]
    return f"{reason}\nlast lines of the {what}:\n" + "\n".join(cut) if cut else reason


def _cut(line: str) -> str:
    return line if len(line) <= MESSAGE_LINE_LIMIT else line[:MESSAGE_LINE_LIMIT] + " [cut]"


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
