"""Benchmark: the same batch graded on this machine with `--jobs 2`, and by two `grader worker`s
(one slot each) on this machine through Redis and a `file://` store, in one run.

    python bench/distributed.py [--copies 12] [--task notes-api]

Makes N distinct copies of the task's reference solution, warms the build cache with one
grading, then grades the copies both ways and prints the wall time of each, their ratio (the
overhead of the queue and the store), the mean grading time of one submission (its stages
summed), and the unit costs a throughput model needs: enqueueing one message, publishing one
event, writing and reading one snapshot and one result bundle in the store, and the command's
collecting of one result (unpacking it into the run folder). It starts its own redis-server on
127.0.0.1 and stops it, and the two workers, by their pids.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from grader.core.events import StageFinished
from grader.core.result import StageStatus
from grader.distributed.broker import QUEUE, redis_broker, send_job
from grader.distributed.bundles import pack_folder, unpack_folder
from grader.distributed.events_stream import RunEvents
from grader.distributed.job import JobMessage
from grader.distributed.store import Store
from grader.runs.run_record import RESULT_FILE, read_result

REPO = Path(__file__).resolve().parent.parent
GRADER = [sys.executable, "-m", "grader"]


def make_copies(task: str, count: int, folder: Path) -> list[Path]:
    reference = REPO / "tasks" / task / "solutions" / "reference"
    copies = []
    for index in range(count):
        copy = folder / f"candidate-{index:02d}"
        shutil.copytree(reference, copy, ignore=shutil.ignore_patterns("__pycache__"))
        (copy / "CANDIDATE.txt").write_text(f"candidate {index}\n")  # a distinct submission
        copies.append(copy)
    return copies


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def grade(args: list[str], log: Path) -> float:
    started = time.monotonic()
    with log.open("wb") as out:
        done = subprocess.run([*GRADER, "grade", *args], stdout=out, stderr=subprocess.STDOUT)
    if done.returncode not in (0, 1):
        raise SystemExit(f"grader grade exited {done.returncode}; see {log}")
    return time.monotonic() - started


def grading_seconds(run_dir: Path) -> list[float]:
    seconds = []
    for folder in sorted(p for p in run_dir.iterdir() if (p / RESULT_FILE).is_file()):
        result = read_result(folder / RESULT_FILE)
        seconds.append(sum(stage.duration_s for stage in result.stages))
    return seconds


def unit_costs(redis_url: str, store_url: str, run_dir: Path, scratch: Path) -> dict[str, float]:
    """Milliseconds per message, per event, per store write and read, per collected result."""
    count = 500
    broker = redis_broker(redis_url)
    job = JobMessage(
        run_id="bench-units", submission_id="x", origin="x", snapshot_sha256="0" * 64,
        task_id="notes-api", task_sha256="0" * 64, suites=("public", "hidden"),
        time_limit_s=1020.0,
    )  # fmt: skip
    started = time.perf_counter()
    for _ in range(count):
        send_job(broker, job.model_copy(update={"run_id": "bench-units"}))
    enqueue_ms = (time.perf_counter() - started) * 1000 / count
    broker.client.delete(f"grader:{QUEUE}", f"grader:{QUEUE}.msgs")
    broker.close()
    events = RunEvents(redis_url)
    event = StageFinished("x", "build", StageStatus.OK, 1.0, "Dockerfile -> sha256:0123")
    started = time.perf_counter()
    for _ in range(count):
        events.publish("bench-units", event)
    event_ms = (time.perf_counter() - started) * 1000 / count
    events.client.delete("grader:run:bench-units:events")
    events.close()

    store = Store(store_url)
    folder = next(p for p in run_dir.iterdir() if (p / RESULT_FILE).is_file())
    result_bundle = pack_folder(folder)
    snapshot = (folder / f"{folder.name}.tar.gz").read_bytes()
    timings: dict[str, float] = {
        "enqueue_ms": enqueue_ms,
        "event_ms": event_ms,
        "snapshot_kb": len(snapshot) / 1024,
        "result_kb": len(result_bundle) / 1024,
    }
    rounds = 50
    started = time.perf_counter()
    for index in range(rounds):
        store.put(f"bench/{index}.tar.gz", result_bundle)
    timings["store_put_ms"] = (time.perf_counter() - started) * 1000 / rounds
    started = time.perf_counter()
    for index in range(rounds):
        store.get(f"bench/{index}.tar.gz")
    timings["store_get_ms"] = (time.perf_counter() - started) * 1000 / rounds
    started = time.perf_counter()
    for index in range(rounds):
        unpacked = unpack_folder(result_bundle, scratch / "collect" / str(index))
        read_result(unpacked / RESULT_FILE)
    timings["collect_ms"] = (time.perf_counter() - started) * 1000 / rounds
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=12)
    parser.add_argument("--task", default="notes-api")
    options = parser.parse_args()
    redis_server = shutil.which("redis-server")
    if redis_server is None:
        raise SystemExit("no redis-server: run `bash docker/ensure-redis.sh` first")
    tag = uuid.uuid4().hex[:6]
    with tempfile.TemporaryDirectory(prefix="grader-bench-dist-") as scratch_name:
        scratch = Path(scratch_name)
        copies = make_copies(options.task, options.copies, scratch / "subs")
        out = scratch / "results"
        task = ["--task", options.task, "--out", str(out)]
        warm = make_copies(options.task, 1, scratch / "warm")
        grade([*map(str, warm), *task, "--run-id", f"bench-warm-{tag}"], scratch / "warm.log")

        local_run = f"bench-local-{tag}"
        local_s = grade(
            [*map(str, copies), *task, "--jobs", "2", "--run-id", local_run], scratch / "local.log"
        )

        port = free_port()
        redis_url = f"redis://127.0.0.1:{port}/0"
        store_url = (scratch / "store").as_uri()
        redis = subprocess.Popen(
            [redis_server, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
             "--appendonly", "no", "--dir", str(scratch)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        workers: list[subprocess.Popen[bytes]] = []
        try:
            time.sleep(0.5)
            for index in (1, 2):
                log = (scratch / f"worker-{index}.log").open("wb")
                command = [*GRADER, "worker", "--broker", redis_url, "--store", store_url,
                           "--name", f"bench-{tag}-{index}", "--jobs", "1"]  # fmt: skip
                workers.append(subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT))
            time.sleep(3)
            distributed_run = f"bench-dist-{tag}"
            distributed_s = grade(
                [*map(str, copies), *task, "--broker", redis_url, "--store", store_url,
                 "--run-id", distributed_run],
                scratch / "distributed.log",
            )  # fmt: skip
            for process in workers:  # stopped first: the unit costs are measured alone
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=60)
            units = unit_costs(redis_url, store_url, out / distributed_run, scratch)
            events = subprocess.run(
                ["redis-cli", "-p", str(port), "xlen", f"grader:run:{distributed_run}:events"],
                capture_output=True,
                text=True,
            ).stdout.strip()
        finally:
            for process in workers:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
                    process.wait(timeout=60)
            redis.terminate()
            redis.wait(timeout=10)
        local = grading_seconds(out / local_run)
        distributed = grading_seconds(out / distributed_run)
        report = {
            "copies": options.copies,
            "task": options.task,
            "cpus": os.cpu_count(),
            "local_jobs2_wall_s": round(local_s, 1),
            "two_workers_wall_s": round(distributed_s, 1),
            "ratio_distributed_to_local": round(distributed_s / local_s, 3),
            "mean_grading_s_local": round(statistics.mean(local), 2),
            "mean_grading_s_distributed": round(statistics.mean(distributed), 2),
            "events_per_submission": round(int(events or 0) / options.copies, 1),
            **{name: round(value, 3) for name, value in units.items()},
        }
        print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
