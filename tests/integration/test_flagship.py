"""The flagship task `library-api`: calibrated, and graded the same way every time."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from grader.core.result import Status
from grader.pipeline import plan_grading
from grader.runs.batch import grade_batch
from grader.runs.task_files import TaskLocation, load_task
from tests.conftest import REPO

REFERENCE = REPO / "tasks" / "library-api" / "solutions" / "reference"


def test_every_solution_loses_points_exactly_where_its_defect_is(
    docker_client: Any, tmp_path: Path
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "grader", "tasks", "validate", "library-api", "--jobs", "2",
         "--no-corpus", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=2400, cwd=REPO,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr
    assert "library-api: ok" in done.stdout
    assert "calibration: ok" in done.stdout


def test_the_reference_scores_the_same_five_times(docker_client: Any, tmp_path: Path) -> None:
    copies = []
    for index in range(5):
        copy = tmp_path / "subs" / f"reference-{index}"
        shutil.copytree(REFERENCE, copy, ignore=shutil.ignore_patterns("__pycache__"))
        copies.append(str(copy))
    task = load_task("library-api", TaskLocation.find(REPO / "tasks"))
    outcome = grade_batch(copies, plan_grading(task), tmp_path / "results", jobs=2,
                          client=docker_client)  # fmt: skip
    for result in outcome.results:
        assert result.status is Status.GRADED, result.message
        assert result.score is not None
        assert result.score.points == 100.0, [c.lost for c in result.score.categories]
    outcomes = {tuple((t.id, t.outcome) for t in result.tests) for result in outcome.results}
    assert len(outcomes) == 1, "the same tests passed every time"
