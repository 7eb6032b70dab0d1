"""`grader grade --broker/--store`, `grader worker` and `grader attach` on bad input: a clear
message and the documented exit code, never a traceback. No Docker and no Redis needed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import SOLUTIONS, free_port


def grader(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "grader", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_broker_needs_a_store_and_the_options_of_a_local_run_are_refused() -> None:
    source = str(SOLUTIONS / "reference")
    for extra, message in (
        (["--broker", "redis://127.0.0.1:1/0"], "needs both --broker and --store"),
        (["--store", "file:///tmp/x"], "needs both --broker and --store"),
        (["--broker", "redis://127.0.0.1:1/0", "--store", "file:///tmp/x", "--jobs", "2"],
         "belong to each `grader worker`"),
    ):  # fmt: skip
        done = grader("grade", source, "--task", "notes-api", *extra)
        assert done.returncode == 2, done.stderr
        assert message in done.stderr
        assert "Traceback" not in done.stderr


def test_attach_needs_the_broker_and_the_store() -> None:
    done = grader("attach", "some-run")
    assert done.returncode == 2
    assert "give --broker and --store" in done.stderr


def test_a_broker_that_is_not_redis_is_named(tmp_path: Path) -> None:
    done = grader("grade", str(SOLUTIONS / "reference"), "--task", "notes-api",
                  "--broker", "amqp://host", "--store", tmp_path.as_uri(),
                  "--out", str(tmp_path / "results"))  # fmt: skip
    assert done.returncode == 4
    assert "--broker amqp://host: name a Redis server" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_broker_that_does_not_answer_is_named(tmp_path: Path) -> None:
    unused = f"redis://127.0.0.1:{free_port()}/0"
    done = grader("grade", str(SOLUTIONS / "reference"), "--task", "notes-api",
                  "--broker", unused, "--store", tmp_path.as_uri(),
                  "--out", str(tmp_path / "results"))  # fmt: skip
    assert done.returncode == 4
    assert f"no Redis answers at {unused}" in done.stderr
    assert "Traceback" not in done.stderr


def test_attach_to_a_run_the_store_does_not_have(tmp_path: Path) -> None:
    unused = f"redis://127.0.0.1:{free_port()}/0"
    done = grader("attach", "no-such-run", "--broker", unused, "--store", tmp_path.as_uri(),
                  "--out", str(tmp_path / "results"))  # fmt: skip
    assert done.returncode == 4
    assert "has no distributed run no-such-run" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_worker_without_a_broker_says_so() -> None:
    done = grader("worker", "--store", "file:///tmp/x")
    assert done.returncode == 2
    assert "--broker" in done.stderr
