"""`grader doctor`: can this machine grade? Engine, base images, tasks, versions."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from importlib import metadata

from grader.core.errors import GraderError
from grader.runs.task_files import TaskLocation, list_task_ids, load_task
from grader.sandbox.engine import connect
from grader.sandbox.firewall import ALLOW_HOST_ACCESS, guard_problem
from grader.stages.engineering.own_tests_run import ensure_kit
from grader.version import VERSION

PACKAGES = (
    "docker",
    "httpx",
    "pytest",
    "click",
    "pydantic",
    "rich",
    "schemathesis",
    "ruff",
    "mypy",
)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def run_checks(location: TaskLocation) -> list[Check]:
    checks = [Check("grader", True, f"{VERSION} on Python {platform.python_version()}")]
    versions = []
    for package in PACKAGES:
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} MISSING")
    checks.append(Check("packages", "MISSING" not in " ".join(versions), ", ".join(versions)))

    images: set[str] = set()
    task_ids = list_task_ids(location)
    for task_id in task_ids:
        try:
            images.update(load_task(task_id, location).spec.runtime.base_images[:1])
        except GraderError as error:
            checks.append(Check(f"task {task_id}", False, error.message.splitlines()[0]))
    checks.append(Check("tasks", bool(task_ids), f"{len(task_ids)} in {location.tasks_dir}"))

    kit = ensure_kit()  # installs it once, if missing: the engineering stage needs it
    checks.append(
        Check(
            "own-tests kit",
            not isinstance(kit, str),
            kit if isinstance(kit, str) else f"pytest and coverage.py at {kit}",
        )
    )

    problem = guard_problem()
    if problem and os.environ.get(ALLOW_HOST_ACCESS) == "1":
        detail = f"not guarded ({problem}): {ALLOW_HOST_ACCESS}=1, for checking one's own code"
        checks.append(Check("host firewall", True, detail))
    else:
        detail = problem or "iptables rules keep containers off the engine's host"
        checks.append(Check("host firewall", not problem, detail))
    try:
        client = connect(timeout_s=10)
    except GraderError as error:
        checks.append(Check("docker engine", False, error.message))
        return checks
    version = client.version()
    checks.append(
        Check("docker engine", True, f"{version.get('Version')} (API {version.get('ApiVersion')})")
    )
    for image in sorted(images or {"python:3.11-slim"}):
        present = bool(client.images.list(name=image))
        hint = "" if present else f"; make it with `bash docker/ensure-base-image.sh {image}`"
        checks.append(
            Check(f"base image {image}", present, ("present" if present else "missing") + hint)
        )
    return checks
