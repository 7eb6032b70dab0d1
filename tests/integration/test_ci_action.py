"""The GitHub Action's commands: exit codes and the job summary, for a pass and a failure."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import REPO, SOLUTIONS

CHECK_SCRIPT = REPO / "ci" / "check.sh"


def test_the_action_runs_the_check_script() -> None:
    action = (REPO / "action.yml").read_text()
    assert 'run: bash "${{ github.action_path }}/ci/check.sh"' in action
    for name in ("GRADER_PATH", "GRADER_TASK", "GRADER_FAIL_UNDER"):
        assert f"{name}: ${{{{ inputs." in action


def run_action(solution: str, fail_under: str, tmp_path: Path) -> tuple[int, str, str]:
    summary = tmp_path / "summary.md"
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
    }
    done = subprocess.run(
        ["bash", str(CHECK_SCRIPT)], capture_output=True, text=True, env=env, timeout=600,
        cwd=tmp_path,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert summary.exists(), f"no job summary written; the script printed:\n{output}"
    return done.returncode, output, summary.read_text()


def test_a_passing_submission_passes_the_step(docker_client: Any, tmp_path: Path) -> None:
    code, output, summary = run_action("reference", "80", tmp_path)
    assert code == 0, output
    assert summary.startswith("## grader check: Notes API\n\n**100.0 %** of the public checks")
    assert "11 more checks run when you submit." in summary


def test_a_submission_below_the_threshold_fails_the_step(
    docker_client: Any, tmp_path: Path
) -> None:
    code, output, summary = run_action("no-validation", "90", tmp_path)
    assert code == 1, output
    assert "**83.3 %** of the public checks" in summary
    assert "✗ A note without a title is refused with 422" in summary
