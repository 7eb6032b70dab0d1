"""`restart_app` outside the grader: a container published on the loopback, named by hand.

A candidate runs `docker run --name NAME -p 127.0.0.1:PORT:8000 ...` and then
`pytest ... --base-url http://127.0.0.1:PORT --grader-container NAME`: the persistence test
restarts that container and reads its data back through the same published port.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

from grader.runs.task_files import TaskLocation, load_task
from grader.sandbox.container import container_state
from grader.sandbox.engine import labels_for, remove_labelled
from grader.stages.build.image import Built, build_image
from grader.stages.probe.probe import Ready, probe_until_ready
from tests.conftest import REPO, SOLUTIONS, free_port

RESTART_TEST = """
import pytest


@pytest.mark.criterion("crud.read")
def test_a_note_survives_a_restart(client, unique, restart_app):
    created = client.post("/notes", json={"title": unique("note"), "body": "kept"})
    assert created.status_code == 201, created.text
    restart_app()
    again = client.get(f"/notes/{created.json()['id']}")
    assert again.status_code == 200, f"gone after a restart: {again.status_code}"
"""


def run_restart_test(folder: Path, port: int, container: str) -> subprocess.CompletedProcess[str]:
    folder.mkdir()
    (folder / "test_restart.py").write_text(RESTART_TEST)
    command = [sys.executable, "-m", "pytest", str(folder), "-q", "-p", "no:cacheprovider",
               "-p", "grader.pytest_plugin", f"--base-url=http://127.0.0.1:{port}",
               f"--grader-container={container}"]  # fmt: skip
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        cwd=folder,
        check=False,
    )


def test_a_published_container_is_restarted_and_read_back(
    docker_client: Any, tmp_path: Path
) -> None:
    task = load_task("notes-api", TaskLocation.find(REPO / "tasks"))
    runtime = task.spec.runtime
    run_id = f"restart-by-hand-{uuid.uuid4().hex[:8]}"
    labels = labels_for(run_id, "reference")
    tree = tmp_path / "reference"
    shutil.copytree(SOLUTIONS / "reference", tree, ignore=shutil.ignore_patterns("__pycache__"))
    data = tmp_path / "data"
    data.mkdir()
    data.chmod(0o777)
    port = free_port()
    try:
        built = build_image(docker_client, tree, runtime, f"grader-{run_id}", labels)
        assert isinstance(built, Built), built
        container = docker_client.containers.run(
            built.image_id,
            detach=True,
            name=f"grader-{run_id}",
            labels=labels,
            environment={"DATABASE_PATH": "/data/notes.db"},
            ports={f"{runtime.port}/tcp": ("127.0.0.1", port)},
            volumes={str(data): {"bind": "/data", "mode": "rw"}},
        )
        ready = probe_until_ready(
            f"http://127.0.0.1:{port}",
            runtime.health_path,
            runtime.startup_timeout_s,
            port,
            lambda: container_state(container),
        )
        assert isinstance(ready, Ready), ready
        started_at = container.attrs["State"]["StartedAt"]

        done = run_restart_test(tmp_path / "suite", port, container.name)

        assert done.returncode == 0, done.stdout + done.stderr
        assert "1 passed" in done.stdout, done.stdout
        container.reload()
        assert container.attrs["State"]["StartedAt"] != started_at  # it really was restarted
    finally:
        remove_labelled(docker_client, run_id)
