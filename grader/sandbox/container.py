"""Run: start the submission's image as a hardened container on a network with no route out.

The container runs on its own `internal` Docker network (reachable from this host at its own
address; its outbound connections go nowhere), as a non-root user with every capability
dropped and no-new-privileges, on a read-only root with a size-capped tmpfs at /tmp (and over
every VOLUME the image declares), with memory (= swap), CPU, pids, file-size and log limits and
an init process. It is killed and removed explicitly, never with auto_remove, so its exit code,
OOM flag and logs stay readable until then.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docker.errors
from docker.types import LogConfig, Mount, Ulimit

from grader.core.errors import GraderError
from grader.core.task import RuntimeSpec
from grader.sandbox.engine import LABEL_RUN
from grader.sandbox.engine_host import remote_engine_host
from grader.sandbox.firewall import guard_host, unguard_host
from grader.sandbox.relay import Relay, start_relay, stop_relay

UNPRIVILEGED_USER = "10001:10001"
LOG_MAX_SIZE = "2m"
TAIL_LIMIT = 8000


class HostNotGuarded(GraderError):
    """The host cannot be closed to the container: a grader set-up fault, not a candidate's."""


@dataclass(frozen=True)
class AppContainer:
    container: Any
    network: Any
    address: str
    port: int
    relay: Relay | None = None
    volume: Any = None  # the data_dir's volume, on an engine of another host

    @property
    def base_url(self) -> str:
        return f"http://{self.address}:{self.port}"


@dataclass(frozen=True)
class StartFailure:
    reason: str
    log_tail: str = ""


@dataclass(frozen=True)
class ContainerState:
    running: bool
    exit_code: int | None
    oom_killed: bool

    def describe(self) -> str:
        if self.running:
            return "running"
        if self.oom_killed:
            return f"killed for using more memory than allowed (exit code {self.exit_code})"
        return f"exited with code {self.exit_code}"


def hardened_settings(
    runtime: RuntimeSpec,
    image_config: dict[str, Any],
    data_folder: Path | None = None,
    data_volume: str | None = None,
) -> dict[str, Any]:
    """The keyword arguments for `containers.create` that confine a submission.

    With `runtime.data_dir`, `data_folder` (a folder of the harness's) or `data_volume` (a
    volume of the engine's, when that is on another host) is mounted there: the one writable
    place that outlives a restart of the container.
    """
    tmpfs_options = f"rw,nosuid,nodev,size={runtime.tmpfs_mb}m"
    tmpfs = {"/tmp": tmpfs_options}  # noqa: S108 - the container's own /tmp
    for volume in image_config.get("Volumes") or {}:
        tmpfs[volume] = tmpfs_options  # a VOLUME would otherwise be writable disk
    env = {"HOME": "/tmp", "PORT": str(runtime.port), **runtime.env}  # noqa: S108
    file_limit = max(runtime.tmpfs_mb, 16) * 1024 * 1024
    mounts = []
    if runtime.data_dir:
        tmpfs.pop(runtime.data_dir, None)
        if data_volume is not None:
            mounts.append(Mount(target=runtime.data_dir, source=data_volume, type="volume"))
        elif data_folder is not None:
            mounts.append(Mount(target=runtime.data_dir, source=str(data_folder), type="bind"))
        else:
            raise ValueError("the task has a data_dir, but no folder was given for it")
    return {
        "mounts": mounts,
        "user": app_user(image_config),
        "environment": env,
        "read_only": True,
        "tmpfs": tmpfs,
        "cap_drop": ["ALL"],
        "security_opt": ["no-new-privileges:true"],
        "mem_limit": f"{runtime.memory_mb}m",
        "memswap_limit": f"{runtime.memory_mb}m",
        "nano_cpus": int(runtime.cpus * 1e9),
        "pids_limit": runtime.pids,
        "ulimits": [
            Ulimit(name="core", soft=0, hard=0),
            Ulimit(name="nofile", soft=1024, hard=1024),
            Ulimit(name="fsize", soft=file_limit, hard=file_limit),
        ],
        "log_config": LogConfig(
            type=LogConfig.types.JSON, config={"max-size": LOG_MAX_SIZE, "max-file": "1"}
        ),
        "healthcheck": {"test": ["NONE"]},  # the image's own checks run no command of its
        "init": True,
        "detach": True,
    }


def app_user(image_config: dict[str, Any]) -> str:
    """The user the app runs as: the image's own when it is unprivileged, else ours."""
    user = str(image_config.get("User") or "")
    return user if _is_unprivileged(user) else UNPRIVILEGED_USER


def _is_unprivileged(user: str) -> bool:
    """An image's USER kept as it is only when it is numeric and not root (uid and gid): a
    name, or `000`, may well be root in the image's own /etc/passwd."""
    uid, _, gid = user.partition(":")
    numbers = [uid, gid] if gid else [uid]
    return all(n.isdigit() and int(n) != 0 for n in numbers)


def start_app(
    client: Any,
    image_id: str,
    runtime: RuntimeSpec,
    name: str,
    labels: dict[str, str],
    data_folder: Path | None = None,
) -> AppContainer | StartFailure:
    network = client.networks.create(name, driver="bridge", internal=True, labels=labels)
    container = None
    volume = None
    remote = remote_engine_host() is not None
    try:
        network.reload()
        problem = guard_host(network, labels[LABEL_RUN])
        if problem:
            raise HostNotGuarded(
                f"cannot keep containers away from this host ({problem}); "
                "grading untrusted code without that is refused"
            )
        image_config = client.images.get(image_id).attrs.get("Config") or {}
        if remote and runtime.data_dir:  # a folder of this host's cannot be mounted there
            volume = data_volume(client, runtime, f"{name}-data", labels, app_user(image_config))
        settings = hardened_settings(
            runtime, image_config, data_folder, volume.name if volume is not None else None
        )
        container = client.containers.create(
            image_id,
            name=name,
            labels=labels,
            network=network.name,
            command=list(runtime.command) if runtime.command else None,
            **settings,
        )
        container.start()
        container.reload()
        address = container.attrs["NetworkSettings"]["Networks"][network.name]["IPAddress"]
    except docker.errors.APIError as error:
        tail = log_tail(container) if container is not None else ""
        stop_app_parts(container, network, volume)
        return StartFailure(f"the container could not start: {error.explanation or error}", tail)
    except BaseException:
        stop_app_parts(container, network, volume)
        raise
    if not address:
        state = container_state(container)
        tail = log_tail(container)
        stop_app_parts(container, network, volume)
        return StartFailure(f"the app {state.describe()} at once", tail)
    if not remote:
        return AppContainer(container, network, address, runtime.port)
    try:  # an engine on another host: reached through a relay at a port it publishes
        relay = start_relay(client, runtime.base_images[0], name, runtime.port, network, labels)
    except BaseException:
        stop_app_parts(container, network, volume)
        raise
    return AppContainer(container, network, relay.host, relay.port, relay, volume)


def data_volume(
    client: Any, runtime: RuntimeSpec, name: str, labels: dict[str, str], user: str
) -> Any:
    """An empty volume for the data_dir, owned by the user the app runs as (set by a
    container of the base image that does nothing else, with no network)."""
    volume = client.volumes.create(name, labels=labels)
    try:
        client.containers.run(
            runtime.base_images[0],
            ["chown", user, "/data"],
            remove=True,
            **owner_setter(volume, "/data", labels),
        )
    except BaseException:
        with contextlib.suppress(docker.errors.APIError):
            volume.remove(force=True)
        raise
    return volume


def container_state(container: Any) -> ContainerState:
    state = container.client.api.inspect_container(container.id)["State"]
    return ContainerState(
        running=bool(state.get("Running")),
        exit_code=None if state.get("Running") else state.get("ExitCode"),
        oom_killed=bool(state.get("OOMKilled")),
    )


def proc_net_tcp(container: Any) -> str:
    """The container's listening-socket tables, read by this host from its network namespace
    (`/proc/<pid>/net/tcp` of its first process). Nothing of the image is run for it: a `cat`
    of the candidate's could hang or lie. Empty when the engine is not on this host or the
    container has stopped."""
    if remote_engine_host() is not None:
        return ""  # its pid is of another host's kernel
    try:
        pid = int(container.client.api.inspect_container(container.id)["State"].get("Pid") or 0)
    except (docker.errors.APIError, ValueError, TypeError):
        return ""
    if pid <= 0:
        return ""
    texts = []
    for table in ("tcp", "tcp6"):
        try:
            with open(f"/proc/{pid}/net/{table}", encoding="ascii", errors="replace") as handle:
                texts.append(handle.read(TAIL_LIMIT * 4))
        except OSError:
            continue
    return "".join(texts)


def log_tail(container: Any, lines: int = 60) -> str:
    try:
        raw = container.logs(stdout=True, stderr=True, tail=lines)
    except docker.errors.APIError:
        return ""
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else str(raw)
    return text[-TAIL_LIMIT:]


def full_log(container: Any) -> str:
    """Everything the app printed (bounded by the container's log size limit)."""
    return log_tail(container, lines=100_000)


def owner_setter(volume: Any, target: str, labels: dict[str, str]) -> dict[str, Any]:
    """Settings of a container that only sets owners in a volume mounted at `target`: root
    with no power but to change owners, and no network."""
    return {
        "user": "0:0",
        "cap_drop": ["ALL"],
        "cap_add": ["CHOWN"],
        "network_mode": "none",
        "mounts": [Mount(target=target, source=volume.name, type="volume")],
        "labels": labels,
    }


def stop_app(app: AppContainer) -> None:
    stop_relay(app.relay)  # first: it is on the app's network
    stop_app_parts(app.container, app.network, app.volume)


def stop_app_parts(container: Any, network: Any, volume: Any = None) -> None:
    """Kill and remove the container (with its anonymous volumes and its data volume), then
    its network and rule."""
    if container is not None:
        with contextlib.suppress(docker.errors.NotFound, docker.errors.APIError):
            container.remove(force=True, v=True)
    if volume is not None:
        with contextlib.suppress(docker.errors.NotFound, docker.errors.APIError):
            volume.remove(force=True)
    if network is not None:
        unguard_host(network, network.attrs.get("Labels", {}).get(LABEL_RUN, ""))
        with contextlib.suppress(docker.errors.NotFound, docker.errors.APIError):
            network.remove()
