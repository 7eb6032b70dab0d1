"""A distributed run on one machine, for real: a redis-server, two `grader worker`s each owning
its engine (the second on a `dockerd` of its own, with its own socket and data root), six
notes-api submissions graded by `grader grade --broker --store`, and the second worker killed
with SIGKILL while it grades.

Every submission gets exactly one result with the score its solution always gets, the killed
worker's job is graded by a worker again after the heartbeat timeout, `grader attach`,
`--resume` and `grader regrade` work on the run as on a local one, the restarted worker
removes what its killed predecessor left on its engine, nothing labelled with a job of the
run is left on either engine (the build-cache layer every build shares stays, as after any
run), and the run ends within a bound: the batch shared by two workers, plus the heartbeat
timeout and one more grading for the job that was lost.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import docker
from grader.core.result import Status
from grader.distributed.job import worker_prefix
from grader.runs.run_record import RESULT_FILE, read_result
from grader.sandbox.engine import LABEL_MANAGED, LABEL_OWNER, LABEL_RUN
from tests.conftest import SOLUTIONS, _unavailable, free_port, labelled_leftovers
from tests.own_dockerd import own_dockerd, wait_until

HEARTBEAT_S = 5
COPIES = 3  # of each notes-api solution: six submissions
NOTHING = {"containers": [], "networks": [], "volumes": [], "images": []}
MANAGED = {"label": [f"{LABEL_MANAGED}=true"]}


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        _unavailable("no redis-server; run `make redis` (docker/ensure-redis.sh)")
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_until(lambda: _answers(port), 10, "redis-server did not answer")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


SECOND_BRIDGE = "grader-test-br2"  # the second engine's default bridge (15 characters at most)


@pytest.fixture(scope="module")
def second_engine(docker_client: Any) -> Iterator[str]:
    """A dockerd of this test's own (its socket, data root and address pool), with the base
    image copied in from the first engine; its DOCKER_HOST."""
    if shutil.which("dockerd") is None or os.geteuid() != 0:
        _unavailable("a second engine needs root and dockerd")
    with own_dockerd(docker_client, SECOND_BRIDGE, "10.214.0.1/24", "10.213.0.0/16") as engine:
        yield engine.socket_host


def start_worker(
    name: str, redis_url: str, store: str, logs: Path, engine: str | None
) -> subprocess.Popen[bytes]:
    env = {**os.environ, **({"DOCKER_HOST": engine} if engine else {})}
    if engine is None:
        env.pop("DOCKER_HOST", None)
    with (logs / f"{name}.log").open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "grader", "worker", "--broker", redis_url, "--store", store,
             "--name", name, "--jobs", "1", "--heartbeat-timeout", str(HEARTBEAT_S)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )  # fmt: skip


def test_a_batch_survives_a_killed_worker(
    docker_client: Any, second_engine: str, redis_url: str, tmp_path: Path
) -> None:
    tag = secrets.token_hex(3)
    first, second = f"dist-test-a-{tag}", f"dist-test-b-{tag}"
    store = (tmp_path / "store").as_uri()
    logs = tmp_path / "logs"
    logs.mkdir()
    sources = []
    for solution in ("reference", "no-validation"):
        for copy in range(COPIES):
            sources.append(shutil.copytree(SOLUTIONS / solution, tmp_path / f"{solution}-{copy}"))
    engine_b = docker.DockerClient(base_url=second_engine)
    workers = {
        first: start_worker(first, redis_url, store, logs, None),
        second: start_worker(second, redis_url, store, logs, second_engine),
    }
    run_id = f"w-dist-test-{tag}"
    started = time.monotonic()
    grade_log = (logs / "grade.log").open("wb")
    grading = subprocess.Popen(
        [sys.executable, "-m", "grader", "grade", *map(str, sources), "--task", "notes-api",
         "--broker", redis_url, "--store", store, "--out", str(tmp_path / "results"),
         "--run-id", run_id, "--fail-under", "80"],
        stdout=grade_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        # the second worker is mid-grading once its engine runs an app of one of its jobs
        wait_until(
            lambda: _labelled_containers(engine_b), 180, "the second worker never ran an app"
        )
        workers[second].send_signal(signal.SIGKILL)
        workers[second].wait(timeout=10)
        killed_at = time.monotonic()
        assert labelled_leftovers(engine_b) != NOTHING  # what the killed job had made stays
        workers[second] = start_worker(second, redis_url, store, logs, second_engine)
        returncode = grading.wait(timeout=240)
        finished = time.monotonic()
        wall_s = finished - started
        # the same run followed again from another folder, and resumed: nothing is graded again
        attached = _grader("attach", run_id, "--broker", redis_url, "--store", store,
                           "--out", str(tmp_path / "attached"), "--fail-under", "80")  # fmt: skip
        resumed = _grader("grade", "--task", "notes-api", "--broker", redis_url,
                          "--store", store, "--out", str(tmp_path / "results"),
                          "--run-id", run_id, "--resume")  # fmt: skip
        regraded = _grader("regrade", str(tmp_path / "results" / run_id), "--broker", redis_url,
                           "--store", store)  # fmt: skip
    finally:
        for process in (grading, *workers.values()):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in workers.values():
            process.wait(timeout=60)
        grading.wait(timeout=30)
        grade_log.close()
    leftovers_b = labelled_leftovers(engine_b)
    runs_left_b = _runs_of(engine_b, second)
    cache_b = [i.labels for i in engine_b.images.list(all=True, filters=MANAGED)]
    engine_b.close()
    output = (logs / "grade.log").read_text(errors="replace")
    worker_logs = {name: (logs / f"{name}.log").read_text(errors="replace") for name in workers}

    assert returncode == 1, output  # every one graded; no-validation is below --fail-under 80
    run_dir = tmp_path / "results" / run_id
    results = {s.name: read_result(run_dir / s.name / RESULT_FILE) for s in sources}
    assert sorted(p.name for p in run_dir.iterdir() if p.is_dir()) == sorted(results)
    for name, result in results.items():
        assert result.status is Status.GRADED, (name, result.message)
        assert result.submission.source == str(tmp_path / name)
        assert result.score is not None
        lost = {c.id for c in result.score.categories if c.points < c.max_points}
        assert lost == (set() if name.startswith("reference") else {"validation"}), name
    percents = {name: r.score.percent for name, r in results.items() if r.score is not None}
    assert len({p for name, p in percents.items() if name.startswith("no-validation")}) == 1
    stored = tmp_path / "store" / "runs" / run_id / "results"
    assert sorted(p.name for p in stored.iterdir()) == sorted(results)
    assert all(len(list((stored / name).iterdir())) == 1 for name in results)  # one result each
    assert (run_dir / "index.html").is_file()
    assert (run_dir / "junit.xml").is_file()

    assert attached.returncode == 1, attached.stdout
    for name, result in results.items():
        again = read_result(tmp_path / "attached" / run_id / name / RESULT_FILE)
        assert again.to_dict() == result.to_dict()
    assert resumed.returncode == 0, resumed.stdout  # every result kept; no --fail-under
    assert "resuming 6 submission(s)" in resumed.stdout
    assert all(read_result(run_dir / n / RESULT_FILE) == r for n, r in results.items())
    assert regraded.returncode == 0, regraded.stdout + regraded.stderr
    [regrade_dir] = (tmp_path / "results").glob(f"{run_id}-regrade-*")
    for name, result in results.items():
        again = read_result(regrade_dir / name / RESULT_FILE)
        assert again.score == result.score, name  # graded again on the workers, the same score
    graded = [line for text in worker_logs.values() for line in text.splitlines()
              if line.endswith(": graded") and f" {run_id}/" in line]  # fmt: skip
    assert len(graded) == len(sources), graded  # the killed job's grading never finished

    assert "removed the leftovers of 1 job(s)" in worker_logs[second], worker_logs[second]
    assert "graded" in worker_logs[first]
    # nothing of a job on the second engine: only the build cache's layer that every build
    # shares (`io.grader.managed` and the owner that built it, no run), kept as on any engine
    # (`grader clean` takes it)
    assert {**leftovers_b, "images": []} == NOTHING
    assert runs_left_b == set()
    assert all(set(labels) <= {LABEL_MANAGED, LABEL_OWNER} for labels in cache_b), cache_b
    assert _runs_of(docker_client, first) == set()
    assert _runs_of(docker_client, second) == set()
    one_grading_s = max(sum(stage.duration_s for stage in r.stages) for r in results.values())
    bound_s = (len(sources) / 2 + 1) * one_grading_s + HEARTBEAT_S + 60
    assert wall_s < bound_s, (wall_s, bound_s, one_grading_s)
    after_kill_s = finished - killed_at
    print(f"wall {wall_s:.1f} s, bound {bound_s:.1f} s, one grading {one_grading_s:.1f} s, "
          f"after the kill {after_kill_s:.1f} s")  # fmt: skip


def _grader(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "grader", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _labelled_containers(client: Any) -> list[str]:
    return [c.name for c in client.containers.list(all=True, filters=MANAGED)]


def _runs_of(client: Any, worker: str) -> set[str]:
    """Run labels of a worker's jobs left on an engine shared with other runs."""
    things = [
        *client.containers.list(all=True, filters=MANAGED),
        *client.images.list(all=True, filters=MANAGED),
    ]
    runs = {(t.labels or {}).get(LABEL_RUN, "") for t in things}
    return {run for run in runs if run.startswith(worker_prefix(worker))}


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False
