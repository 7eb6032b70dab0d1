"""`grader regrade`: the same code, a new version of the tests, and what moved."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from grader.runs.run_record import read_result
from tests.conftest import REPO, SOLUTIONS, copy_tasks

NEW_HIDDEN_TEST = """
import pytest
from conftest import assert_error


@pytest.mark.criterion("validation.required")
def test_a_null_title_is_refused(client):
    assert_error(client.post("/notes", json={"title": None}), 422, "validation_error")
"""


def grader(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "grader", *arguments], capture_output=True, text=True, timeout=900
    )


def test_regrade_grades_the_snapshots_against_the_new_tests(
    docker_client: Any, tmp_path: Path
) -> None:
    location = copy_tasks(tmp_path)
    submissions = tmp_path / "subs"
    for name in ("reference", "no-validation"):
        shutil.copytree(SOLUTIONS / name, submissions / name)
    out = tmp_path / "results"
    first = grader("grade", str(submissions / "reference"), str(submissions / "no-validation"),
                   "--task", "notes-api", "--tasks-dir", str(location.tasks_dir),
                   "--out", str(out), "--run-id", "v1")  # fmt: skip
    assert first.returncode == 0, first.stdout + first.stderr
    snapshot = out / "v1" / "reference" / "reference.tar.gz"
    assert snapshot.is_file()

    shutil.rmtree(submissions)  # the originals are gone: only the snapshots remain
    toml = location.tasks_dir / "notes-api" / "task.toml"
    toml.write_text(toml.read_text().replace('version = "1.0.0"', 'version = "1.1.0"'))
    hidden = location.tests_dir / "notes-api" / "hidden" / "test_null_title.py"
    hidden.write_text(NEW_HIDDEN_TEST)

    done = grader("regrade", str(out / "v1"), "--tasks-dir", str(location.tasks_dir))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "regrading run v1 (task 1.0.0) against notes-api 1.1.0" in done.stdout
    moved = "hidden/test_null_title.py::test_a_null_title_is_refused"
    assert f"  reference: {moved}: absent -> passed" in done.stdout
    assert f"  no-validation: {moved}: absent -> failed" in done.stdout
    moves = [line for line in done.stdout.splitlines() if line.startswith("  ") and "::" in line]
    assert len(moves) == 2, done.stdout
    regraded = list(out.glob("v1-regrade-*"))
    assert len(regraded) == 1
    assert (regraded[0] / "reference" / "result.json").is_file()
    assert (regraded[0] / "index.html").is_file(), "a regrade writes its reports"
    assert f"report: {regraded[0] / 'index.html'}" in done.stdout


def test_a_regrade_plans_every_stage_the_run_graded(docker_client: Any, tmp_path: Path) -> None:
    """library-api has reference suites, the fuzz stage and the engineering stage: a regrade
    of its run grades them all again, so every category keeps its points."""
    variant = REPO / "tasks" / "library-api" / "solutions" / "no-etag"
    out = tmp_path / "results"
    first = grader("grade", str(variant), "--task", "library-api", "--out", str(out),
                   "--run-id", "all-stages")  # fmt: skip
    assert first.returncode == 0, first.stdout + first.stderr
    before = read_result(out / "all-stages" / "no-etag" / "result.json")
    assert {"fuzz", "engineering"} <= set(before.suites)

    done = grader("regrade", str(out / "all-stages"))

    assert done.returncode == 0, done.stdout + done.stderr
    (regraded,) = out.glob("all-stages-regrade-*")
    after = read_result(regraded / "no-etag" / "result.json")
    assert after.suites == before.suites
    assert before.score is not None
    assert after.score is not None
    assert {c.id: c.points for c in after.score.categories} == {
        c.id: c.points for c in before.score.categories
    }
