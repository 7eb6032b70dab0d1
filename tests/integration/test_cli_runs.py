"""The `grader` command on real runs: exit codes, Ctrl-C, a killed run and `grader clean`."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from grader.sandbox.engine import LABEL_OWNER, labels_for
from tests.conftest import SCENARIOS, SOLUTIONS, labelled_leftovers

NOTHING = {"containers": [], "networks": [], "volumes": [], "images": []}


def start_grading(run_id: str, source: Path, out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "grader", "grade", str(source), "--task", "notes-api",
         "--out", str(out), "--run-id", run_id],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )  # fmt: skip


def wait_for_line(process: subprocess.Popen[str], needle: str, timeout_s: float) -> list[str]:
    seen: list[str] = []
    deadline = time.monotonic() + timeout_s
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if needle in line:
            return seen
    raise AssertionError(f"{needle!r} not seen in: {''.join(seen)}")


def test_doctor_is_happy(docker_client: Any) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "grader", "doctor"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout
    assert "ok  docker engine" in done.stdout
    assert "ok  own-tests kit: pytest and coverage.py at " in done.stdout


def test_a_submission_that_cannot_be_graded_exits_3(docker_client: Any, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "grader", "grade", str(SCENARIOS / "build_fails"), "--task",
         "notes-api", "--out", str(tmp_path), "--run-id", "exit-code"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 3, done.stdout + done.stderr
    assert "build_failed" in done.stdout
    assert (tmp_path / "exit-code" / "build_fails" / "result.json").is_file()


def test_fail_under_sets_exit_1(docker_client: Any, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "grader", "grade", str(SOLUTIONS / "no-validation"), "--task",
         "notes-api", "--out", str(tmp_path), "--run-id", "threshold", "--fail-under", "80"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert "70.0 %" in done.stdout


def test_ctrl_c_removes_everything_and_writes_no_result(docker_client: Any, tmp_path: Path) -> None:
    process = start_grading("interrupted", SOLUTIONS / "reference", tmp_path)
    try:
        wait_for_line(process, "run ok", timeout_s=300)
        os.killpg(process.pid, signal.SIGINT)
        output, _ = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 130, output
    assert "stopping: removing what this run made on the engine" in output
    # Ctrl-C reaches the whole process group: a suite's pytest may stop first, and its worker
    # then removes the app itself, so the sweep's own count is 0 or 1; the engine must be empty.
    assert re.search(r"stopped: removed [01] container\(s\)", output), output
    assert "0 of 1 submission(s) have a result" in output
    resume = f"continue with: grader grade --task notes-api --run-id interrupted --out {tmp_path}"
    assert f"{resume} --resume" in output
    assert labelled_leftovers(docker_client, "interrupted") == NOTHING
    assert not (tmp_path / "interrupted" / "reference" / "result.json").exists()


def test_clean_removes_what_a_killed_run_left(docker_client: Any, tmp_path: Path) -> None:
    process = start_grading("killed", SOLUTIONS / "reference", tmp_path)
    try:
        wait_for_line(process, "run ok", timeout_s=300)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        assert process.stdout is not None
        process.stdout.close()
    left = labelled_leftovers(docker_client, "killed")
    assert left["containers"], "a SIGKILLed run leaves its container, which clean must remove"
    # and a leftover of a different kind, made by hand with the harness's labels
    owner = f"{socket.gethostname()}/{process.pid}"  # the killed grader's, as its run left it
    labels = {**labels_for("killed", "x"), LABEL_OWNER: owner}
    docker_client.volumes.create("grader-killed-volume", labels=labels)
    done = subprocess.run(
        [sys.executable, "-m", "grader", "clean", "--run", "killed"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # two images: the run's LABEL layers (the final one, tagged, and the one beneath it with
    # the run's label); the layers under them stay as the build cache
    assert "removed 1 container(s), 1 network(s), 1 volume(s), 2 image(s), 1 firewall rule(s)" in (
        done.stdout
    )
    assert labelled_leftovers(docker_client, "killed") == NOTHING
    rules = subprocess.run(["iptables", "-S", "INPUT"], capture_output=True, text=True).stdout
    assert "grader:killed" not in rules


def test_clean_removes_what_a_run_killed_mid_build_left(docker_client: Any, tmp_path: Path) -> None:
    """Killed while a build runs: the build's network, its firewall rules (INPUT and
    DOCKER-USER) and its cgroup are left; `grader clean --run` removes them all."""
    slow = tmp_path / "slow_build"
    slow.mkdir()
    (slow / "Dockerfile").write_text("FROM python:3.11-slim\nRUN sleep 40\n")
    process = start_grading("killedbuild", slow, tmp_path)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not docker_client.networks.list(
            names=["grader-killedbuild-slow_build-build"]
        ):
            time.sleep(0.2)
        time.sleep(2)  # the step's container has started under the build's cgroup
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        assert process.stdout is not None
        process.stdout.close()
    assert labelled_leftovers(docker_client, "killedbuild")["networks"], "the build network"
    rules = subprocess.run(["iptables", "-S"], capture_output=True, text=True).stdout
    assert "grader:killedbuild" in rules

    for _ in range(30):  # the engine ends the cancelled step; its cgroup can go after that
        done = subprocess.run(
            [sys.executable, "-m", "grader", "clean", "--run", "killedbuild"],
            capture_output=True, text=True,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        if not list(Path("/sys/fs/cgroup/pids").glob("grader-build-killedbuild-*")):
            break
        time.sleep(1)

    assert labelled_leftovers(docker_client, "killedbuild") == NOTHING
    rules = subprocess.run(["iptables", "-S"], capture_output=True, text=True).stdout
    assert "grader:killedbuild" not in rules
    assert not list(Path("/sys/fs/cgroup/pids").glob("grader-build-killedbuild-*"))
