"""A task's data_dir outlives a restart of the app; `restart_app` really restarts it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from grader.core.result import Outcome, Result, Status
from grader.pipeline import plan_grading
from grader.runs.batch import grade_batch
from grader.runs.task_files import TaskLocation, load_task
from tests.conftest import SOLUTIONS, copy_tasks

PERSISTENCE_TEST = """
import pytest


@pytest.mark.criterion("crud.read")
def test_a_note_survives_a_restart(client, create_note, restart_app):
    note = create_note()
    restart_app()
    response = client.get(f"/notes/{note['id']}")
    assert response.status_code == 200, f"the note is gone after a restart: {response.status_code}"
    assert response.json() == note
"""


def task_with_data_dir(root: Path, database_path: str) -> TaskLocation:
    location = copy_tasks(root)
    toml = location.tasks_dir / "notes-api" / "task.toml"
    toml.write_text(
        toml.read_text().replace(
            'env = { APP_ENV = "grading" }',
            f'env = {{ APP_ENV = "grading", DATABASE_PATH = "{database_path}" }}\n'
            'data_dir = "/data"',
        )
    )
    hidden = location.tests_dir / "notes-api" / "hidden" / "test_persistence.py"
    hidden.write_text(PERSISTENCE_TEST)
    return location


def grade_reference(location: TaskLocation, out: Path, run_id: str, client: Any) -> Result:
    task = load_task("notes-api", location)
    assert task.spec.runtime.data_dir == "/data"
    outcome = grade_batch(
        [str(SOLUTIONS / "reference")], plan_grading(task), out, run_id=run_id, client=client
    )
    return outcome.results[0]


def persistence_outcome(result: Result) -> Outcome:
    return next(t.outcome for t in result.tests if t.id.endswith("test_a_note_survives_a_restart"))


@pytest.mark.parametrize(
    ("database", "expected"),
    [("/data/notes.db", Outcome.PASSED), ("/tmp/notes.db", Outcome.FAILED)],
    ids=["in-data-dir", "on-tmpfs"],
)
def test_data_survives_a_restart_only_in_the_data_dir(
    docker_client: Any, tmp_path: Path, database: str, expected: Outcome
) -> None:
    location = task_with_data_dir(tmp_path, database)
    result = grade_reference(
        location, tmp_path / "results", f"persist-{expected.value}", docker_client
    )
    assert result.status is Status.GRADED, result.message
    assert persistence_outcome(result) is expected, [t.message for t in result.tests]
    if expected is Outcome.FAILED:
        message = next(t.message for t in result.tests if t.outcome is Outcome.FAILED)
        assert "gone after a restart: 404" in message
