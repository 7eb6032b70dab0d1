"""The fuzz stage against real containers of the flagship task.

The reference passes it cleanly and within its budget; two runs send the same cases and see
the same outcomes; a planted 500 and an ignored login are each reported once, and the curl line
in the report reproduces each against a running copy of the variant.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from grader.core.result import Outcome, Result, result_from_dict
from grader.runs.task_files import TaskLocation, load_task
from grader.sandbox.container import AppContainer, container_state, start_app, stop_app
from grader.sandbox.engine import labels_for
from grader.stages.build.image import Built, build_image
from grader.stages.intake.take_in import IntakeLimits, SourceTree, take_in
from grader.stages.probe.probe import Ready, probe_until_ready
from tests.conftest import REPO

SOLUTIONS = REPO / "tasks" / "library-api" / "solutions"
TASK = load_task("library-api", TaskLocation.find(REPO / "tasks"))
ADMIN = {"email": "admin@library.test", "password": "library-admin-password"}
VARIANTS = ("reference", "patch-author-needs-name", "author-delete-without-login")


def grade_fuzz(out: Path, run_id: str, *names: str) -> dict[str, Result]:
    done = subprocess.run(
        [sys.executable, "-m", "grader", "grade", *(str(SOLUTIONS / n) for n in names),
         "--task", "library-api", "--suite", "fuzz", "--jobs", "2", "--out", str(out),
         "--run-id", run_id],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stdout + done.stderr
    return {
        name: result_from_dict(json.loads((out / run_id / name / "result.json").read_text()))
        for name in names
    }


def fuzz_log(out: Path, run_id: str, name: str) -> dict[str, Any]:
    return json.loads((out / run_id / name / "logs" / "fuzz.log").read_text())


@pytest.fixture(scope="module")
def graded(docker_client: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("fuzz")
    return out, {
        "first": grade_fuzz(out, "first", *VARIANTS),
        "again": grade_fuzz(out, "again", "reference"),
    }


def failed(result: Result) -> list[str]:
    return [t.id for t in result.tests if t.outcome is not Outcome.PASSED]


def test_the_reference_passes_cleanly_within_the_budget(graded: tuple[Path, dict]) -> None:
    result = graded[1]["first"]["reference"]
    assert result.suites == ("fuzz",)
    assert len(result.tests) == 42
    assert failed(result) == []
    stage = next(s for s in result.stages if s.name == "fuzz")
    assert stage.status.value == "ok", stage.detail
    assert "0 distinct bug(s), 0 distinct deviation(s)" in stage.detail
    assert TASK.spec.fuzz is not None
    assert 0 < stage.duration_s < TASK.spec.fuzz.budget_s


def test_two_runs_send_the_same_cases_and_see_the_same_outcomes(
    graded: tuple[Path, dict],
) -> None:
    out, results = graded
    first, again = fuzz_log(out, "first", "reference"), fuzz_log(out, "again", "reference")
    assert json.dumps(first["cases"]) == json.dumps(again["cases"])
    assert len(first["cases"]) > 300
    outcomes = [
        [(t.id, t.outcome, t.message) for t in results[run]["reference"].tests]
        for run in ("first", "again")
    ]
    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize(
    ("variant", "test_id", "check"),
    [
        ("patch-author-needs-name", "fuzz::bugs::PATCH /authors/{id}", "not_a_server_error"),
        ("author-delete-without-login", "fuzz::bugs::DELETE /authors/{id}", "ignored_auth"),
    ],
)
def test_each_planted_defect_is_one_failure(
    graded: tuple[Path, dict], variant: str, test_id: str, check: str
) -> None:
    out, results = graded
    assert failed(results["first"][variant]) == [test_id]
    failures = fuzz_log(out, "first", variant)["failures"]
    assert [(f["operation"], f["check"], f["kind"]) for f in failures] == [
        (test_id.split("::")[2], check, "bug")
    ]


@pytest.fixture
def running(docker_client: Any, tmp_path: Path) -> Iterator[Any]:
    started: list[tuple[AppContainer, str]] = []

    def start(variant: str) -> AppContainer:
        tree = take_in(str(SOLUTIONS / variant), tmp_path / variant / "src", IntakeLimits())
        assert isinstance(tree, SourceTree)
        name, labels = f"grader-fuzz-curl-{variant}", labels_for("fuzz-curl", variant)
        runtime = TASK.spec.runtime
        built = build_image(docker_client, tree.path, runtime, name, labels)
        assert isinstance(built, Built), built
        data = tmp_path / variant / "data"
        data.mkdir()
        data.chmod(0o777)
        app = start_app(docker_client, built.image_id, runtime, name, labels, data)
        assert isinstance(app, AppContainer), app
        started.append((app, built.image_id))
        ready = probe_until_ready(app.base_url, runtime.health_path, 60, runtime.port,
                                  lambda: container_state(app.container))  # fmt: skip
        assert isinstance(ready, Ready), ready
        return app

    yield start
    for app, image in started:
        stop_app(app)
        docker_client.images.remove(image, force=True)


@pytest.mark.parametrize(
    ("variant", "expected"),
    [("patch-author-needs-name", "HTTP/1.1 500"), ("author-delete-without-login", "HTTP/1.1 204")],
)
def test_the_curl_line_reproduces_the_failure(
    graded: tuple[Path, dict], running: Any, variant: str, expected: str
) -> None:
    assert shutil.which("curl"), "curl is needed to run the reproduction lines"
    out, _ = graded
    (failure,) = fuzz_log(out, "first", variant)["failures"]
    app = running(variant)
    with httpx.Client(base_url=app.base_url, timeout=10) as client:
        token = client.post("/auth/login", json=ADMIN).json()["access_token"]
        created = client.post("/authors", json={"name": "Ursula"},
                              headers={"Authorization": f"Bearer {token}"})  # fmt: skip
        assert created.status_code == 201
        assert created.json()["id"] == 1  # the id the recorded case uses
    done = subprocess.run(
        ["bash", "-c", failure["curl"]], capture_output=True, text=True, timeout=30,
        env={**os.environ, "BASE_URL": app.base_url, "TOKEN": token},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(expected), (failure["curl"], done.stdout[:300])
