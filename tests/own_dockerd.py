"""A dockerd of a test's own, beside the engine every other test uses: its socket, data root,
default bridge and address pool, with the base image copied in from the first engine (no
registry is needed). Needs root and `dockerd`; the caller fails (under CI) or skips otherwise."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docker
from tests.conftest import BASE_IMAGE


@dataclass(frozen=True)
class OwnEngine:
    socket_host: str  # unix://…/docker.sock, for the test's own client
    log: Path


@contextlib.contextmanager
def own_dockerd(
    first: Any,
    bridge: str,
    bridge_cidr: str,
    address_pool: str,
    tcp: str | None = None,
) -> Iterator[OwnEngine]:
    """Start the engine; `tcp` (`ADDRESS:PORT`) makes it listen there too, without TLS.

    Its default bridge is an interface of its own (`bridge`, 15 characters at most): with
    `--bridge none` dockerd deletes the interface docker0, which belongs to the first engine.
    """
    binary = shutil.which("dockerd")
    assert binary is not None, "dockerd is not installed"
    root = Path(tempfile.mkdtemp(prefix="grader-dockerd-", dir="/tmp"))
    host = f"unix://{root}/docker.sock"
    log_path = root / "dockerd.log"
    first_bridge = Path("/sys/class/net/docker0").exists()
    subprocess.run(["ip", "link", "add", bridge, "type", "bridge"], check=True)
    subprocess.run(["ip", "addr", "add", bridge_cidr, "dev", bridge], check=True)
    subprocess.run(["ip", "link", "set", bridge, "up"], check=True)
    listen = ["--host", host] + (["--host", f"tcp://{tcp}"] if tcp else [])
    with log_path.open("wb") as log:
        daemon = subprocess.Popen(
            [binary, *listen, "--data-root", str(root / "data"), "--exec-root",
             str(root / "exec"), "--pidfile", str(root / "dockerd.pid"), "--bridge", bridge,
             "--default-address-pool", f"base={address_pool},size=24"],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    client = None
    try:
        wait_until(lambda: engine_up(host), 90, f"the dockerd of {bridge} did not start")
        assert Path("/sys/class/net/docker0").exists() or not first_bridge, (
            "the second engine removed the first engine's docker0"
        )
        client = docker.DockerClient(base_url=host, timeout=300)
        client.images.load(b"".join(first.images.get(BASE_IMAGE).save(named=True)))
        yield OwnEngine(host, log_path)
    finally:
        if client is not None:
            client.close()
        daemon.terminate()
        daemon.wait(timeout=60)
        subprocess.run(["ip", "link", "delete", bridge], check=False)
        shutil.rmtree(root, ignore_errors=True)


def engine_up(host: str) -> bool:
    """The engine answers its ping (asked over its socket by hand: a client made before the
    engine is up leaves its socket open)."""
    try:
        with socket.socket(socket.AF_UNIX) as connection:
            connection.settimeout(2)
            connection.connect(host.removeprefix("unix://"))
            connection.sendall(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
            return connection.recv(64).startswith(b"HTTP/1.0 200")
    except OSError:
        return False


def wait_until(ready: Any, timeout_s: float, failure: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.5)
    raise AssertionError(failure)
