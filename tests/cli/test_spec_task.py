"""`grader grade --spec`: a task made from an API's own document, no Docker needed here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader.core.errors import TaskError
from grader.stages.fuzz.spec_task import spec_task
from grader.stages.fuzz.stage import load_fuzz_plan
from tests.cli.test_tasks_commands import grader
from tests.conftest import REPO

SWAGGER = REPO / "tests" / "scenarios" / "spec_documents" / "swagger2.yaml"


def test_a_swagger_2_file_becomes_a_fuzz_only_task(tmp_path: Path) -> None:
    task = spec_task(str(SWAGGER), tmp_path, port=5000, health_path="/pets", env={"A": "1"})
    assert task.spec.suites == ()
    assert task.spec.runtime.port == 5000
    assert task.spec.runtime.env == {"A": "1"}
    assert [c.id for c in task.spec.rubric.categories] == ["robustness"]
    plan = load_fuzz_plan(task)
    assert plan is not None
    assert plan.cases is not None
    assert plan.cases.operations() == ("GET /pets", "POST /pets")
    assert [t.id for t in plan.planned] == [
        "fuzz::bugs::GET /pets",
        "fuzz::contract::GET /pets",
        "fuzz::bugs::POST /pets",
        "fuzz::contract::POST /pets",
    ]


def test_the_same_document_gives_the_same_task(tmp_path: Path) -> None:
    first = spec_task(str(SWAGGER), tmp_path / "a", port=8000, health_path=None, env={})
    again = spec_task(str(SWAGGER), tmp_path / "b", port=8000, health_path=None, env={})
    assert first.sha256 == again.sha256
    assert first.spec.version == again.spec.version


def test_a_served_document_is_read_when_the_app_runs(tmp_path: Path) -> None:
    task = spec_task("/openapi.json", tmp_path, port=8000, health_path=None, env={})
    assert task.spec.fuzz is not None
    assert task.spec.fuzz.served_at == "/openapi.json"
    assert task.spec.runtime.health_path == "/openapi.json"
    plan = load_fuzz_plan(task)
    assert plan is not None
    assert plan.cases is None  # generated per submission from what it serves


def test_a_missing_document_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(TaskError, match="no such file"):
        spec_task(str(tmp_path / "nope.yaml"), tmp_path / "t", port=8000, health_path=None, env={})


def test_a_broken_document_is_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"openapi": "3.0.3", "paths": "not a mapping"}))
    with pytest.raises(TaskError, match="cannot generate cases"):
        spec_task(str(broken), tmp_path / "t", port=8000, health_path=None, env={})


@pytest.mark.parametrize(
    "arguments",
    [
        ("grade", "x", "--task", "notes-api", "--spec", "/openapi.json"),
        ("grade", "x"),
    ],
)
def test_grade_needs_a_task_or_a_spec_not_both(arguments: tuple[str, ...]) -> None:
    done = grader(*arguments)
    assert done.returncode == 2
    assert "name a task with --task, or an OpenAPI document with --spec" in done.stderr


def test_env_pairs_must_be_key_value() -> None:
    done = grader("grade", "x", "--spec", str(SWAGGER), "--env", "NOEQUALS")
    assert done.returncode == 2
    assert "--env 'NOEQUALS': write KEY=VALUE" in done.stderr


def test_base_path_and_auth_go_with_spec_only(tmp_path: Path) -> None:
    auth = tmp_path / "auth.toml"
    auth.write_text('[[steps]]\npath = "/login"\n', encoding="utf-8")
    done = grader("grade", str(tmp_path), "--task", "library-api", "--auth", str(auth))
    assert done.returncode == 2
    assert "--base-path and --auth go with --spec" in done.stderr


def test_a_bad_auth_file_is_named_without_a_traceback(tmp_path: Path) -> None:
    auth = tmp_path / "auth.toml"
    auth.write_text('steps = "no"\n', encoding="utf-8")
    done = grader("grade", str(tmp_path), "--spec", str(SWAGGER), "--auth", str(auth))
    assert done.returncode == 4, done.stderr
    assert f"--auth {auth}: steps" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_the_health_path_comes_from_the_document(tmp_path: Path) -> None:
    task = spec_task(str(SWAGGER), tmp_path, port=8000, health_path=None, env={})
    assert task.spec.runtime.health_path == "/pets"
