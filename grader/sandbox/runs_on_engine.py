"""Which runs have left something on the engine, and which of them are still in progress.

Everything the harness makes is labelled with its run and with the `host/pid` of the grader
process that made it. A run is in progress while that process lives: on this host, asked of the
kernel; a run made on another host (a worker) cannot be asked, so it counts as in progress
and is removed only when named (`grader clean --run ID`). Things labelled before owners were
recorded have none: they are leftovers.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from typing import Any

from grader.sandbox.engine import LABEL_MANAGED, LABEL_OWNER, LABEL_RUN


@dataclass
class RunOnEngine:
    run_id: str
    owners: set[str] = field(default_factory=set)
    things: int = 0

    def live_owner(self) -> str | None:
        """An owner that still runs (or may: on another host), or None for a leftover."""
        return next((owner for owner in sorted(self.owners) if owner_may_live(owner)), None)


def runs_on_engine(client: Any) -> dict[str, RunOnEngine]:
    """Every run with a container, network, volume or image on the engine, by run id."""
    filters = {"label": [f"{LABEL_MANAGED}=true"]}
    labelled = [
        *(c.labels for c in client.containers.list(all=True, filters=filters)),
        *(n.attrs.get("Labels") or {} for n in client.networks.list(filters=filters)),
        *(v.attrs.get("Labels") or {} for v in client.volumes.list(filters=filters)),
        *(i.labels for i in client.images.list(all=True, filters=filters)),
    ]
    runs: dict[str, RunOnEngine] = {}
    for labels in labelled:
        run = runs.setdefault(labels.get(LABEL_RUN, ""), RunOnEngine(labels.get(LABEL_RUN, "")))
        run.things += 1
        if labels.get(LABEL_OWNER):
            run.owners.add(labels[LABEL_OWNER])
    return runs


def owner_may_live(owner: str) -> bool:
    host, _, pid = owner.rpartition("/")
    if host != socket.gethostname():
        return True
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, as another user's process
    return True
