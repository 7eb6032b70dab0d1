"""The build cache outlives a run: a later build of the same submission reuses every layer,
while nothing labelled by either run is left on the engine."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Any

from grader.core.result import Result
from grader.pipeline import plan_grading
from grader.runs.batch import grade_batch
from grader.runs.task_files import TaskLocation, load_task
from tests.conftest import REPO, SOLUTIONS, labelled_leftovers


def graded(copy: Path, out: Path, run_id: str, client: Any) -> Result:
    task = load_task("notes-api", TaskLocation.find(REPO / "tasks"))
    outcome = grade_batch(
        [str(copy)], plan_grading(task, ("public",)), out, run_id=run_id, client=client
    )
    (result,) = outcome.results
    return result


def build_stage(result: Result) -> float:
    return next(stage.duration_s for stage in result.stages if stage.name == "build")


def test_a_later_build_of_the_same_submission_comes_from_the_build_cache(
    docker_client: Any, tmp_path: Path
) -> None:
    copy = tmp_path / "fresh"
    shutil.copytree(SOLUTIONS / "reference", copy)
    with (copy / "requirements.txt").open("a") as requirements:
        requirements.write(f"# {uuid.uuid4().hex}\n")  # dependencies no earlier build had
    out = tmp_path / "results"
    run_ids = [f"cache-first-{uuid.uuid4().hex[:6]}", f"cache-later-{uuid.uuid4().hex[:6]}"]

    first = graded(copy, out, run_ids[0], docker_client)
    later = graded(copy, out, run_ids[1], docker_client)

    first_log = (out / run_ids[0] / "fresh" / first.logs["build"]).read_text()
    later_log = (out / run_ids[1] / "fresh" / later.logs["build"]).read_text()
    assert "Successfully installed" in first_log, "the first build installed the dependencies"
    assert "Successfully installed" not in later_log
    steps = later_log.count("\nStep ") + later_log.startswith("Step ")
    run_labels = 2  # the LABEL steps of the run and of the submission are new in each run
    assert later_log.count("Using cache") == steps - 1 - run_labels, later_log  # all but FROM
    assert first.score is not None
    assert later.score is not None
    assert later.score.points == first.score.points
    for run_id in run_ids:
        assert labelled_leftovers(docker_client, run_id) == {
            "containers": [], "networks": [], "volumes": [], "images": [],
        }  # fmt: skip
