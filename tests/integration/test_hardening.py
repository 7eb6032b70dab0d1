"""The submission's container is confined, as Docker itself reports and as seen from inside.

Escape attempts aim only at listeners this test runs on this machine: the docker0 address and
the run network's own gateway address (both are the host).
"""

from __future__ import annotations

import json
import socket
import subprocess
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from grader.runs.task_files import TaskLocation, load_task
from grader.sandbox.container import AppContainer, start_app, stop_app
from grader.sandbox.engine import labels_for
from grader.stages.build.image import Built, build_image
from grader.stages.intake.take_in import IntakeLimits, SourceTree, take_in
from tests.conftest import REPO, SOLUTIONS

RUN_ID = "hardening"


@pytest.fixture(scope="module")
def app(docker_client: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContainer]:
    task = load_task("notes-api", TaskLocation.find(REPO / "tasks"))
    tree = take_in(
        str(SOLUTIONS / "reference"), tmp_path_factory.mktemp("h") / "src", IntakeLimits()
    )
    assert isinstance(tree, SourceTree)
    labels = labels_for(RUN_ID, "reference")
    built = build_image(docker_client, tree.path, task.spec.runtime, "grader-hardening", labels)
    assert isinstance(built, Built), built
    started = start_app(
        docker_client, built.image_id, task.spec.runtime, "grader-hardening", labels
    )
    assert isinstance(started, AppContainer), started
    try:
        yield started
    finally:
        stop_app(started)
        docker_client.images.remove(built.image_id, force=True)


def run_inside(app: AppContainer, code: str) -> tuple[int, str]:
    exit_code, output = app.container.exec_run(["python", "-c", code])
    return exit_code, output.decode("utf-8", "replace")


def test_docker_reports_the_confinement(app: AppContainer, docker_client: Any) -> None:
    attrs = docker_client.api.inspect_container(app.container.id)
    host = attrs["HostConfig"]
    assert host["ReadonlyRootfs"] is True
    assert host["CapDrop"] == ["ALL"]
    assert "no-new-privileges:true" in host["SecurityOpt"]
    assert host["Memory"] == 256 * 1024 * 1024
    assert host["MemorySwap"] == host["Memory"], "no swap beyond the memory limit"
    assert host["PidsLimit"] == 128
    assert host["NanoCpus"] == 1_000_000_000
    assert host["Init"] is True
    assert host["AutoRemove"] is False
    assert host["LogConfig"] == {"Type": "json-file", "Config": {"max-file": "1", "max-size": "2m"}}
    assert "/tmp" in host["Tmpfs"]
    assert attrs["Config"]["User"] == "10001:10001"
    assert docker_client.api.inspect_network(app.network.id)["Internal"] is True


def test_inside_it_is_unprivileged_and_read_only(app: AppContainer) -> None:
    code, output = run_inside(
        app,
        "import os\n"
        "print(os.getuid())\n"
        "try:\n open('/app/x', 'w')\nexcept OSError as e:\n print('readonly', e.errno)\n"
        "open('/tmp/ok', 'w').write('fine'); print('tmp ok')\n",
    )
    assert code == 0, output
    assert output.split()[0] == "10001"
    assert "readonly 30" in output  # EROFS
    assert "tmp ok" in output


def _host_addresses(app: AppContainer) -> list[str]:
    shown = subprocess.run(
        ["ip", "-j", "-4", "addr", "show", "docker0"], capture_output=True, text=True, check=True
    )
    docker0 = json.loads(shown.stdout)[0]["addr_info"][0]["local"]
    app.network.reload()
    gateway = app.network.attrs["IPAM"]["Config"][0]["Gateway"]
    return [docker0, gateway]


def test_it_cannot_reach_this_host_or_beyond(app: AppContainer) -> None:
    contacted: list[str] = []
    listeners = []
    for address in _host_addresses(app):
        server = socket.socket()
        server.bind((address, 0))
        server.listen(4)
        server.settimeout(0.2)
        listeners.append(server)

    stop = threading.Event()

    def accept(server: socket.socket) -> None:
        while not stop.is_set():
            try:
                connection, peer = server.accept()
            except OSError:
                continue
            contacted.append(f"{server.getsockname()} from {peer}")
            connection.close()

    threads = [threading.Thread(target=accept, args=(s,), daemon=True) for s in listeners]
    for thread in threads:
        thread.start()
    targets = [server.getsockname() for server in listeners]
    try:
        code, output = run_inside(
            app,
            "import socket\n"
            f"for address in {targets!r}:\n"
            "    s = socket.socket(); s.settimeout(2)\n"
            "    try:\n"
            "        s.connect(tuple(address)); print('CONNECTED', address)\n"
            "    except OSError as error:\n"
            "        print('blocked', address, type(error).__name__)\n",
        )
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=2)
        for server in listeners:
            server.close()
    assert code == 0, output
    assert "CONNECTED" not in output, output
    assert output.count("blocked") == len(targets), output
    assert contacted == [], "a listener on this host was contacted from the container"


def test_the_harness_still_reaches_the_app(app: AppContainer) -> None:
    response = httpx.get(app.base_url + "/health", timeout=5)
    assert response.status_code == 200


def test_the_host_rule_is_in_place_while_it_runs(app: AppContainer) -> None:
    rules = subprocess.run(["iptables", "-S", "INPUT"], capture_output=True, text=True).stdout
    assert f"grader:{RUN_ID}" in rules
