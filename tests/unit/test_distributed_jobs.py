"""Distributed jobs through Dramatiq's stub broker: what a message carries, the worker's
idempotent skip, retries only for faults of the infrastructure, the events on the wire, the
store's atomic writes and the bundles it holds. Grading itself is replaced by a function that
records a result as the pipeline would (the Docker test grades for real)."""

from __future__ import annotations

import functools
import hashlib
import io
import json
import tarfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dramatiq
import pytest
from dramatiq.brokers.stub import StubBroker

from grader.core.errors import EngineUnavailable, InfrastructureFault
from grader.core.events import Event, StageFinished, StageStarted, SubmissionGraded
from grader.core.result import StageStatus, Status, SubmissionInfo
from grader.distributed.broker import (
    MAX_RETRIES,
    QUEUE,
    current_retries,
    declare_actor,
    is_retried,
    prepare,
    send_job,
)
from grader.distributed.bundles import pack_folder, pack_task, unpack_folder
from grader.distributed.event_codec import JobAbandoned, WireEvent, decode_event, encode_event
from grader.distributed.job import JobMessage, job_key, time_limit_s, worker_run_id
from grader.distributed.store import SNAPSHOTS, Store, result_key, task_key
from grader.distributed.worker import WorkerContext, handle_job
from grader.pipeline import (
    GradeSettings,
    GradingPlan,
    Submission,
    assemble_result,
    now,
    plan_grading,
)
from grader.runs.results_store import write_result
from grader.runs.run_record import RESULT_FILE, read_result
from grader.runs.task_files import TaskLocation, load_task

REPO = Path(__file__).resolve().parents[2]
TASK = load_task("notes-api", TaskLocation.find(REPO / "tasks"))


class FakeGrading:
    """Stands in for `grade_submission`: emits two stage events and writes a result with the
    status it is told, as the pipeline does; counts its calls."""

    def __init__(self, status: Status = Status.GRADED, busy_s: float = 0.0) -> None:
        self.status = status
        self.busy_s = busy_s  # how long it grades
        self.calls: list[str] = []

    def __call__(
        self,
        submission: Submission,
        plan: GradingPlan,
        settings: GradeSettings,
        client: Any,
        emit: Callable[[Event], None],
    ) -> Any:
        self.calls.append(settings.run_id)
        assert Path(submission.source).is_file()  # the snapshot, fetched from the store
        emit(StageStarted(submission.id, "intake"))
        emit(StageFinished(submission.id, "intake", StageStatus.OK, 0.1, "unpacked"))
        deadline = time.monotonic() + self.busy_s
        while time.monotonic() < deadline:  # in small steps: a time limit interrupts between
            time.sleep(0.05)
        emit(StageStarted(submission.id, "build"))
        emit(StageFinished(submission.id, "build", StageStatus.OK, 1.5, "built"))
        info = SubmissionInfo(
            submission.id, submission.source, "ab" * 32, f"{submission.id}.tar.gz"
        )
        result = assemble_result(plan, info, self.status, "told to", plan.all_planned(), (), now())
        path = write_result(settings.run_dir / submission.id, result)
        emit(SubmissionGraded(submission.id, result, str(path)))
        return result


@pytest.fixture
def broker() -> Iterator[StubBroker]:
    stub = StubBroker()
    prepare(stub)
    stub.emit_after("process_boot")
    yield stub
    stub.close()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store((tmp_path / "store").as_uri())


def a_job(store: Store, submission: str = "alice", snapshot: bytes = b"the snapshot") -> JobMessage:
    digest = store.put_by_hash(SNAPSHOTS, snapshot)
    if not store.exists(task_key(TASK.sha256)):
        store.put(task_key(TASK.sha256), pack_task(TASK))
    return JobMessage(
        run_id="run-1",
        submission_id=submission,
        origin=f"subs/{submission}.zip",
        snapshot_sha256=digest,
        task_id=TASK.id,
        task_sha256=TASK.sha256,
        suites=_plan().suite_ids(),
        time_limit_s=time_limit_s(TASK.spec.runtime),
    )


class Harness:
    """A worker's context on the stub broker, its published events kept in a list."""

    def __init__(self, broker: StubBroker, store: Store, tmp_path: Path, grade: Any) -> None:
        self.broker = broker
        self.published: list[tuple[str, WireEvent]] = []
        self.removed: list[str] = []
        self.context = WorkerContext(
            name="box-1",
            store=store,
            client=object(),
            publish=lambda run, event: self.published.append((run, event)),
            scratch=tmp_path,
            grade=grade,
            remove=lambda client, run: self.removed.append(run),
            require_image=lambda client, image: None,
        )
        self.context.plans[(TASK.sha256, _plan().suite_ids())] = _plan()  # planned once
        declare_actor(broker, self.handle, min_backoff_ms=10)

    def handle(self, payload: dict[str, Any]) -> None:
        handle_job(self.context, payload, current_retries())

    def run(self, *jobs: JobMessage) -> None:
        for job in jobs:
            send_job(self.broker, job)
        worker = dramatiq.Worker(self.broker, worker_threads=1)
        worker.start()
        try:
            self.broker.join(QUEUE, fail_fast=False, timeout=30_000)
            worker.join()
        finally:
            worker.stop()

    def kinds(self) -> list[str]:
        return [type(event).__name__ for _, event in self.published]


def test_a_message_carries_ids_hashes_and_limits_never_the_source(
    broker: StubBroker, store: Store
) -> None:
    job = a_job(store, snapshot=b"print('the candidate code')")
    send_job(broker, job)

    [message] = broker.queues[QUEUE].queue
    decoded = dramatiq.Message.decode(message)
    [payload] = decoded.args
    assert set(payload) == {
        "run_id", "submission_id", "origin", "snapshot_sha256", "task_id", "task_sha256",
        "suites", "time_limit_s",
    }  # fmt: skip
    assert payload["snapshot_sha256"] == hashlib.sha256(b"print('the candidate code')").hexdigest()
    assert b"the candidate code" not in message
    assert decoded.options["time_limit"] == int(
        (TASK.spec.runtime.submission_budget_s + 120) * 1000
    )
    assert JobMessage.model_validate(payload) == job


def test_a_message_is_validated_on_arrival(store: Store) -> None:
    payload = a_job(store).to_dict()
    for broken in (
        {**payload, "snapshot_sha256": "../../etc/passwd"},
        {**payload, "submission_id": "../x"},
        {**payload, "source_code": "print(1)"},
    ):
        with pytest.raises(ValueError, match="validation error"):
            JobMessage.model_validate(broken)


def test_the_job_key_is_the_snapshot_and_task_hashes_and_the_selection() -> None:
    key = job_key("a" * 64, "b" * 64, ("public",))
    assert key == job_key("a" * 64, "b" * 64, ("public",))
    assert len({key, job_key("c" * 64, "b" * 64, ("public",)),
                job_key("a" * 64, "c" * 64, ("public",)),
                job_key("a" * 64, "b" * 64, ("public", "hidden"))}) == 4  # fmt: skip
    assert worker_run_id("box-1", key).startswith("wk-box_1-")


def test_a_worker_grades_a_job_stores_its_result_and_publishes_its_events(
    broker: StubBroker, store: Store, tmp_path: Path
) -> None:
    grading = FakeGrading()
    harness = Harness(broker, store, tmp_path / "scratch", grading)
    job = a_job(store)

    harness.run(job)

    assert harness.kinds() == ["StageStarted", "StageFinished", "SubmissionGraded"]
    stages = [getattr(event, "stage", "") for _, event in harness.published]
    assert stages[:2] == ["build", "build"], "the worker's intake is not shown a second time"
    assert {run for run, _ in harness.published} == {"run-1"}
    stored = unpack_folder(store.get(result_key("run-1", "alice", job.key)), tmp_path / "got")
    result = read_result(stored / RESULT_FILE)
    assert result.status is Status.GRADED
    assert result.submission.source == "subs/alice.zip"  # where the run began, not the worker
    assert grading.calls == [worker_run_id("box-1", job.key)]
    assert harness.removed == grading.calls  # what the job made on the engine goes with it


def test_a_redelivered_job_with_a_stored_result_is_not_graded_again(
    broker: StubBroker, store: Store, tmp_path: Path
) -> None:
    grading = FakeGrading()
    harness = Harness(broker, store, tmp_path / "scratch", grading)
    job = a_job(store)
    harness.run(job)
    first = store.get(result_key("run-1", "alice", job.key))

    harness.run(job, job)

    assert len(grading.calls) == 1
    assert harness.kinds().count("SubmissionGraded") == 3  # announced each time, graded once
    assert store.get(result_key("run-1", "alice", job.key)) == first


def test_a_candidate_failure_is_a_result_and_is_not_retried(
    broker: StubBroker, store: Store, tmp_path: Path
) -> None:
    grading = FakeGrading(Status.BUILD_FAILED)
    harness = Harness(broker, store, tmp_path / "scratch", grading)
    job = a_job(store)

    harness.run(job)

    assert len(grading.calls) == 1
    stored = unpack_folder(store.get(result_key("run-1", "alice", job.key)), tmp_path / "got")
    assert read_result(stored / RESULT_FILE).status is Status.BUILD_FAILED


def test_a_harness_error_is_retried_then_kept_as_the_result(
    broker: StubBroker, store: Store, tmp_path: Path
) -> None:
    grading = FakeGrading(Status.HARNESS_ERROR)
    harness = Harness(broker, store, tmp_path / "scratch", grading)
    job = a_job(store)

    harness.run(job)

    assert len(grading.calls) == MAX_RETRIES + 1
    stored = unpack_folder(store.get(result_key("run-1", "alice", job.key)), tmp_path / "got")
    assert read_result(stored / RESULT_FILE).status is Status.HARNESS_ERROR
    assert harness.kinds()[-1] == "SubmissionGraded"


def test_a_job_past_its_time_limit_is_a_fault_of_the_grader_retried_then_kept(
    broker: StubBroker, store: Store, tmp_path: Path
) -> None:
    grading = FakeGrading(busy_s=30)
    harness = Harness(broker, store, tmp_path / "scratch", grading)
    job = a_job(store).model_copy(update={"time_limit_s": 0.5})

    harness.run(job)

    assert len(grading.calls) == MAX_RETRIES + 1
    stored = unpack_folder(store.get(result_key("run-1", "alice", job.key)), tmp_path / "got")
    result = read_result(stored / RESULT_FILE)
    assert result.status is Status.HARNESS_ERROR
    assert result.message == (
        "the job took longer than its time limit of 0.5 s; the grader is at fault"
    )
    assert harness.removed == grading.calls, "each attempt's leftovers are removed"


def test_a_job_the_store_cannot_serve_is_retried_then_abandoned(
    broker: StubBroker, store: Store, tmp_path: Path
) -> None:
    grading = FakeGrading()
    harness = Harness(broker, store, tmp_path / "scratch", grading)
    job = a_job(store).model_copy(update={"snapshot_sha256": "0" * 64})  # not in the store

    harness.run(job)

    assert grading.calls == []
    [(_, abandoned)] = harness.published
    assert isinstance(abandoned, JobAbandoned)
    assert abandoned.submission == "alice"
    assert abandoned.reason == f"snapshot {'0' * 12} is not in the store"
    assert not store.exists(result_key("run-1", "alice", job.key))


def test_a_fault_of_the_worker_itself_is_announced_not_retried(
    broker: StubBroker, store: Store, tmp_path: Path
) -> None:
    grading = FakeGrading()
    harness = Harness(broker, store, tmp_path / "scratch", grading)

    def broken_engine(client: Any, image: str) -> None:
        grading.calls.append("asked for the image")
        raise RuntimeError("a bug")

    harness.context.require_image = broken_engine
    harness.run(a_job(store))

    assert grading.calls == ["asked for the image"]  # once: not retried
    [(_, abandoned)] = harness.published
    assert abandoned == JobAbandoned("alice", "the worker failed (RuntimeError: a bug)")


def test_only_faults_of_the_infrastructure_are_retried() -> None:
    assert is_retried(0, InfrastructureFault("the store is down"))
    assert is_retried(MAX_RETRIES - 1, EngineUnavailable("no engine"))
    assert not is_retried(MAX_RETRIES, InfrastructureFault("the store is down"))
    assert not is_retried(0, ValueError("a bug"))


def test_events_decode_into_the_events_a_local_run_emits() -> None:
    result = assemble_result(
        _plan(), SubmissionInfo("bob", "subs/bob"), Status.GRADED, "graded", (), (), now()
    )
    events: list[WireEvent] = [
        StageStarted("bob", "build"),
        StageFinished("bob", "build", StageStatus.FAILED, 2.25, "exit 1: \x1b[31mred"),
        SubmissionGraded("bob", result, "runs/r/results/bob/k.tar.gz"),
        JobAbandoned("bob", "the store is down"),
    ]
    for event in events:
        fields = encode_event(event)
        as_redis_gives_it = {k.encode(): v.encode() for k, v in fields.items()}
        assert decode_event(as_redis_gives_it) == event
    assert decode_event({b"event": b"{not json"}) is None
    assert decode_event({b"event": json.dumps({"kind": "stage_started"}).encode()}) is None
    assert decode_event({}) is None


def test_the_store_writes_atomically_and_checks_hashes(store: Store, tmp_path: Path) -> None:
    store.put("runs/r/x.tar.gz", b"one")
    store.put("runs/r/x.tar.gz", b"two")
    assert store.get("runs/r/x.tar.gz") == b"two"
    assert [p.name for p in (tmp_path / "store" / "runs" / "r").iterdir()] == ["x.tar.gz"]
    digest = store.put_by_hash(SNAPSHOTS, b"bytes")
    (tmp_path / "store" / SNAPSHOTS / f"{digest}.tar.gz").write_bytes(b"other bytes")
    with pytest.raises(InfrastructureFault, match="does not match"):
        store.get_by_hash(SNAPSHOTS, digest)
    with pytest.raises(ValueError, match="not a store key"):
        store.get("../outside")
    with pytest.raises(FileNotFoundError):
        store.get("runs/none")


def test_a_task_from_the_store_hashes_as_the_original(tmp_path: Path) -> None:
    root = unpack_folder(pack_task(TASK), tmp_path / "task")
    again = load_task(str(root / "tasks" / TASK.id), TaskLocation.find(root / "tasks"))
    assert again.sha256 == TASK.sha256
    assert not (root / "tasks" / TASK.id / "solutions").exists()
    assert pack_task(TASK) == pack_task(TASK)  # the same task, the same bytes


def test_a_bundle_with_a_member_outside_or_a_link_out_is_refused(tmp_path: Path) -> None:
    for name, link in (("../escape", None), ("bundle/link", "/etc/passwd")):
        raw = io.BytesIO()
        with tarfile.open(fileobj=raw, mode="w:gz") as bundle:
            info = tarfile.TarInfo(name)
            if link:
                info.type, info.linkname = tarfile.SYMTYPE, link
            bundle.addfile(info, io.BytesIO(b""))
        with pytest.raises((ValueError, tarfile.TarError)):
            unpack_folder(raw.getvalue(), tmp_path / "out")
        assert not (tmp_path / "out").exists()
    folder = tmp_path / "folder"
    (folder / "logs").mkdir(parents=True)
    (folder / "logs" / "build.log").write_text("built")
    assert (
        unpack_folder(pack_folder(folder), tmp_path / "copy") / "logs" / "build.log"
    ).read_text() == "built"


@functools.cache
def _plan() -> GradingPlan:
    return plan_grading(TASK)
