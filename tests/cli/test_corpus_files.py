"""A task's corpus files are checked by `grader tasks validate --quick`, without Docker."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, copy_tasks

FIXTURE = REPO / "tests" / "fixtures" / "notes-corpus"


def validate_quick(tasks: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "grader", "tasks", "validate", "notes-api", "--quick",
         "--tasks-dir", str(tasks)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_a_valid_corpus_is_counted(tmp_path: Path) -> None:
    tasks = copy_tasks(tmp_path).tasks_dir
    shutil.copytree(FIXTURE, tasks / "notes-api" / "corpus")
    done = validate_quick(tasks)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "  corpus: 1 submission, 2 flaws; not graded (--quick)" in done.stdout


def test_a_ground_truth_naming_no_criterion_of_the_rubric_fails_validation(
    tmp_path: Path,
) -> None:
    tasks = copy_tasks(tmp_path).tasks_dir
    shutil.copytree(FIXTURE, tasks / "notes-api" / "corpus")
    truth = tasks / "notes-api" / "corpus" / "two-flaws" / "ground-truth.toml"
    truth.write_text(truth.read_text().replace('"errors.json"', '"errors.html"'))
    done = validate_quick(tasks)
    assert done.returncode == 4, done.stdout
    assert "corpus: INVALID" in done.stdout
    assert "flaw F2: unknown criterion 'errors.html'" in done.stdout
    assert "Traceback" not in done.stderr


def test_a_corpus_entry_without_its_flawed_version_fails_validation(tmp_path: Path) -> None:
    tasks = copy_tasks(tmp_path).tasks_dir
    shutil.copytree(FIXTURE, tasks / "notes-api" / "corpus")
    shutil.rmtree(tasks / "notes-api" / "corpus" / "two-flaws" / "flawed")
    done = validate_quick(tasks)
    assert done.returncode == 4, done.stdout
    assert "a corpus submission needs flawed/" in done.stdout
