"""Restarting the app under test in the middle of a suite, for persistence checks.

The pytest plugin's `restart_app` fixture calls this from the suite's process: it restarts the
same container (same image, same data folder, same network) and waits until the health path
answers again, reusing the probe that judged the first start. The app is reached at the
container's own address (under the grader) or, when the tests were pointed at the loopback, at
the host port the container publishes (`docker run -p 127.0.0.1:8000:8000`, on a candidate's
machine), or through the relay of an engine on another host (`sandbox.relay`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import SplitResult, urlsplit

from grader.sandbox.container import container_state
from grader.sandbox.engine import connect
from grader.sandbox.engine_host import remote_engine_host
from grader.stages.probe.probe import NotReady, probe_until_ready

STOP_GRACE_S = 3
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def restart_container(container_id: str, base_url: str, health_path: str, timeout_s: float) -> str:
    """Restart and wait until ready; returns why the app did not come back, or ''."""
    client = connect(timeout_s=60)
    try:
        container = client.containers.get(container_id)
        container.restart(timeout=STOP_GRACE_S)
        container.reload()
        address = urlsplit(base_url)
        moved = moved_away(container.attrs["NetworkSettings"], address)
        if moved:
            return moved
        ready = probe_until_ready(
            base_url,
            health_path,
            timeout_s,
            address.port or 80,
            lambda: container_state(container),
        )
        if isinstance(ready, NotReady):
            return f"the app did not come back after a restart: {ready.reason}"
        return ""
    finally:
        client.close()


def moved_away(network_settings: dict[str, Any], address: SplitResult) -> str:
    """Why the restarted container no longer answers at the tests' address, or ''."""
    port = address.port or 80
    relayed = remote_engine_host()
    if relayed is not None and address.hostname == relayed:
        return ""  # the relay finds the app by its name, wherever the restart put it
    if address.hostname in LOOPBACK:
        published = {
            int(binding["HostPort"])
            for bindings in (network_settings.get("Ports") or {}).values()
            for binding in bindings or ()
            if str(binding.get("HostPort", "")).isdigit()
        }
        if port not in published:
            return f"after the restart the app publishes host ports {sorted(published)}, not {port}"
        return ""
    networks = (network_settings.get("Networks") or {}).values()
    addresses = {network["IPAddress"] for network in networks}
    if address.hostname not in addresses:
        return f"after the restart the app is at {sorted(addresses)}, not {address.hostname}"
    return ""
