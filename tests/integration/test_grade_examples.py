"""The bundled example, graded for real: build, run, probe, test, score, write."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from grader.core.result import Result, Status
from grader.pipeline import plan_grading
from grader.runs.batch import grade_batch
from grader.runs.task_files import TaskLocation, load_task
from tests.conftest import REPO, SOLUTIONS, labelled_leftovers

SCHEMA = json.loads((REPO / "grader" / "schema" / "result.schema.json").read_text())


def zipped(folder: Path, archive: Path) -> Path:
    with zipfile.ZipFile(archive, "w") as bundle:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                bundle.write(path, Path("reference-main") / path.relative_to(folder))
    return archive


@pytest.fixture(scope="module")
def graded(docker_client: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Result]:
    scratch = tmp_path_factory.mktemp("examples")
    own_dockerfile = scratch / "own-dockerfile"
    shutil.copytree(SOLUTIONS / "reference", own_dockerfile)
    (own_dockerfile / "Dockerfile").write_text(
        "FROM python:3.11-slim\nWORKDIR /srv\nCOPY requirements.txt .\n"
        "RUN pip install --no-cache-dir -r requirements.txt gunicorn\nCOPY . .\n"
        'CMD ["gunicorn", "--bind", "0.0.0.0:8000", "notes:create_app()"]\n'
    )
    sources = [
        str(SOLUTIONS / "reference"),
        str(SOLUTIONS / "no-validation"),
        str(zipped(SOLUTIONS / "reference", scratch / "reference-zip.zip")),
        str(own_dockerfile),
    ]
    task = load_task("notes-api", TaskLocation.find(REPO / "tasks"))
    outcome = grade_batch(
        sources,
        plan_grading(task),
        scratch / "results",
        jobs=2,
        run_id="examples",
        client=docker_client,
    )
    graded = {result.submission.id: result for result in outcome.results}
    graded["_run_dir"] = outcome.run_dir  # type: ignore[assignment]
    return graded


@pytest.mark.parametrize("name", ["reference", "reference-zip", "own-dockerfile"])
def test_a_correct_submission_scores_100(graded: dict[str, Result], name: str) -> None:
    result = graded[name]
    assert result.status is Status.GRADED, result.message
    assert result.score is not None
    assert result.score.percent == 100.0, [c.lost for c in result.score.categories]
    assert all(test.outcome.value == "passed" for test in result.tests)
    assert {t.suite for t in result.tests} == {"public", "hidden"}


def test_the_defect_costs_points_only_in_its_category(graded: dict[str, Result]) -> None:
    result = graded["no-validation"]
    assert result.status is Status.GRADED
    assert result.score is not None
    by_id = {category.id: category for category in result.score.categories}
    assert by_id["validation"].points == 0.0
    assert by_id["validation"].max_points == 30.0
    for other in ("crud", "errors", "security"):
        assert by_id[other].points == by_id[other].max_points, other
    assert result.score.percent == 70.0
    lost = [loss.describe() for c in by_id["validation"].criteria for loss in c.lost]
    assert any("expected 422, got 201" in reason for reason in lost), lost


def test_results_are_written_and_match_the_schema(graded: dict[str, Result]) -> None:
    run_dir: Path = graded["_run_dir"]  # type: ignore[assignment]
    for name in ("reference", "no-validation", "reference-zip", "own-dockerfile"):
        data = json.loads((run_dir / name / "result.json").read_text())
        jsonschema.validate(data, SCHEMA)
        assert data["submission"]["sha256"]
        assert [stage["name"] for stage in data["stages"]] == [
            "intake",
            "build",
            "run",
            "probe",
            "test:public",
            "test:hidden",
        ]
        for relative in data["logs"].values():
            assert (run_dir / name / relative).is_file()
    run = json.loads((run_dir / "run.json").read_text())
    assert run["task"]["id"] == "notes-api"


def test_the_same_content_has_the_same_hash(graded: dict[str, Result]) -> None:
    assert graded["reference"].submission.sha256 == graded["reference-zip"].submission.sha256


def test_a_normal_run_leaves_nothing_behind(graded: dict[str, Result], docker_client: Any) -> None:
    assert labelled_leftovers(docker_client, "examples") == {
        "containers": [],
        "networks": [],
        "volumes": [],
        "images": [],
    }
    rules = subprocess.run(["iptables", "-S", "INPUT"], capture_output=True, text=True).stdout
    assert "grader:examples" not in rules
