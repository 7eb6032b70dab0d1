"""Confine a build as a run is confined, as far as the engine's classic builder allows.

The engine runs each `RUN` step of a build in a container of its own making; the build API
takes no pids limit, so those containers are placed under a cgroup of the harness's
(`cgroupparent`) whose `pids.max` bounds every process of the build together. The same cgroup
is how the harness tells its build's containers from any other on the engine: the images a
failed build leaves are found through them (the engine's own records), never through the build
log, which the submission writes. RUN steps reach the network only through a bridge network of
the build's own (`build_network = "outbound"`), closed to this host and to private addresses,
or not at all (`"none"`).

Where a bound cannot be set here (no root, no cgroup v1 `pids` hierarchy, a systemd cgroup
driver), `BuildConfinement.unbounded` says which, and the build still runs: the time, memory
and disk bounds of `build` hold regardless.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docker.errors

from grader.core.errors import GraderError
from grader.core.task import RuntimeSpec
from grader.sandbox.engine_host import remote_engine_host
from grader.sandbox.firewall import guard_outbound, unguard_outbound

CGROUP_ROOT = Path("/sys/fs/cgroup")
CGROUP_PREFIX = "grader-build-"
BUILD_PIDS = 512  # pip and compilers fork; a fork bomb stops here


class BuildNotConfined(GraderError):
    """The build network cannot be closed to this host: a set-up fault, not a candidate's."""


@dataclass(frozen=True)
class BuildConfinement:
    network_mode: str  # "none", or the name of the build's own network
    cgroup_parent: str | None  # None: the engine's default, and no pids bound
    unbounded: tuple[str, ...] = field(default_factory=tuple)  # bounds that could not be set

    def containers(self, client: Any) -> list[dict[str, Any]]:
        """The engine's records of this build's step containers (running or left by a failure)."""
        if self.cgroup_parent is None:
            return []
        found = []
        for summary in client.api.containers(all=True):
            try:
                record = client.api.inspect_container(summary["Id"])
            except docker.errors.NotFound:
                continue
            if (record.get("HostConfig") or {}).get("CgroupParent") == self.cgroup_parent:
                found.append(record)
        return found


@contextlib.contextmanager
def confine_build(
    client: Any, runtime: RuntimeSpec, name: str, labels: dict[str, str], run_id: str
) -> Iterator[BuildConfinement]:
    """The settings a build runs under; everything made for it is removed on leaving."""
    cgroup, why_not = _make_cgroup(name)
    network = None
    try:
        if runtime.build_network == "outbound":
            network = client.networks.create(f"{name}-build", driver="bridge", labels=labels)
            network.reload()
            problem = guard_outbound(network, run_id)
            if problem:
                raise BuildNotConfined(
                    f"cannot keep builds away from this host ({problem}); "
                    "building untrusted code without that is refused"
                )
        yield BuildConfinement(
            network_mode=network.name if network is not None else "none",
            cgroup_parent=cgroup,
            unbounded=(f"processes: {why_not}",) if why_not else (),
        )
    finally:
        if network is not None:
            unguard_outbound(network, run_id)
            with contextlib.suppress(docker.errors.NotFound, docker.errors.APIError):
                network.remove()
        if cgroup is not None:
            remove_cgroups(cgroup)


def _make_cgroup(name: str) -> tuple[str | None, str]:
    """A pids-bounded cgroup for the build's containers, or None and why not."""
    pids = CGROUP_ROOT / "pids"
    remote = remote_engine_host()
    if remote is not None:
        return None, f"the engine runs on another host ({remote})"
    if os.geteuid() != 0:
        return None, "the grader is not running as root"
    if not (pids / "pids.max").exists() and not (pids / "cgroup.procs").exists():
        return None, "no cgroup v1 pids hierarchy at /sys/fs/cgroup/pids"
    cgroup = CGROUP_PREFIX + name.removeprefix("grader-")
    try:
        (pids / cgroup).mkdir(exist_ok=True)
        (pids / cgroup / "pids.max").write_text(str(BUILD_PIDS))
    except OSError as error:
        return None, f"the pids cgroup could not be made ({error.strerror})"
    return cgroup, ""


def remove_cgroups(pattern: str | None = None) -> int:
    """Remove the build cgroup folders a glob pattern names (by default every build's) in
    every hierarchy; how many went. One still holding a process cannot go; a later
    `grader clean` removes it."""
    removed = 0
    pattern = pattern if pattern is not None else f"{CGROUP_PREFIX}*"
    for folder in sorted(CGROUP_ROOT.glob(f"*/{pattern}")):
        # the engine removes its containers' own folders beneath; what is left is empty
        for child in sorted((p for p in folder.iterdir() if p.is_dir()), reverse=True):
            with contextlib.suppress(OSError):
                child.rmdir()
        try:
            folder.rmdir()
            removed += 1
        except OSError:
            continue
    return removed
