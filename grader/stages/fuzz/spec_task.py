"""A task made on the spot from an API's own OpenAPI document: `grader grade --spec`.

For an app that has no task folder (a portfolio repository, say): the task has no reference
tests, only the fuzz stage, scored for robustness (bugs) and conformance (deviations). The
document is a file, or a path the running app serves (flask-smorest, APIFairy and flask-restx
publish theirs this way). The task is written as a real folder and loaded like any other, so
it is validated by the same rules.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
import tomllib
from pathlib import Path
from typing import Any

import tomli_w
import yaml
from pydantic import ValidationError

from grader.core.errors import TaskError
from grader.core.task import FuzzAuthSpec, Task
from grader.runs.task_files import TaskLocation, load_task
from grader.stages.fuzz.cases import base_path as document_base_path
from grader.stages.fuzz.cases import dump_cases, requires_credentials
from grader.stages.fuzz.document import canonical
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
    base_path: str | None = None,
    auth: Path | None = None,
) -> Task:
    """Write the task for `spec` under `folder` and load it; `spec` is a file or a path the
    app serves (see `_is_served_path`). `base_path` replaces the document's own; `auth` is a
    TOML file shaped like a task's `[fuzz.auth]`."""
    task_folder = folder / "tasks" / TASK_ID
    task_folder.mkdir(parents=True)
    (folder / "reference_tests" / TASK_ID).mkdir(parents=True)
    fuzz: dict[str, object] = {
        "visibility": "public",
        "bug_criterion": "robustness.no-bugs",
        "deviation_criterion": "robustness.contract",
        "budget_s": 300.0,
        "any_operation_statuses": [404, 405],
        "inconclusive_when_unexplored": True,
        "infer_login": True,
        "battery": True,
    }
    if base_path is not None:
        if not base_path.startswith("/"):
            raise TaskError(f"--base-path {base_path}: write it from the root, such as /api/v1")
        fuzz["base_path"] = base_path
    if auth is not None:
        fuzz["auth"] = read_auth_file(auth)
    served = _is_served_path(spec)
    document: dict[str, Any] = {}
    if served:
        fuzz["served_at"] = spec
        version = f"served at {spec}"
    else:
        source = Path(spec)
        if not source.is_file():
            raise TaskError(f"--spec {spec}: no such file (or give the path the app serves it at)")
        document = _read_document(source)
        if document:
            # the canonical copy: the order the document writes things in changes no case
            copy = task_folder / "openapi.json"
            copy.write_text(json.dumps(canonical(document), default=str, indent=1) + "\n",
                            encoding="utf-8")  # fmt: skip
        else:  # the recorder says what is wrong with it
            copy = task_folder / f"openapi{source.suffix or '.yaml'}"
            shutil.copyfile(source, copy)
        fuzz["spec"] = copy.name
        version = hashlib.sha256(copy.read_bytes()).hexdigest()[:12]
    if health_path is None and document:
        prefix = base_path.rstrip("/") if base_path is not None else document_base_path(document)
        found = health_path_of(document)
        health_path = prefix + found if found is not None else None
    data = {
        "id": TASK_ID,
        "version": version,
        "title": f"Robustness and conformance to {spec}",
        "description": "Requests generated from the API's own OpenAPI document.",
        "runtime": {
            "port": port,
            "health_path": health_path or (spec if served else "/"),
            # no health path known: any answer from the app's root says it is serving
            "ready_on_any_answer": health_path is None and not served,
            "any_repository": True,
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
        started = time.monotonic()
        cases = record(task_folder / task.spec.fuzz.spec, 8, 4, with_battery=True)
        if not cases.cases:
            raise TaskError(f"--spec {spec}: the document has no operation to call")
        (task_folder / CASES_FILE).write_text(dump_cases(cases), encoding="utf-8")
        seconds = f"{time.monotonic() - started:.3f}"
        task = load_task(TASK_ID, TaskLocation(folder / "tasks", folder / "reference_tests"))
        # written after the task is read: a timing is no part of what the task is
        (task_folder / CASES_FILE).with_suffix(".seconds").write_text(seconds, encoding="utf-8")
    return task


def read_auth_file(path: Path) -> dict[str, Any]:
    """An `--auth` file: TOML with the keys of a task's `[fuzz.auth]`, checked here."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        FuzzAuthSpec.model_validate(data)
    except (OSError, UnicodeDecodeError) as error:
        raise TaskError(f"--auth {path}: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise TaskError(f"--auth {path}: not TOML: {error}") from None
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}" for e in error.errors()
        )
        raise TaskError(
            f"--auth {path}: {problems} (expected steps = [{{method, path, json}}], "
            "token_pointer, header, scheme, keep_out)"
        ) from None
    return data


def health_path_of(document: dict[str, Any]) -> str | None:
    """A GET the document says answers 2xx with no parameter to fill and no login: one whose
    path says health, ping or status first, else the first such in the document's order."""
    found = []
    paths = document.get("paths")
    for path, item in (paths if isinstance(paths, dict) else {}).items():
        operation = item.get("get") if isinstance(item, dict) else None
        if not isinstance(operation, dict) or "{" in str(path):
            continue
        parameters = [*(item.get("parameters") or []), *(operation.get("parameters") or [])]
        if any(isinstance(p, dict) and p.get("required") for p in parameters):
            continue
        if requires_credentials(operation, document):
            continue
        statuses = [str(code) for code in (operation.get("responses") or {})]
        if any(code.startswith("2") for code in statuses):
            found.append(str(path))
    for path in found:
        if any(word in path.lower() for word in ("health", "ping", "status")):
            return path
    return found[0] if found else None


def _read_document(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}  # the recorder says what is wrong with it
    return data if isinstance(data, dict) else {}


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
