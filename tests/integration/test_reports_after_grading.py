"""`grader grade` renders the reports when the run ends, and says where they are."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import SCENARIOS


def test_a_public_only_run_writes_both_views_and_the_step_summary(
    docker_client: Any, tmp_path: Path
) -> None:
    summary = tmp_path / "step-summary.md"
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(summary)}
    done = subprocess.run(
        [sys.executable, "-m", "grader", "grade", str(SCENARIOS / "build_fails"), "--task",
         "notes-api", "--public-only", "--out", str(tmp_path), "--run-id", "reports"],
        capture_output=True, text=True, timeout=600, env=env,
    )  # fmt: skip
    run_dir = tmp_path / "reports"
    assert done.returncode == 3, done.stdout + done.stderr
    assert f"report: {run_dir / 'index.html'}" in done.stdout
    assert f"candidate view: {run_dir / 'index.candidate.html'}" in done.stdout
    for name in ("report.html", "junit.xml", "summary.md", "gradescope.json"):
        assert (run_dir / "build_fails" / name).is_file()
        assert (run_dir / "build_fails" / "candidate" / name).is_file()
    assert (
        (run_dir / "scores.csv")
        .read_text()
        .splitlines()[1]
        .startswith("1,build_fails,build_failed")
    )
    assert summary.read_text() == (run_dir / "summary.candidate.md").read_text() + "\n"
    html = (run_dir / "build_fails" / "report.html").read_text()
    assert "Why this submission was not graded" in html
    assert "grader-scenario-package-that-does-not-exist" in html  # the build log's tail
