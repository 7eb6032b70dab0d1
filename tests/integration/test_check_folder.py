"""`grader check PATH` builds and runs the folder in Docker with the public suites only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import REPO, SOLUTIONS


def test_check_builds_and_runs_a_folder(docker_client: Any, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "grader", "check", str(SOLUTIONS / "no-validation"),
         "--task", "notes-api", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=600, cwd=REPO,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "83.3 % of the public checks (50 of 60 points)" in done.stdout
    assert "  ✗ A note without a title is refused with 422" in done.stdout
    assert "11 more checks run when you submit." in done.stdout
    results = list(tmp_path.glob("*/no-validation/result.json"))
    assert len(results) == 1
    assert '"suites": [\n    "public"\n  ]' in results[0].read_text()
