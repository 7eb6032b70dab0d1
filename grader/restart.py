"""Restarting the app under test in the middle of a suite, for persistence checks.

The pytest plugin's `restart_app` fixture calls this from the suite's process: it restarts the
same container (same image, same data folder, same network) and waits until the health path
answers again, reusing the probe that judged the first start.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from grader.engine import connect
from grader.probe import NotReady, probe_until_ready
from grader.run import container_state

STOP_GRACE_S = 3


def restart_container(container_id: str, base_url: str, health_path: str, timeout_s: float) -> str:
    """Restart and wait until ready; returns why the app did not come back, or ''."""
    client = connect(timeout_s=60)
    try:
        container = client.containers.get(container_id)
        container.restart(timeout=STOP_GRACE_S)
        container.reload()
        networks = container.attrs["NetworkSettings"]["Networks"].values()
        addresses = {network["IPAddress"] for network in networks}
        address = urlsplit(base_url)
        if address.hostname not in addresses:
            return f"after the restart the app is at {sorted(addresses)}, not {address.hostname}"
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
