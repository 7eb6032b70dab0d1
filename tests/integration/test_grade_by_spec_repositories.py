"""`grader grade --spec` on repositories as they come: zero flags where the document shows the
way (base path, health path, login), a refused Dockerfile replaced, the battery's bugs with
curl lines, and `inconclusive` (exit 5, no score) when nothing could be reached."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import REPO

SCENARIOS = REPO / "tests" / "scenarios"


def grade(project: str, out: Path, run_id: str, *options: str) -> tuple[int, dict[str, Any], str]:
    folder = SCENARIOS / project
    document = folder / "openapi.yaml"
    done = subprocess.run(
        [sys.executable, "-m", "grader", "grade", str(folder), "--spec", str(document),
         "--out", str(out), "--run-id", run_id, *options],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    result = json.loads((out / run_id / project / "result.json").read_text())
    return done.returncode, result, done.stdout + done.stderr


def stage(result: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in result["stages"] if s["name"] == name)


def test_a_repository_starts_with_zero_flags_and_its_bugs_reproduce(
    docker_client: Any, tmp_path: Path
) -> None:
    code, result, output = grade("spec_repository", tmp_path, "w-spec-repo")
    assert code == 0, output
    assert result["status"] == "graded", result["message"]
    build = stage(result, "build")["detail"]
    assert "Dockerfile was refused" in build
    assert "built with a generated one" in build
    fuzz = stage(result, "fuzz")["detail"]
    assert "base path /api" in fuzz
    assert "cases generated in" in fuzz
    assert "cases generated from the document in" in output
    bugs = next(t for t in result["tests"] if t["id"] == "fuzz::bugs::POST /tags")
    assert bugs["outcome"] == "failed"
    assert "[array-for-object]" in bugs["message"]
    assert "/api/tags" in bugs["message"]
    kept = [line for line in bugs["message"].splitlines() if "@fuzz-bodies/" in line]
    assert kept, bugs["message"]
    name = kept[0].split("@fuzz-bodies/", 1)[1].split()[0]
    assert (tmp_path / "w-spec-repo" / "spec_repository" / "fuzz-bodies" / name).is_file()


def test_a_login_the_document_shows_is_used_without_an_auth_file(
    docker_client: Any, tmp_path: Path
) -> None:
    code, result, output = grade("spec_login", tmp_path, "w-spec-login")
    assert code == 0, output
    assert result["status"] == "graded", result["message"]
    assert "logged in as a new user" in stage(result, "fuzz")["detail"]
    notes = next(t for t in result["tests"] if t["id"] == "fuzz::bugs::POST /notes")
    assert notes["outcome"] == "failed"
    assert "[lone-surrogate]" in notes["message"]


def test_nothing_reached_is_inconclusive_with_no_score(docker_client: Any, tmp_path: Path) -> None:
    code, result, output = grade(
        # the user names a health path that works, but the wrong base path for the operations
        "spec_base_path", tmp_path, "w-spec-wrong-base",
        "--base-path", "/", "--health-path", "/api/v1/items",
    )  # fmt: skip
    assert code == 5, output
    assert result["status"] == "inconclusive"
    assert result["score"] is None
    assert "--base-path PREFIX" in result["message"]
    summary = (tmp_path / "w-spec-wrong-base" / "spec_base_path" / "summary.md").read_text()
    assert "no score (inconclusive" in summary


def test_a_health_path_that_never_answers_says_what_to_pass(
    docker_client: Any, tmp_path: Path
) -> None:
    # the document's health path, /items under the root given, is not where the app serves it
    code, result, _ = grade("spec_base_path", tmp_path, "w-spec-no-health", "--base-path", "/")
    assert code == 3
    assert result["status"] == "not_ready"
    assert "pass --health-path PATH" in result["message"]
