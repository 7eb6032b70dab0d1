"""Where the Docker engine runs: on this host, or on another one the grader reaches over TCP.

On this host (a unix socket, or TCP to the loopback) the grader reaches a container at its own
address and its firewall rules guard the engine's bridges. On another host (`DOCKER_HOST` of
`tcp://docker:2375`, as a CI job beside a `docker:dind` service has it, or `ssh://`) neither
holds: apps are reached through a relay at a port the engine publishes (`sandbox.relay`), and
this host's firewall guards nothing of that engine's.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import urlsplit

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", ""})


def remote_engine_host(environ: Mapping[str, str] | None = None) -> str | None:
    """The engine's host name when it runs on another host, else None."""
    address = (os.environ if environ is None else environ).get("DOCKER_HOST", "").strip()
    scheme = address.partition("://")[0].lower()
    if scheme not in ("tcp", "http", "https", "ssh"):
        return None  # unix://, npipe:// or unset: the engine is on this host
    host = (urlsplit(address).hostname or "").lower()
    if host in LOOPBACK_NAMES or host.startswith("127."):
        return None
    return host
