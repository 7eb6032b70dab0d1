"""A task made on the spot from an API's own OpenAPI document: `grader grade --spec`.

For an app that has no task folder (a portfolio repository, say): the task has no reference
tests, only the fuzz stage, scored for robustness (bugs) and conformance (deviations). The
document is a file, or a path the running app serves (flask-smorest, APIFairy and flask-restx
publish theirs this way). The task is written as a real folder and loaded like any other, so
it is validated by the same rules.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import tomli_w

from grader.core.errors import TaskError
from grader.core.task import Task
from grader.runs.task_files import TaskLocation, load_task
from grader.stages.fuzz.cases import dump_cases
from grader.stages.fuzz.record import record

TASK_ID = "spec"
CASES_FILE = "fuzz-cases.json"


def spec_task(
    spec: str,
    folder: Path,
    *,
    port: int,
    health_path: str | None,
    env: dict[str, str],
    command: tuple[str, ...] = (),
    startup_timeout_s: float = 60.0,
) -> Task:
    """Write the task for `spec` under `folder` and load it; `spec` is a file or a path the
    app serves (see `_is_served_path`)."""
    task_folder = folder / "tasks" / TASK_ID
    task_folder.mkdir(parents=True)
    (folder / "reference_tests" / TASK_ID).mkdir(parents=True)
    fuzz: dict[str, object] = {
        "visibility": "public",
        "bug_criterion": "robustness.no-bugs",
        "deviation_criterion": "robustness.contract",
        "budget_s": 300.0,
        "any_operation_statuses": [404, 405],
    }
    served = _is_served_path(spec)
    if served:
        fuzz["served_at"] = spec
        version = f"served at {spec}"
    else:
        source = Path(spec)
        if not source.is_file():
            raise TaskError(f"--spec {spec}: no such file (or give the path the app serves it at)")
        copy = task_folder / f"openapi{source.suffix or '.yaml'}"
        shutil.copyfile(source, copy)
        fuzz["spec"] = copy.name
        version = hashlib.sha256(copy.read_bytes()).hexdigest()[:12]
    data = {
        "id": TASK_ID,
        "version": version,
        "title": f"Robustness and conformance to {spec}",
        "description": "Requests generated from the API's own OpenAPI document.",
        "runtime": {
            "port": port,
            "health_path": health_path or (spec if served else "/"),
            "startup_timeout_s": startup_timeout_s,
            "env": env,
            **({"command": list(command)} if command else {}),
        },
        "rubric": {
            "total": 100.0,
            "categories": [
                {
                    "id": "robustness",
                    "title": "Robustness and conformance under generated requests",
                    "weight": 100.0,
                    "criteria": [
                        {
                            "id": "robustness.no-bugs",
                            "title": "No server error, hang or ignored login",
                            "weight": 3.0,
                        },
                        {
                            "id": "robustness.contract",
                            "title": "Answers keep to the API's own document",
                            "weight": 1.0,
                        },
                    ],
                }
            ],
        },
        "fuzz": fuzz,
    }
    (task_folder / "task.toml").write_text(tomli_w.dumps(data), encoding="utf-8")
    task = load_task(TASK_ID, TaskLocation(folder / "tasks", folder / "reference_tests"))
    if task.spec.fuzz is not None and task.spec.fuzz.served_at is None:
        cases = record(task_folder / task.spec.fuzz.spec, 8, 4)
        if not cases.cases:
            raise TaskError(f"--spec {spec}: the document has no operation to call")
        (task_folder / CASES_FILE).write_text(dump_cases(cases), encoding="utf-8")
        task = load_task(TASK_ID, TaskLocation(folder / "tasks", folder / "reference_tests"))
    return task


def _is_served_path(spec: str) -> bool:
    """'/openapi.json' is a path the app serves; '/home/me/api.yaml' or 'api.yaml' a file.

    A file that exists wins; an absolute path whose first folder exists here (/home, /tmp) is
    a file too, so a mistyped file name is reported as missing, not fetched from the app.
    """
    path = Path(spec)
    if path.is_file() or not spec.startswith("/"):
        return False
    parts = path.parts
    return len(parts) < 2 or not (Path(parts[0]) / parts[1]).exists()
