"""Reach an app on an engine of another host (`DOCKER_HOST=tcp://docker:2375`, a CI job beside
a `docker:dind` service): through a relay that engine runs, at a port it publishes.

The grader reaches an app at its address on its `internal` network, which only the engine's own
host can route to. A CI job talks to an engine in another container or machine and cannot; the
engine's published ports are what it can reach, and an `internal` network publishes none. So
beside the app the engine runs a relay: a container of the task's base image (Python, nothing
of the submission) on a network of its own that publishes one port, and on the app's network,
that passes each connection on to the app by its container name (which a restart keeps). The
app still has no route out: the relay only ever connects to the app.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

import docker.errors

from grader.core.errors import GraderError
from grader.sandbox.engine_host import remote_engine_host

RELAY_PORT = 8080
RELAY_USER = "10001:10001"

# Each connection is joined to one of the app's; when a side has sent everything, the other
# side is told (a half close), so a request and its response both arrive whole.
RELAY_SCRIPT = """
import asyncio, sys
TARGET, PORT, LISTEN = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
async def pipe(reader, writer):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
    except (OSError, RuntimeError):
        pass
async def join(reader, writer):
    try:
        app_reader, app_writer = await asyncio.open_connection(TARGET, PORT)
    except OSError:
        writer.close()
        return
    await asyncio.gather(pipe(reader, app_writer), pipe(app_reader, writer))
    app_writer.close()
    writer.close()
async def main():
    server = await asyncio.start_server(join, "0.0.0.0", LISTEN)
    async with server:
        await server.serve_forever()
asyncio.run(main())
"""


class RelayFailed(GraderError):
    """The engine published no port for the relay: a set-up fault, not the candidate's."""


@dataclass(frozen=True)
class Relay:
    container: Any
    network: Any
    host: str
    port: int


def start_relay(
    client: Any, image: str, app_name: str, app_port: int, app_network: Any, labels: dict[str, str]
) -> Relay:
    """Start the relay to the app `app_name` on `app_network`; the caller removes it with
    `stop_relay` (its labels also let `grader clean` find it)."""
    host = remote_engine_host() or "127.0.0.1"
    name = f"{app_name}-relay"
    network = client.networks.create(name, driver="bridge", labels=labels)
    container = None
    try:
        container = client.containers.create(
            image,
            name=name,
            labels=labels,
            network=network.name,
            entrypoint=["python3", "-c", RELAY_SCRIPT],
            command=[app_name, str(app_port), str(RELAY_PORT)],
            ports={f"{RELAY_PORT}/tcp": None},
            user=RELAY_USER,
            read_only=True,
            cap_drop=["ALL"],
            security_opt=["no-new-privileges:true"],
            mem_limit="64m",
            memswap_limit="64m",
            pids_limit=64,
            init=True,
            detach=True,
        )
        app_network.connect(container)
        container.start()
        container.reload()
        bindings = container.attrs["NetworkSettings"]["Ports"].get(f"{RELAY_PORT}/tcp") or []
        ports = [int(b["HostPort"]) for b in bindings if str(b.get("HostPort", "")).isdigit()]
        if not ports:
            raise RelayFailed(f"the engine at {host} published no port for the relay to the app")
    except BaseException:
        stop_relay_parts(container, network)
        raise
    return Relay(container, network, host, ports[0])


def stop_relay(relay: Relay | None) -> None:
    if relay is not None:
        stop_relay_parts(relay.container, relay.network)


def stop_relay_parts(container: Any, network: Any) -> None:
    if container is not None:
        with contextlib.suppress(docker.errors.NotFound, docker.errors.APIError):
            container.remove(force=True, v=True)
    if network is not None:
        with contextlib.suppress(docker.errors.NotFound, docker.errors.APIError):
            network.remove()
