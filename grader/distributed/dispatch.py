"""The command's side of a distributed run: intake here, one message per submission, then the
workers' events shown and their results collected into `results/<run>/` as a local run has them.

`grade_distributed` is a `BatchGrader` like `grade_batch`: the same run record, the same resume
rule (complete results of the same task and suites are kept), the same outcome, so the CLI's
summary, reports, exit codes and `regrade` follow unchanged. `attach_run` picks a run up again
from what the store kept of it (`runs/<run>/jobs.json`) and the run's event stream.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from grader.core.errors import GraderError
from grader.core.events import Listener, SubmissionGraded, ignore
from grader.core.naming import safe_name
from grader.core.result import Result, Status, SubmissionInfo
from grader.distributed.broker import redis_broker, send_job
from grader.distributed.bundles import pack_task, unpack_folder
from grader.distributed.event_codec import JobAbandoned
from grader.distributed.events_stream import START, RunEvents
from grader.distributed.job import JobMessage, time_limit_s
from grader.distributed.store import SNAPSHOTS, Store, jobs_key, result_key, task_key
from grader.pipeline import (
    GradeSettings,
    GradingPlan,
    assemble_result,
    now,
    plan_grading,
    take_in_submission,
)
from grader.runs.batch import (
    BatchOutcome,
    completed_results,
    name_submissions,
    new_run_id,
    run_record_for,
)
from grader.runs.results_store import write_result
from grader.runs.run_record import (
    RESULT_FILE,
    RUN_RECORD,
    read_result,
    read_run_record,
    write_run_record,
)
from grader.runs.task_files import TaskLocation, load_task

STORE_POLL_S = 10.0  # results are looked for in the store too, in case an event was missed
READ_BLOCK_MS = 1000


@dataclass(frozen=True)
class Cluster:
    """Where the workers take their jobs (a Redis URL) and share their files (a store URL)."""

    broker_url: str
    store_url: str

    def grader(self) -> _DistributedGrader:
        return _DistributedGrader(self)


@dataclass(frozen=True)
class _DistributedGrader:
    cluster: Cluster

    def __call__(
        self, sources: list[str], plan: GradingPlan, results_dir: Path, run_id: str, emit: Listener
    ) -> BatchOutcome:
        return grade_distributed(sources, plan, results_dir, self.cluster, run_id, emit)


def grade_distributed(
    sources: list[str],
    plan: GradingPlan,
    results_dir: Path,
    cluster: Cluster,
    run_id: str | None = None,
    emit: Listener = ignore,
    resume: bool = False,
) -> BatchOutcome:
    """Grade `sources` on the workers into `results_dir/<run id>/`."""
    run_id = safe_name(run_id, fallback="run") if run_id else new_run_id()
    run_dir = results_dir / run_id
    store = Store(cluster.store_url)
    broker = redis_broker(cluster.broker_url)
    submissions = name_submissions(sources)
    record = run_record_for(run_id, plan, submissions)
    results: dict[str, Result] = {}
    if resume:
        results = completed_results(run_dir, record)
    elif (run_dir / RUN_RECORD).exists():
        raise GraderError(f"{run_dir} holds a run already; pass --resume to continue it")
    write_run_record(run_dir, record)
    task = plan.task
    if not store.exists(task_key(task.sha256)):
        store.put(task_key(task.sha256), pack_task(task))
    settings = GradeSettings(run_id=run_id, run_dir=run_dir)
    jobs: list[JobMessage] = []
    with tempfile.TemporaryDirectory(prefix="grader-intake-") as scratch:
        for submission in (s for s in submissions if s.id not in results):
            shutil.rmtree(run_dir / submission.id, ignore_errors=True)
            workdir = Path(scratch) / submission.id
            workdir.mkdir()
            taken = take_in_submission(submission, plan, settings, workdir, emit)
            shutil.rmtree(workdir, ignore_errors=True)
            if isinstance(taken, Result):  # refused: its result is written already
                results[submission.id] = taken
                continue
            snapshot = run_dir / submission.id / f"{submission.id}.tar.gz"
            job = JobMessage(
                run_id=run_id,
                submission_id=submission.id,
                origin=submission.source,
                snapshot_sha256=store.put_by_hash(SNAPSHOTS, snapshot.read_bytes()),
                task_id=task.id,
                task_sha256=task.sha256,
                suites=plan.suite_ids(),
                time_limit_s=time_limit_s(task.spec.runtime),
            )
            send_job(broker, job)  # workers start while the next submission is taken in
            jobs.append(job)
    broker.close()
    manifest = {"record": record.to_dict(), "jobs": [job.to_dict() for job in jobs]}
    store.put(jobs_key(run_id), json.dumps(manifest, indent=2).encode())
    results.update(_collect(run_dir, plan, jobs, store, cluster, emit))
    return BatchOutcome(run_id, run_dir, tuple(results[s.id] for s in submissions))


def attach_run(
    run_id: str, results_dir: Path, cluster: Cluster, emit: Listener = ignore
) -> BatchOutcome:
    """Follow a distributed run again (its command was closed): replay its events, collect
    the results not collected yet."""
    store = Store(cluster.store_url)
    try:
        manifest = json.loads(store.get(jobs_key(run_id)))
        jobs = [JobMessage.model_validate(job) for job in manifest["jobs"]]
    except FileNotFoundError:
        raise GraderError(
            f"the store {cluster.store_url} has no distributed run {run_id}"
        ) from None
    except (ValueError, KeyError, TypeError) as error:
        raise GraderError(f"the store's record of run {run_id} is not readable: {error}") from None
    run_dir = results_dir / run_id
    if not (run_dir / RUN_RECORD).exists():
        (run_dir).mkdir(parents=True, exist_ok=True)
        (run_dir / RUN_RECORD).write_text(json.dumps(manifest["record"]), encoding="utf-8")
    record = read_run_record(run_dir)
    results: dict[str, Result] = {}
    for entry in record.submissions:
        try:
            results[entry.id] = read_result(run_dir / entry.id / RESULT_FILE)
        except (OSError, ValueError):
            continue
    pending = [job for job in jobs if job.submission_id not in results]
    if pending:
        plan = _plan_from_store(store, pending[0])
        results.update(_collect(run_dir, plan, pending, store, cluster, emit))
    missing = [s.id for s in record.submissions if s.id not in results]
    if missing:
        raise GraderError(f"run {run_id}: no result for {', '.join(missing)} and none was sent")
    return BatchOutcome(run_id, run_dir, tuple(results[s.id] for s in record.submissions))


def _plan_from_store(store: Store, job: JobMessage) -> GradingPlan:
    """The run's plan, from the task the workers grade with (for results written here)."""
    with tempfile.TemporaryDirectory(prefix="grader-attach-") as scratch:
        root = unpack_folder(store.get(task_key(job.task_sha256)), Path(scratch) / "task")
        task = load_task(str(root / "tasks" / job.task_id), TaskLocation.find(root / "tasks"))
        return plan_grading(task, job.suites)


def _collect(
    run_dir: Path,
    plan: GradingPlan,
    jobs: list[JobMessage],
    store: Store,
    cluster: Cluster,
    emit: Listener,
) -> dict[str, Result]:
    """Wait for every job's result: show the workers' events, copy each result folder here."""
    pending = {job.submission_id: job for job in jobs}
    results: dict[str, Result] = {}

    def collect(job: JobMessage) -> None:
        folder = run_dir / job.submission_id
        unpack_folder(store.get(result_key(job.run_id, job.submission_id, job.key)), folder)
        try:
            result = read_result(folder / RESULT_FILE)
        except (OSError, ValueError) as error:
            raise GraderError(f"{job.submission_id}: the result a worker stored: {error}") from None
        results[job.submission_id] = result
        del pending[job.submission_id]
        emit(SubmissionGraded(job.submission_id, result, str(folder / RESULT_FILE)))

    def look_in_store() -> None:
        for job in list(pending.values()):
            if store.exists(result_key(job.run_id, job.submission_id, job.key)):
                collect(job)

    if not jobs:
        return results
    events = RunEvents(cluster.broker_url)
    try:
        look_in_store()
        after, looked = START, time.monotonic()
        while pending:
            after, batch = events.read(jobs[0].run_id, after, READ_BLOCK_MS)
            for event in batch:
                if event is None or event.submission not in pending:
                    continue
                job = pending[event.submission]
                if isinstance(event, SubmissionGraded):
                    collect(job)
                elif isinstance(event, JobAbandoned):
                    results[job.submission_id] = _abandoned(run_dir, plan, job, event.reason)
                    del pending[job.submission_id]
                    emit(SubmissionGraded(job.submission_id, results[job.submission_id], ""))
                else:
                    emit(event)
            if time.monotonic() - looked > STORE_POLL_S:
                look_in_store()
                looked = time.monotonic()
    finally:
        events.close()
    return results


def _abandoned(run_dir: Path, plan: GradingPlan, job: JobMessage, reason: str) -> Result:
    message = f"no worker could grade it ({reason}); this is not the candidate's score"
    result = assemble_result(
        plan,
        SubmissionInfo(job.submission_id, job.origin),
        Status.HARNESS_ERROR,
        message,
        plan.all_planned(),
        (),
        now(),
    )
    write_result(run_dir / job.submission_id, result)
    return result
