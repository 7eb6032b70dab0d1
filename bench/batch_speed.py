"""Benchmark: grading a batch three ways, on warm caches, and the harness's own overhead.

    python bench/batch_speed.py [--copies 12] [--jobs 2] [--task library-api]

Makes N copies of the task's reference solution (each with a small difference, so each is a
distinct submission), warms the build cache once, then grades them:

1. naively, as a team would script it: `docker build`, `docker run -p` (with the task's
   environment, and a folder of its own for the data folder), a fixed sleep, `pytest` on the
   reference tests (naming the container, so that the persistence tests restart it as under
   the grader instead of being skipped), `docker rm` and `docker rmi --no-prune` (keeping its
   build cache, as the grader does), one after the other;
2. `grader grade --jobs 1`;
3. `grader grade --jobs N`.

The grader runs the same reference suites as the naive way (not the fuzz and engineering
stages, which the naive way has no counterpart for), and both ways' passed tests are printed,
so that the comparison is of the same work. It prints the wall time of each way, per
submission and in total, the ratios to the naive way, and the grader's own overhead: its wall
time minus what went to docker build, container start, waiting for the app to be ready, and
the tests' own time (the app answering). Then it times the build of one submission whose
dependencies no earlier build had (first build: pip downloads and installs them) and of the
same submission again in a later run (every layer from the build cache).
Everything it starts binds to 127.0.0.1 or lives on Docker networks the grader creates.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from grader.core.task import Task
from grader.runs.task_files import TaskLocation, load_task

REPO = Path(__file__).resolve().parent.parent
NAIVE_SLEEP_S = 3.0
DOCKERFILE = """FROM python:3.11-slim
WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt gunicorn
COPY . .
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "2", "notes:create_app()"]
"""


def make_copies(task: str, count: int, folder: Path) -> list[Path]:
    reference = REPO / "tasks" / task / "solutions" / "reference"
    copies = []
    for index in range(count):
        copy = folder / f"candidate-{index:02d}"
        shutil.copytree(reference, copy, ignore=shutil.ignore_patterns("__pycache__"))
        if not (copy / "Dockerfile").exists():
            (copy / "Dockerfile").write_text(DOCKERFILE)
        (copy / "CANDIDATE.txt").write_text(f"candidate {index}\n")  # a distinct submission
        copies.append(copy)
    return copies


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run(command: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False, cwd=cwd)


def grade_naively(task: Task, copies: list[Path], folder: Path) -> tuple[float, int]:
    """Wall seconds, and the tests passed over all copies."""
    runtime = task.spec.runtime
    suites = [str(task.suite_dir(suite)) for suite in task.spec.suites]
    options = [f"--env={key}={value}" for key, value in runtime.env.items()]
    passed = 0
    started = time.monotonic()
    for index, copy in enumerate(copies):
        tag = f"bench-naive-{index}"
        port = free_port()
        data = []
        if runtime.data_dir:
            data.append(f"--volume={_data_folder(folder / tag)}:{runtime.data_dir}")
        run(["docker", "build", "-q", "-t", tag, str(copy)])
        run(["docker", "run", "-d", "--name", tag, "-p", f"127.0.0.1:{port}:{runtime.port}",
             *options, *data, tag])  # fmt: skip
        time.sleep(NAIVE_SLEEP_S)
        tests = run([sys.executable, "-m", "pytest", *suites, "-q", "-p", "no:cacheprovider",
                     "--base-url", f"http://127.0.0.1:{port}", "--grader-container", tag],
                    cwd=task.tests_root)  # fmt: skip
        passed += _passed(tests.stdout)
        run(["docker", "rm", "-f", tag])
        run(["docker", "rmi", "--no-prune", tag])
    return time.monotonic() - started, passed


def _data_folder(path: Path) -> Path:
    path.mkdir(parents=True)
    path.chmod(0o777)  # the image's user, whoever it is, writes there
    return path


def _passed(pytest_output: str) -> int:
    found = re.search(r"(\d+) passed", pytest_output)
    return int(found.group(1)) if found else 0


def grade_with_grader(
    task: Task,
    copies: list[Path],
    jobs: int,
    out: Path,
    build_jobs: int | None = None,
    run_id: str = "",
) -> tuple[float, Path]:
    run_id = run_id or f"bench-jobs-{jobs}"
    limit = ["--build-jobs", str(build_jobs)] if build_jobs else []
    suites = [f"--suite={suite.id}" for suite in task.spec.suites]
    started = time.monotonic()
    done = run([sys.executable, "-m", "grader", "grade", *map(str, copies), "--task", task.id,
                *suites, "--jobs", str(jobs), *limit, "--out", str(out), "--run-id", run_id],
               cwd=REPO)  # fmt: skip
    wall = time.monotonic() - started
    if done.returncode != 0:
        sys.exit(f"grader failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return wall, out / run_id


def time_in_the_app(run_dir: Path) -> tuple[float, int, int]:
    """Seconds in build, start, readiness and the tests' own time; how many graded; passed."""
    seconds, graded, passed = 0.0, 0, 0
    for path in run_dir.glob("*/result.json"):
        result = json.loads(path.read_text())
        graded += result["status"] == "graded"
        for stage in result["stages"]:
            if stage["name"] in ("build", "run", "probe"):
                seconds += stage["duration_s"]
        seconds += sum(test["duration_s"] for test in result["tests"])
        passed += sum(test["outcome"] == "passed" for test in result["tests"])
    return seconds, graded, passed


def build_seconds(run_dir: Path) -> float:
    (path,) = run_dir.glob("*/result.json")
    stages = json.loads(path.read_text())["stages"]
    return float(next(stage["duration_s"] for stage in stages if stage["name"] == "build"))


def time_first_and_later_build(task: Task, folder: Path) -> tuple[float, float]:
    """One submission with dependencies no build had before, graded in two runs."""
    (copy,) = make_copies(task.id, 1, folder / "fresh")
    requirements = copy / "requirements.txt"
    with requirements.open("a") as extra:  # new content: its dependency layers are new too
        extra.write(f"# bench {uuid.uuid4().hex}\n")
    _, first = grade_with_grader(task, [copy], 1, folder / "results", run_id="bench-first")
    _, later = grade_with_grader(task, [copy], 1, folder / "results", run_id="bench-later")
    return build_seconds(first), build_seconds(later)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=12)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--build-jobs", type=int, default=None, help="for the --jobs N run")
    parser.add_argument("--task", default="library-api")
    options = parser.parse_args()
    task = load_task(options.task, TaskLocation.find(REPO / "tasks"))

    with tempfile.TemporaryDirectory(prefix="grader-bench-") as scratch:
        folder = Path(scratch)
        copies = make_copies(options.task, options.copies, folder / "subs")
        # warm the caches every way shares: the dependency layers and the reference tests
        run(["docker", "build", "-q", "-t", "bench-warm", str(copies[0])])
        run(["docker", "rmi", "--no-prune", "bench-warm"])

        naive, naive_passed = grade_naively(task, copies, folder / "naive-data")
        one, one_dir = grade_with_grader(task, copies, 1, folder / "results")
        many, many_dir = grade_with_grader(
            task, copies, options.jobs, folder / "results", options.build_jobs
        )
        in_app, graded, one_passed = time_in_the_app(one_dir)
        _, graded_many, many_passed = time_in_the_app(many_dir)
        first_build, later_build = time_first_and_later_build(task, folder)

    count = len(copies)
    print(f"machine: {platform.machine()}, {_cores()} cores, Python {platform.python_version()}")
    print(f"batch: {count} copies of {options.task}'s reference solution, warm build cache")
    print(
        f"graded: {graded}/{count} with --jobs 1, {graded_many}/{count} with --jobs {options.jobs}"
    )
    print(
        f"tests passed, over all copies: naive {naive_passed}, --jobs 1 {one_passed}, "
        f"--jobs {options.jobs} {many_passed}"
    )
    print()
    print(f"{'way':<28}{'total s':>10}{'per sub s':>12}{'vs naive':>10}")
    for name, wall in (("naive script", naive), ("grader --jobs 1", one),
                       (f"grader --jobs {options.jobs}", many)):  # fmt: skip
        print(f"{name:<28}{wall:>10.1f}{wall / count:>12.2f}{naive / wall:>9.2f}x")
    overhead = one - in_app
    print()
    print(f"grader --jobs 1 overhead (wall minus build, start, readiness and the tests' own "
          f"time): {overhead:.1f} s of {one:.1f} s = {100 * overhead / one:.1f} %")  # fmt: skip
    print()
    print(f"build of one submission: first (new dependencies) {first_build:.1f} s, "
          f"later (same submission, next run) {later_build:.1f} s")  # fmt: skip


def _cores() -> int:
    return os.cpu_count() or 0


if __name__ == "__main__":
    main()
