"""`grader tasks validate|list|show`: no Docker needed, only the task files and pytest."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from grader.runs.task_files import TaskLocation
from tests.conftest import copy_tasks


def grader(*arguments: str, tasks_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    extra = ["--tasks-dir", str(tasks_dir)] if tasks_dir else []
    return subprocess.run(
        [sys.executable, "-m", "grader", *arguments, *extra],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_bundled_task_is_valid() -> None:
    done = grader("tasks", "validate", "notes-api", "--quick")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "notes-api: ok (5 public, 11 hidden tests)" in done.stdout
    assert "calibration: skipped (--quick)" in done.stdout


def test_list_and_show() -> None:
    listed = grader("tasks", "list")
    assert listed.returncode == 0
    assert "notes-api\t1.0.0\tNotes API" in listed.stdout
    shown = grader("tasks", "show", "notes-api")
    assert shown.returncode == 0, shown.stderr
    assert "validation.required" in shown.stdout
    assert "port 8000" in shown.stdout


def test_a_test_naming_an_unknown_criterion_is_reported(task_location: TaskLocation) -> None:
    test_file = task_location.tests_dir / "notes-api" / "public" / "test_notes_public.py"
    test_file.write_text(test_file.read_text().replace('"crud.read"', '"crud.reed"'))
    done = grader("tasks", "validate", "notes-api", tasks_dir=task_location.tasks_dir)
    assert done.returncode == 4
    assert "names unknown criterion 'crud.reed'" in done.stdout
    assert "criterion 'crud.read' has no test" in done.stdout


def test_weights_that_do_not_sum_are_reported(task_location: TaskLocation) -> None:
    toml = task_location.tasks_dir / "notes-api" / "task.toml"
    toml.write_text(toml.read_text().replace("weight = 40", "weight = 45"))
    done = grader("tasks", "validate", "notes-api", tasks_dir=task_location.tasks_dir)
    assert done.returncode == 4
    assert "task.toml" in done.stdout
    assert "category weights sum to 105, but total is 100" in done.stdout


def test_an_unknown_key_is_reported_with_its_place(task_location: TaskLocation) -> None:
    toml = task_location.tasks_dir / "notes-api" / "task.toml"
    toml.write_text(toml.read_text().replace("health_path =", "health_pth ="))
    done = grader("tasks", "validate", "notes-api", tasks_dir=task_location.tasks_dir)
    assert done.returncode == 4
    assert "runtime.health_pth: unknown key" in done.stdout


def test_grading_with_a_bad_task_is_a_clear_error(task_location: TaskLocation) -> None:
    toml = task_location.tasks_dir / "notes-api" / "task.toml"
    toml.write_text(toml.read_text().replace("port = 8000", "port = 80000"))
    done = grader("grade", ".", "--task", "notes-api", tasks_dir=task_location.tasks_dir)
    assert done.returncode == 4
    assert done.stderr.startswith("error: ")
    assert "runtime.port" in done.stderr
    assert "Traceback" not in done.stderr


def test_copy_tasks_helper_keeps_solutions_out(tmp_path: Path) -> None:
    location = copy_tasks(tmp_path)
    assert not (location.tasks_dir / "notes-api" / "solutions").exists()
