"""The Docker engine: connecting to it, labelling what the harness makes, cleaning it up.

Every container, network and image the harness creates carries `LABEL_MANAGED`, and the id of
the run that made it, so `grader clean` can find leftovers of a run that was killed.
"""

from __future__ import annotations

import gc
import os
import socket
import time
import warnings
from dataclasses import dataclass, field
from typing import Any

import docker.errors
import requests

import docker
from grader.core.errors import EngineUnavailable
from grader.sandbox.build_confinement import CGROUP_PREFIX, remove_cgroups
from grader.sandbox.firewall import remove_leftover_rules

LABEL_MANAGED = "io.grader.managed"
LABEL_RUN = "io.grader.run"
LABEL_SUBMISSION = "io.grader.submission"
LABEL_OWNER = "io.grader.owner"  # host/pid of the grader process that made it
IMAGE_PASSES = 5
CONTAINER_PASSES = 3
POOL_SIZE = 64  # connections to the engine: enough for the largest --jobs and its probes


def connect(timeout_s: float = 60.0) -> Any:
    """A `docker.DockerClient` on the engine from the environment, or `EngineUnavailable`."""
    problem = ""
    # The SDK's API-version probe (in the client's constructor) drops its socket unclosed when no
    # engine answers; that socket is released here, inside this filter, not at some later gc.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        client = None
        try:
            client = docker.DockerClient.from_env(timeout=int(timeout_s), max_pool_size=POOL_SIZE)
            client.ping()
        except (docker.errors.DockerException, requests.RequestException) as error:
            problem = str(error)
            if client is not None:
                client.close()
        if problem:
            gc.collect()
    if problem:
        raise EngineUnavailable(
            f"no Docker engine answers ({problem}); start one, for example with "
            "`bash docker/ensure-engine.sh` (as root), then `grader doctor`"
        )
    return client


def labels_for(run_id: str, submission_id: str) -> dict[str, str]:
    return {
        LABEL_MANAGED: "true",
        LABEL_RUN: run_id,
        LABEL_SUBMISSION: submission_id,
        LABEL_OWNER: this_process(),
    }


def this_process() -> str:
    """`host/pid` of this process: how `grader clean` tells a run in progress from a leftover."""
    return f"{socket.gethostname()}/{os.getpid()}"


def require_image(client: Any, image: str) -> None:
    """The base image submissions build from: present, or pulled where a registry answers."""
    try:
        client.images.get(image)
        return
    except docker.errors.ImageNotFound:
        pass
    try:
        client.images.pull(image)
    except (docker.errors.APIError, requests.RequestException) as error:
        raise EngineUnavailable(
            f"base image {image} is not on this engine and could not be pulled "
            f"({error}); make it with `bash docker/ensure-base-image.sh {image}`"
        ) from None


@dataclass
class Removed:
    containers: list[str] = field(default_factory=list)
    networks: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    volumes: list[str] = field(default_factory=list)
    firewall_rules: int = 0
    build_cgroups: int = 0
    errors: list[str] = field(default_factory=list)

    def merged(self, other: Removed) -> Removed:
        return Removed(
            self.containers + other.containers,
            self.networks + other.networks,
            self.images + other.images,
            self.volumes + other.volumes,
            self.firewall_rules + other.firewall_rules,
            self.build_cgroups + other.build_cgroups,
            self.errors + other.errors,
        )

    def describe(self) -> str:
        return (
            f"{len(self.containers)} container(s), {len(self.networks)} network(s), "
            f"{len(self.volumes)} volume(s), {len(self.images)} image(s), "
            f"{self.firewall_rules} firewall rule(s)"
        )


def remove_labelled(client: Any, run_id: str | None = None) -> Removed:
    """Remove every container, network, volume and image labelled by the harness (or one run)."""
    wanted = [f"{LABEL_MANAGED}=true"] + ([f"{LABEL_RUN}={run_id}"] if run_id else [])
    filters = {"label": wanted}
    removed = Removed()
    for attempt in range(CONTAINER_PASSES):  # a container full of processes may resist a kill
        left = client.containers.list(all=True, filters=filters)
        if not left:
            break
        if attempt:
            time.sleep(attempt)
        this_pass = Removed()
        for container in left:
            if _attempt(
                this_pass, container.name, lambda c=container: c.remove(force=True, v=True)
            ):
                removed.containers.append(container.name)
        if attempt == CONTAINER_PASSES - 1:
            removed.errors.extend(this_pass.errors)
    for network in client.networks.list(filters=filters):
        if _attempt(removed, network.name, network.remove):
            removed.networks.append(network.name)
    for volume in client.volumes.list(filters=filters):
        if _attempt(removed, volume.name, lambda v=volume: v.remove(force=True)):
            removed.volumes.append(volume.name)
    removed.images = _remove_images(client, filters, removed.errors)
    removed.firewall_rules = remove_leftover_rules(run_id)
    removed.build_cgroups = remove_cgroups(f"{CGROUP_PREFIX}{run_id}-*" if run_id else None)
    return removed


def _remove_images(client: Any, filters: dict[str, list[str]], errors: list[str]) -> list[str]:
    """Remove labelled images in passes: the engine lists them in no order, and a parent layer
    cannot go before its children.

    Only the layers the filter names go: a build's last LABEL steps, which carry the run's
    label. The layers beneath them, the submission's own instructions, its dependencies and
    the first LABEL step (`io.grader.managed`, the same for every build), are kept as the
    build cache, so a later build of the same dependencies, or of the same submission, reuses
    them; `grader clean` removes that LABEL layer, and `prune_build_cache` the rest."""
    removed: list[str] = []
    refused: dict[str, str] = {}
    for _ in range(IMAGE_PASSES):
        left = client.images.list(all=True, filters=filters)
        progress = False
        for image in left:
            try:
                client.images.remove(image.id, force=True, noprune=True)
            except docker.errors.NotFound:
                continue  # removed meanwhile
            except docker.errors.APIError as error:
                refused[image.short_id] = str(error.explanation or error)
                continue
            removed.append(image.short_id)
            refused.pop(image.short_id, None)
            progress = True
        if not left or not progress:
            break
    still_there = {image.short_id for image in client.images.list(all=True, filters=filters)}
    errors.extend(
        f"{short_id}: {why}" for short_id, why in refused.items() if short_id in still_there
    )
    return removed


def prune_build_cache(client: Any) -> tuple[int, int]:
    """Remove the engine's dangling images (the build cache graded submissions left), and how
    many went and how many bytes that freed. Dangling images of other builds go too."""
    pruned = client.images.prune(filters={"dangling": True})
    return len(pruned.get("ImagesDeleted") or []), int(pruned.get("SpaceReclaimed") or 0)


def _attempt(removed: Removed, name: str, action: Any) -> bool:
    """Run a removal; True if it removed something, False if it was already gone or failed."""
    try:
        action()
    except docker.errors.NotFound:
        return False
    except docker.errors.APIError as error:
        removed.errors.append(f"{name}: {error.explanation or error}")
        return False
    return True
