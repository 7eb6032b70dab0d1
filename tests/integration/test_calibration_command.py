"""`grader tasks validate` grades the task's solutions and checks its calibration table."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import REPO


def validate(tasks_dir: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "grader", "tasks", "validate", "notes-api", "--tasks-dir",
         str(tasks_dir), "--out", str(out)],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip


def test_the_example_task_is_calibrated(docker_client: Any, tmp_path: Path) -> None:
    done = validate(REPO / "tasks", tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "calibration: ok" in done.stdout


def test_a_wrong_table_fails_validation(docker_client: Any, tmp_path: Path) -> None:
    shutil.copytree(REPO / "tasks", tmp_path / "tasks")
    shutil.copytree(REPO / "reference_tests", tmp_path / "reference_tests")
    table = tmp_path / "tasks" / "notes-api" / "calibration.toml"
    table.write_text(table.read_text().replace('loses = ["validation"]', 'loses = ["crud"]'))
    done = validate(tmp_path / "tasks", tmp_path / "out")
    assert done.returncode == 4, done.stdout
    assert "calibration: FAILED" in done.stdout
    assert "  - no-validation: should lose points in crud, but kept all" in done.stdout
    assert "  - no-validation: lost 30 points in validation, which it should not" in done.stdout
