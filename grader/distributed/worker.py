"""`grader worker`: take jobs from the broker and grade them with the engine this machine owns.

A job is graded by the same `grade_submission` as a local run, from its snapshot, against its
task unpacked from the store. Its containers and images carry a run id that starts with the
worker's name (`job.worker_run_id`), and are removed when the job ends; at start, the worker
removes whatever such ids a killed predecessor of the same name left on the engine.

The result folder is packed and written to the store at the job's key before the message is
acknowledged; a job whose key holds a result already is not graded again. A harness_error or a
fault of the store, the broker or the engine is retried (`broker.MAX_RETRIES`); on the last
try a harness_error result is kept, and a job that cannot even be graded is announced as
abandoned, so the command never waits for a result that will not come.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import pydantic
from dramatiq.middleware.time_limit import TimeLimitExceeded

from grader.core.errors import InfrastructureFault
from grader.core.events import Event, StageFinished, StageStarted, SubmissionGraded
from grader.core.result import Result, Status, SubmissionInfo
from grader.core.task import Task
from grader.distributed.broker import INFRASTRUCTURE, MAX_RETRIES
from grader.distributed.bundles import pack_folder, unpack_folder
from grader.distributed.event_codec import JobAbandoned, WireEvent
from grader.distributed.job import JobMessage, worker_prefix, worker_run_id
from grader.distributed.store import SNAPSHOTS, Store, result_key, task_key
from grader.pipeline import (
    GradeSettings,
    GradingPlan,
    Submission,
    assemble_result,
    grade_submission,
    now,
    plan_grading,
)
from grader.runs.results_store import write_result
from grader.runs.run_record import RESULT_FILE, read_result
from grader.runs.task_files import TaskLocation, load_task
from grader.sandbox.engine import LABEL_MANAGED, LABEL_RUN, remove_labelled, require_image

log = logging.getLogger("grader.worker")

Publish = Callable[[str, WireEvent], None]


class Grade(Protocol):
    def __call__(
        self,
        submission: Submission,
        plan: GradingPlan,
        settings: GradeSettings,
        client: Any,
        emit: Callable[[Event], None],
    ) -> Result: ...


@dataclass
class WorkerContext:
    """What a worker's jobs share: its name, engine, store and event stream."""

    name: str
    store: Store
    client: Any
    publish: Publish
    scratch: Path
    grade: Grade = grade_submission
    remove: Callable[[Any, str], object] = remove_labelled
    require_image: Callable[[Any, str], None] = require_image
    max_retries: int = MAX_RETRIES
    tasks: dict[str, Task] = field(default_factory=dict)
    plans: dict[tuple[str, tuple[str, ...]], GradingPlan] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def handle_job(context: WorkerContext, payload: dict[str, Any], retries: int) -> None:
    """Grade one job (the actor's body); raises InfrastructureFault to be tried again."""
    try:
        job = JobMessage.model_validate(payload)
    except pydantic.ValidationError as error:
        log.error("dropped a message that is not a job: %s", error.errors()[:1])
        return
    try:
        _handle(context, job, retries)
    except INFRASTRUCTURE as fault:
        if retries < context.max_retries:
            raise InfrastructureFault(fault.message) from None
        _abandon(context, job, fault.message)
    except Exception as error:  # a fault of the worker itself: said, not retried
        log.exception("%s/%s: the worker failed", job.run_id, job.submission_id)
        _abandon(context, job, f"the worker failed ({type(error).__name__}: {error})")


def _handle(context: WorkerContext, job: JobMessage, retries: int) -> None:
    key = result_key(job.run_id, job.submission_id, job.key)
    if context.store.exists(key):
        log.info("%s/%s: graded already, not again", job.run_id, job.submission_id)
        _announce_stored(context, job, key)
        return
    task = _task(context, job)
    try:
        snapshot = context.store.get_by_hash(SNAPSHOTS, job.snapshot_sha256)
    except FileNotFoundError:
        raise InfrastructureFault(
            f"snapshot {job.snapshot_sha256[:12]} is not in the store"
        ) from None
    context.require_image(context.client, task.spec.runtime.base_images[0])
    result = _grade(context, job, task, snapshot, key, retries)
    log.info("%s/%s: %s", job.run_id, job.submission_id, result.status.value)


def _abandon(context: WorkerContext, job: JobMessage, reason: str) -> None:
    log.error("%s/%s: abandoned: %s", job.run_id, job.submission_id, reason)
    context.publish(job.run_id, JobAbandoned(job.submission_id, reason))


def _grade(
    context: WorkerContext,
    job: JobMessage,
    task: Task,
    snapshot: bytes,
    key: str,
    retries: int,
) -> Result:
    plan = _plan(context, task, job.suites)
    run = worker_run_id(context.name, job.key)
    with tempfile.TemporaryDirectory(prefix="grader-job-", dir=context.scratch) as work:
        source = Path(work) / f"{job.submission_id}.tar.gz"
        source.write_bytes(snapshot)
        settings = GradeSettings(run_id=run, run_dir=Path(work) / "run")
        folder = settings.run_dir / job.submission_id

        def emit(event: Event) -> None:
            if isinstance(event, SubmissionGraded):  # announced once the store has it
                return
            if isinstance(event, StageStarted | StageFinished) and event.stage == "intake":
                return  # the command showed its own intake; this one only unpacks its snapshot
            context.publish(job.run_id, event)

        started = now()
        try:
            result = context.grade(
                Submission(job.submission_id, str(source)), plan, settings, context.client, emit
            )
        except TimeLimitExceeded:
            limit = f"{job.time_limit_s:g} s"
            message = f"the job took longer than its time limit of {limit}; the grader is at fault"
            info = SubmissionInfo(job.submission_id, job.origin)
            result = assemble_result(
                plan, info, Status.HARNESS_ERROR, message, plan.all_planned(), (), started
            )
        finally:
            context.remove(context.client, run)
        if result.status is Status.HARNESS_ERROR and retries < context.max_retries:
            raise InfrastructureFault(f"{job.submission_id}: {result.message}")
        result = replace(result, submission=replace(result.submission, source=job.origin))
        write_result(folder, result)
        context.store.put(key, pack_folder(folder))
    context.publish(job.run_id, SubmissionGraded(job.submission_id, result, key))
    return result


def _announce_stored(context: WorkerContext, job: JobMessage, key: str) -> None:
    with tempfile.TemporaryDirectory(prefix="grader-job-", dir=context.scratch) as work:
        folder = unpack_folder(context.store.get(key), Path(work) / job.submission_id)
        result = read_result(folder / RESULT_FILE)
    context.publish(job.run_id, SubmissionGraded(job.submission_id, result, key))


def _task(context: WorkerContext, job: JobMessage) -> Task:
    """The job's task, unpacked from the store once per worker and checked against its hash."""
    with context.lock:
        task = context.tasks.get(job.task_sha256)
        if task is None:
            try:
                bundle = context.store.get(task_key(job.task_sha256))  # checked once loaded
            except FileNotFoundError:
                raise InfrastructureFault(
                    f"task {job.task_sha256[:12]} is not in the store"
                ) from None
            root = unpack_folder(bundle, context.scratch / "tasks" / job.task_sha256)
            task = load_task(str(root / "tasks" / job.task_id), TaskLocation.find(root / "tasks"))
            if task.sha256 != job.task_sha256:
                shutil.rmtree(root, ignore_errors=True)
                raise InfrastructureFault(
                    f"task {job.task_id} from the store hashes to {task.sha256[:12]}, "
                    f"not {job.task_sha256[:12]}"
                )
            context.tasks[job.task_sha256] = task
        return task


def _plan(context: WorkerContext, task: Task, suites: tuple[str, ...]) -> GradingPlan:
    """Planned once per task and selection, as a local run plans once for all its submissions."""
    with context.lock:
        plan = context.plans.get((task.sha256, suites))
        if plan is None:
            plan = context.plans[(task.sha256, suites)] = plan_grading(task, suites)
        return plan


def remove_leftovers(client: Any, worker: str) -> list[str]:
    """Remove what jobs of a worker of this name left on the engine (it was killed); the run
    ids it found."""
    pattern = re.compile(re.escape(worker_prefix(worker)) + r"[0-9a-f]{12}$")
    filters = {"label": [f"{LABEL_MANAGED}=true"]}
    labelled = [
        *client.containers.list(all=True, filters=filters),
        *client.networks.list(filters=filters),
        *client.images.list(all=True, filters=filters),
    ]
    runs = sorted({_labels(thing).get(LABEL_RUN, "") for thing in labelled})
    runs = [run for run in runs if pattern.match(run)]
    for run in runs:
        remove_labelled(client, run)
    return runs


def _labels(thing: Any) -> dict[str, str]:
    labels = getattr(thing, "labels", None)
    if labels is None:
        labels = thing.attrs.get("Labels")
    return dict(labels or {})
