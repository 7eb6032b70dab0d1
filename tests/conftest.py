"""Fixtures shared by the harness's own tests.

Tests that need Docker take the `docker_client` fixture, tests that need a browser the
`chromium` fixture. Without an engine (or a Chromium) they are skipped on a developer's machine,
and fail when CI=true: CI must never go green by skipping them.
"""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path
from typing import Any

import pytest

from grader.core.errors import EngineUnavailable
from grader.reports.screenshots import find_chromium
from grader.runs.task_files import TaskLocation
from grader.sandbox.engine import LABEL_MANAGED, connect, require_image

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = REPO / "tests" / "scenarios"
SOLUTIONS = REPO / "tasks" / "notes-api" / "solutions"
BASE_IMAGE = "python:3.11-slim"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and Docker is not usable: {reason}", pytrace=False)
    pytest.skip(f"Docker is not usable here: {reason}")


@pytest.fixture(scope="session")
def docker_client() -> Any:
    try:
        client = connect(timeout_s=120)
        require_image(client, BASE_IMAGE)
    except EngineUnavailable as error:
        _unavailable(error.message)
    return client


@pytest.fixture(scope="session")
def chromium() -> str:
    """The path of a headless-capable Chromium (`make browser` installs Debian's)."""
    binary = find_chromium()
    if binary is None:
        reason = "no Chromium on PATH (or at $GRADER_CHROMIUM); run `make browser`"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and Chromium is not usable: {reason}", pytrace=False)
        pytest.skip(f"Chromium is not usable here: {reason}")
    return binary


def labelled_leftovers(client: Any, run_id: str | None = None) -> dict[str, list[str]]:
    """Everything carrying the harness's labels (for one run, when given)."""
    wanted = [f"{LABEL_MANAGED}=true"] + ([f"io.grader.run={run_id}"] if run_id else [])
    filters = {"label": wanted}
    return {
        "containers": [c.name for c in client.containers.list(all=True, filters=filters)],
        "networks": [n.name for n in client.networks.list(filters=filters)],
        "volumes": [v.name for v in client.volumes.list(filters=filters)],
        "images": [i.short_id for i in client.images.list(all=True, filters=filters)],
    }


def copy_tasks(destination: Path) -> TaskLocation:
    """A private copy of the bundled tasks and reference tests, safe to edit in a test."""
    shutil.copytree(
        REPO / "tasks", destination / "tasks", ignore=shutil.ignore_patterns("solutions")
    )
    shutil.copytree(
        REPO / "reference_tests",
        destination / "reference_tests",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    return TaskLocation.find(destination / "tasks")


@pytest.fixture
def task_location(tmp_path: Path) -> TaskLocation:
    return copy_tasks(tmp_path)


def set_runtime(location: TaskLocation, task_id: str, **values: object) -> None:
    """Override `[runtime]` keys of a copied task.toml."""
    path = location.tasks_dir / task_id / "task.toml"
    lines = path.read_text().splitlines()
    for key, value in values.items():
        rendered = f"{key} = {value!r}".replace("'", '"')
        if any(line.split("=")[0].strip() == key for line in lines):
            lines = [rendered if line.split("=")[0].strip() == key else line for line in lines]
        else:
            lines.insert(lines.index("[runtime]") + 1, rendered)
    path.write_text("\n".join(lines) + "\n")
