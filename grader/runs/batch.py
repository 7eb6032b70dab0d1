"""Grading many submissions of one task: one run folder, side by side, interruptible.

A submission's failure never stops the others. On Ctrl-C (or SIGTERM) every container of the
run is removed at once, running gradings stop without writing a result, and the interrupt is
raised again once everything labelled with the run is gone.
"""

from __future__ import annotations

import secrets
import shutil
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from grader.core.errors import GraderError
from grader.core.events import Listener, ignore
from grader.core.naming import safe_name, unique_names
from grader.core.result import Result, Status, TaskInfo
from grader.pipeline import (
    GradeSettings,
    GradingPlan,
    Submission,
    grade_submission,
)
from grader.runs.run_record import (
    RESULT_FILE,
    RUN_RECORD,
    RunRecord,
    SubmissionEntry,
    read_result,
    read_run_record,
    write_run_record,
)
from grader.sandbox.engine import Removed, connect, remove_labelled, require_image
from grader.stages.intake.take_in import submission_name


class RunInterrupted(KeyboardInterrupt):
    """A run stopped by Ctrl-C or SIGTERM, after everything it made on the engine was removed."""

    def __init__(self, run_id: str, run_dir: Path, removed: Removed, kept: int, total: int):
        super().__init__(f"run {run_id} interrupted")
        self.run_id, self.run_dir, self.removed = run_id, run_dir, removed
        self.kept, self.total = kept, total  # submissions with a complete result, of all


@dataclass(frozen=True)
class BatchOutcome:
    run_id: str
    run_dir: Path
    results: tuple[Result, ...]


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(2)


class BatchGrader(Protocol):
    """Grades a batch into `results_dir/<run_id>/`: `grade_batch` on this machine, or
    `grader.distributed.dispatch.grade_distributed` on workers."""

    def __call__(
        self, sources: list[str], plan: GradingPlan, results_dir: Path, run_id: str, emit: Listener
    ) -> BatchOutcome: ...


def name_submissions(sources: list[str]) -> list[Submission]:
    ids = unique_names([submission_name(source) for source in sources])
    return [Submission(id=i, source=source) for i, source in zip(ids, sources, strict=True)]


def grade_batch(
    sources: list[str],
    plan: GradingPlan,
    results_dir: Path,
    jobs: int = 1,
    run_id: str | None = None,
    emit: Listener = ignore,
    keep_images: bool = False,
    client: Any = None,
    resume: bool = False,
    build_jobs: int | None = None,
) -> BatchOutcome:
    """Grade `sources` into `results_dir/<run id>/`.

    `jobs` submissions are graded side by side, of which at most `build_jobs` build at once
    (builds load the CPU; the other stages mostly wait on the app). With `resume`, the run
    folder of an interrupted run is continued: every complete result of the same task version
    is kept, every other submission's folder is cleared and graded
    again, and what the interrupted run left on the engine is removed first.
    """
    run_id = safe_name(run_id, fallback="run") if run_id else new_run_id()
    run_dir = results_dir / run_id
    client = client or connect()
    for image in plan.task.spec.runtime.base_images[:1]:
        require_image(client, image)
    submissions = name_submissions(sources)
    record = run_record_for(run_id, plan, submissions)
    results: dict[str, Result] = {}
    if resume:
        results = completed_results(run_dir, record)
        remove_labelled(client, run_id)  # what the interrupted run left behind
    elif (run_dir / RUN_RECORD).exists():
        raise GraderError(f"{run_dir} holds a run already; pass --resume to continue it")
    write_run_record(run_dir, record)
    todo = [s for s in submissions if s.id not in results]
    for submission in todo:
        shutil.rmtree(run_dir / submission.id, ignore_errors=True)  # nothing half-written is reused
    slots = threading.Semaphore(build_jobs) if build_jobs and build_jobs < jobs else None
    settings = GradeSettings(run_id=run_id, run_dir=run_dir, build_slots=slots)
    cancel = threading.Event()
    with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="grade") as pool:
        futures: dict[str, Future[Result]] = {
            s.id: pool.submit(grade_submission, s, plan, settings, client, emit, cancel)
            for s in todo
        }
        try:
            for submission_id, future in futures.items():
                results[submission_id] = future.result()
        except BaseException as error:
            cancel.set()
            removed = remove_labelled(client, run_id)  # stops running apps now: workers end soon
            pool.shutdown(wait=True, cancel_futures=True)
            removed = removed.merged(remove_labelled(client, run_id))  # what they made meanwhile
            if isinstance(error, KeyboardInterrupt):
                kept = len(results) + sum(
                    1
                    for s in todo
                    if s.id not in results and (run_dir / s.id / RESULT_FILE).is_file()
                )
                raise RunInterrupted(run_id, run_dir, removed, kept, len(submissions)) from None
            raise
    if not keep_images:
        remove_labelled(client, run_id)  # the images, now that no build of the run is going on
    return BatchOutcome(run_id, run_dir, tuple(results[s.id] for s in submissions))


def completed_results(run_dir: Path, record: RunRecord) -> dict[str, Result]:
    """The complete results of an earlier attempt at the same run (none is half-written:
    result.json is replaced atomically). Results of a grader fault are graded again."""
    earlier = read_run_record(run_dir)
    if earlier.task != record.task or earlier.suites != record.suites:
        raise GraderError(
            f"the task or its suites changed since run {record.run_id} was started; "
            "grade it again with `grader regrade` instead of resuming"
        )
    if earlier.submissions != record.submissions:
        listed = len(earlier.submissions)
        raise GraderError(
            f"resume run {record.run_id} with the same submissions it was started with "
            f"({listed} listed in {RUN_RECORD}), or with none to take them from there"
        )
    done = {}
    for submission in record.submissions:
        try:
            result = read_result(run_dir / submission.id / RESULT_FILE)
        except (OSError, ValueError):
            continue
        if result.status is not Status.HARNESS_ERROR:
            done[submission.id] = result
    return done


def run_record_for(run_id: str, plan: GradingPlan, submissions: list[Submission]) -> RunRecord:
    task = plan.task
    return RunRecord(
        run_id=run_id,
        task=TaskInfo(task.id, task.spec.version, task.sha256),
        suites=plan.suite_ids(),
        submissions=tuple(SubmissionEntry(s.id, s.source) for s in submissions),
    )
