"""`grader grade --spec`: a Flask project that serves its own OpenAPI document, no task."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from grader.core.result import Outcome, Status, result_from_dict
from tests.conftest import REPO

PROJECT = REPO / "tests" / "scenarios" / "spec_smorest"
START = (
    "gunicorn --bind 0.0.0.0:9000 --access-logfile - "
    "--access-logformat 'started-by-option %(r)s %(s)s' pets:create_app()"
)


def test_a_served_document_is_fuzzed_and_the_planted_500_reported(
    docker_client: Any, tmp_path: Path
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "grader", "grade", str(PROJECT), "--spec", "/openapi.json",
         "--out", str(tmp_path), "--run-id", "spec"],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    result = result_from_dict(
        json.loads((tmp_path / "spec" / "spec_smorest" / "result.json").read_text())
    )
    assert result.status is Status.GRADED, result.message
    assert result.task.id == "spec"
    assert result.task.version == "served at /openapi.json"
    assert result.suites == ("fuzz",)
    failed = {t.id: t for t in result.tests if t.outcome is not Outcome.PASSED}
    # the planted 500, and the bad-input battery's finds in the framework stack under POST
    assert set(failed) == {"fuzz::bugs::GET /pets/{pet_id}", "fuzz::bugs::POST /pets"}
    planted = failed["fuzz::bugs::GET /pets/{pet_id}"]
    assert planted.message.startswith("bug: Server error [not_a_server_error]")
    assert "reproduce: curl -i -X GET" in planted.message
    found = [line for line in failed["fuzz::bugs::POST /pets"].message.splitlines()
             if line.startswith("bug: ")]  # fmt: skip
    assert found
    assert all(re.search(r"\] \[[a-z0-9^-]+\]", line) for line in found), found
    assert {t.id for t in result.tests} >= {"fuzz::bugs::POST /pets", "fuzz::contract::GET /pets"}
    assert result.score is not None
    assert 0 < result.score.percent < 100


def test_port_and_start_command_come_from_options(docker_client: Any, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "grader", "grade", str(PROJECT), "--spec", "/openapi.json",
         "--port", "9000", "--start", START,
         "--env", "PETS_MODE=check", "--out", str(tmp_path), "--run-id", "started"],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads((tmp_path / "started" / "spec_smorest" / "result.json").read_text())
    assert result["status"] == "graded", result["message"]
    run_stage = next(s for s in result["stages"] if s["name"] == "run")
    assert run_stage["detail"].endswith(":9000")
    # the access lines carry the option's own format: its command started the app
    app_log = (tmp_path / "started" / "spec_smorest" / result["logs"]["app"]).read_text()
    assert "started-by-option GET /pets" in app_log, app_log[-2000:]
    assert "fuzz::bugs::GET /pets/{pet_id}" in {
        t["id"] for t in result["tests"] if t["outcome"] == "failed"
    }


def test_an_app_that_dies_mid_stage_keeps_what_it_earned(
    docker_client: Any, tmp_path: Path
) -> None:
    project = REPO / "tests" / "scenarios" / "spec_dies"
    done = subprocess.run(
        [sys.executable, "-m", "grader", "grade", str(project), "--spec",
         str(project / "openapi.yaml"), "--health-path", "/items", "--out", str(tmp_path),
         "--run-id", "dies"],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads((tmp_path / "dies" / "spec_dies" / "result.json").read_text())
    outcomes = {t["id"]: t["outcome"] for t in result["tests"]}
    assert outcomes == {
        "fuzz::bugs::GET /items": "passed",  # answered before the app died: kept
        "fuzz::contract::GET /items": "passed",
        "fuzz::bugs::POST /items": "failed",  # no answer: the crash is a bug
        "fuzz::contract::POST /items": "not_run",  # no answer to check against the contract
        "fuzz::bugs::GET /items/{item_id}": "not_run",  # never reached: not given
        "fuzz::contract::GET /items/{item_id}": "not_run",
    }
    stage = next(s for s in result["stages"] if s["name"] == "fuzz")
    assert stage["status"] == "failed"
    assert "the app stopped answering" in stage["detail"]
    assert 0 < result["score"]["percent"] < 100
