"""The GitHub Action's commands: exit codes and the job summary, for a pass and a failure."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import REPO, SOLUTIONS

CHECK_SCRIPT = REPO / "ci" / "check.sh"


def test_the_action_runs_the_check_script() -> None:
    action = (REPO / "action.yml").read_text()
    assert 'run: bash "${{ github.action_path }}/ci/check.sh"' in action
    for name in ("GRADER_PATH", "GRADER_TASK", "GRADER_FAIL_UNDER"):
        assert f"{name}: ${{{{ inputs." in action


def test_the_action_sets_outputs_fails_by_default_caches_and_names_artifacts_uniquely() -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text())
    steps = {step.get("id") or step.get("name") or step.get("uses"): step for step in
             action["runs"]["steps"]}  # fmt: skip
    assert "check" in steps, "the step whose outputs the action's outputs read"
    for name in ("score", "max", "percent", "status", "results"):
        assert action["outputs"][name]["value"] == f"${{{{ steps.check.outputs.{name} }}}}"
    assert action["inputs"]["fail-under"]["default"] == "100"
    assert any(str(step.get("uses", "")).startswith("actions/cache@") for step in steps.values())
    upload = next(s for s in steps.values() if str(s.get("uses", "")).startswith("actions/upload"))
    assert "strategy.job-index" in upload["with"]["name"], "matrix jobs must not clash"


def run_action(solution: str, fail_under: str, tmp_path: Path) -> tuple[int, str, str]:
    summary = tmp_path / "summary.md"
    outputs = tmp_path / "outputs.txt"
    # The action installs the grader with pip before it runs the script: the `grader` this
    # test runs is the one installed next to its own interpreter, whatever PATH says.
    installed = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": installed + os.pathsep + os.environ.get("PATH", ""),
        "GRADER_PATH": str(SOLUTIONS / solution),
        "GRADER_TASK": "notes-api",
        "GRADER_FAIL_UNDER": fail_under,
        "GRADER_OUT": str(tmp_path / "results"),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(outputs),
    }
    done = subprocess.run(
        ["bash", str(CHECK_SCRIPT)], capture_output=True, text=True, env=env, timeout=600,
        cwd=tmp_path,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert summary.exists(), f"no job summary written; the script printed:\n{output}"
    assert outputs.exists(), f"no step outputs written; the script printed:\n{output}"
    return done.returncode, output, summary.read_text() + outputs.read_text()


def read_outputs(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line and " " not in
                line.split("=", 1)[0] and not line.startswith(("-", "#", "*")))  # fmt: skip


def test_a_passing_submission_passes_the_step(docker_client: Any, tmp_path: Path) -> None:
    code, output, summary = run_action("reference", "80", tmp_path)
    assert code == 0, output
    assert summary.startswith("## grader check: Notes API\n\n**100.0 %** of the public checks")
    assert "11 more checks run when you submit." in summary
    outputs = read_outputs(summary)
    assert {k: outputs[k] for k in ("score", "max", "percent", "status")} == {
        "score": "60",
        "max": "60",
        "percent": "100",
        "status": "graded",
    }
    assert (Path(outputs["results"]) / "junit.xml").is_file(), "junit.xml from grader check"


def test_a_submission_below_the_threshold_fails_the_step(
    docker_client: Any, tmp_path: Path
) -> None:
    code, output, summary = run_action("no-validation", "90", tmp_path)
    assert code == 1, output
    assert "**83.3 %** of the public checks" in summary
    assert "✗ A note without a title is refused with 422" in summary
    failure = next(line for line in summary.splitlines() if "expected 422, got 201" in line)
    assert failure.endswith("}"), "the failure line is whole, not cut off"
    outputs = read_outputs(summary)
    assert (outputs["percent"], outputs["status"]) == ("83.3", "graded")
    assert "below --fail-under 90 %: no-validation (83.3 %)" in output
