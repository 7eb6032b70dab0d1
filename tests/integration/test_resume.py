"""A batch killed with SIGKILL mid-run, resumed: one complete result each, nothing left over."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import SOLUTIONS, labelled_leftovers
from tests.integration.test_cli_runs import NOTHING, wait_for_line

RUN_ID = "resumed"


def grade_command(out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "grader", "grade", "--task", "notes-api", "--out", str(out),
            "--run-id", RUN_ID, "--jobs", "1", *extra]  # fmt: skip


def test_a_killed_batch_resumes_to_one_complete_result_each(
    docker_client: Any, tmp_path: Path
) -> None:
    copy = tmp_path / "third"
    shutil.copytree(SOLUTIONS / "reference", copy)
    sources = [str(SOLUTIONS / "reference"), str(SOLUTIONS / "no-validation"), str(copy)]
    out = tmp_path / "results"
    run_dir = out / RUN_ID

    process = subprocess.Popen(
        grade_command(out, *sources), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, start_new_session=True,
    )  # fmt: skip
    try:
        wait_for_line(process, "no-validation: run ok", timeout_s=300)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        assert process.stdout is not None
        process.stdout.close()

    first = run_dir / "reference" / "result.json"
    assert first.is_file(), "the submission graded before the kill kept its result"
    before = first.read_text()
    assert not (run_dir / "no-validation" / "result.json").exists()
    assert labelled_leftovers(docker_client, RUN_ID)["containers"], "the kill left a container"

    resumed = subprocess.run(
        grade_command(out, "--resume"), capture_output=True, text=True, timeout=600
    )
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "resuming 3 submission(s)" in resumed.stdout

    assert first.read_text() == before, "a complete result is reused, not graded again"
    expected = {"reference": 100.0, "no-validation": 70.0, "third": 100.0}
    for name, percent in expected.items():
        folder = run_dir / name
        assert [p.name for p in folder.glob("result*.json")] == ["result.json"]
        assert not [p for p in folder.iterdir() if p.name.startswith(".")], "no temporary files"
        data = json.loads((folder / "result.json").read_text())
        assert data["status"] == "graded"
        assert data["score"]["percent"] == percent
    assert labelled_leftovers(docker_client, RUN_ID) == NOTHING
    for chain in ("INPUT", "DOCKER-USER"):
        rules = subprocess.run(["iptables", "-S", chain], capture_output=True, text=True).stdout
        assert f"grader:{RUN_ID}" not in rules, chain
    assert not list(Path("/sys/fs/cgroup/pids").glob(f"grader-build-{RUN_ID}-*"))


def test_resume_refuses_a_changed_list_of_submissions(docker_client: Any, tmp_path: Path) -> None:
    out = tmp_path / "results"
    (out / RUN_ID).mkdir(parents=True)
    (out / RUN_ID / "run.json").write_text(
        json.dumps(
            {
                "format": 2,
                "run_id": RUN_ID,
                "suites": [],
                "submissions": [],
                "task": {"id": "notes-api", "version": "0.0.1", "sha256": "0" * 64},
            }
        )
    )
    done = subprocess.run(
        grade_command(out, "--resume", str(SOLUTIONS / "reference")),
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 4
    assert "the task or its suites changed since run resumed was started" in done.stderr


def test_a_run_folder_is_never_overwritten_without_resume(
    docker_client: Any, tmp_path: Path
) -> None:
    out = tmp_path / "results"
    (out / RUN_ID).mkdir(parents=True)
    (out / RUN_ID / "run.json").write_text("{}")
    done = subprocess.run(
        grade_command(out, str(SOLUTIONS / "reference")), capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 4
    assert "holds a run already; pass --resume to continue it" in done.stderr
