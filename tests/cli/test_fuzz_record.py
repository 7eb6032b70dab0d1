"""`grader tasks record-fuzz`: pinned generation, and a task that refuses stale cases."""

from __future__ import annotations

import json

from grader.runs.task_files import TaskLocation
from tests.cli.test_tasks_commands import grader
from tests.conftest import REPO

BUNDLED = REPO / "tasks" / "library-api" / "fuzz-cases.json"


def test_recording_twice_gives_the_bundled_file_byte_for_byte(
    task_location: TaskLocation,
) -> None:
    recorded = task_location.tasks_dir / "library-api" / "fuzz-cases.json"
    recorded.unlink()
    copies = []
    for _ in range(2):
        done = grader("tasks", "record-fuzz", "library-api", tasks_dir=task_location.tasks_dir)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "cases for 21 operations" in done.stdout
        copies.append(recorded.read_bytes())
    assert copies[0] == copies[1] == BUNDLED.read_bytes()


def test_cases_recorded_from_another_spec_are_refused(task_location: TaskLocation) -> None:
    spec = task_location.tasks_dir / "library-api" / "openapi.yaml"
    spec.write_text(spec.read_text() + "\n# edited\n")
    done = grader("tasks", "validate", "library-api", "--quick", tasks_dir=task_location.tasks_dir)
    assert done.returncode != 0
    assert "recorded from another version of openapi.yaml" in done.stdout
    assert "grader tasks record-fuzz library-api" in done.stdout


def test_validate_counts_the_fuzz_tests(task_location: TaskLocation) -> None:
    done = grader("tasks", "validate", "library-api", "--quick", tasks_dir=task_location.tasks_dir)
    assert done.returncode == 0, done.stdout + done.stderr
    recorded = json.loads((task_location.tasks_dir / "library-api" / "fuzz-cases.json").read_text())
    assert f"42 fuzz ({len(recorded['cases'])} cases)" in done.stdout
