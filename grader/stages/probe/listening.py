"""Why an app that never answered may have been unreachable: it listens, but not where asked.

Pure: reads the text of the container's /proc/net/tcp and /proc/net/tcp6 (as `cat` prints
them) and compares the listening sockets with the task's port.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from grader.core.result import Status

LISTEN = "0A"
LOOPBACKS = ("127.", "::1", "::ffff:127.")


@dataclass(frozen=True)
class Diagnosis:
    status: Status
    reason: str


def listening_sockets(proc_net_tcp: str) -> list[tuple[str, int]]:
    """(address, port) of every listening TCP socket in /proc/net/tcp{,6} text."""
    found = []
    for line in proc_net_tcp.splitlines():
        fields = line.split()
        if len(fields) < 4 or fields[3] != LISTEN or ":" not in fields[1]:
            continue
        address_hex, _, port_hex = fields[1].partition(":")
        try:
            found.append((_address(address_hex), int(port_hex, 16)))
        except ValueError:
            continue
    return sorted(set(found))


def _address(text: str) -> str:
    raw = bytes.fromhex(text)
    if len(raw) == 4:
        return str(ipaddress.IPv4Address(raw[::-1]))
    # IPv6 in /proc: four 32-bit words, each in host (little-endian) order
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
    return str(ipaddress.IPv6Address(words))


def diagnose(sockets: list[tuple[str, int]], port: int) -> Diagnosis | None:
    """wrong_bind or wrong_port, when the sockets show it; None when they explain nothing."""
    on_port = [address for address, bound in sockets if bound == port]
    if on_port and all(address.startswith(LOOPBACKS) for address in on_port):
        return Diagnosis(
            Status.WRONG_BIND,
            f"listens on {on_port[0]}:{port} only, which nothing outside the container can "
            f"reach; bind 0.0.0.0:{port} (for example `gunicorn --bind 0.0.0.0:{port}`, or "
            f"`app.run(host='0.0.0.0', port={port})`)",
        )
    others = sorted({bound for address, bound in sockets if not address.startswith(LOOPBACKS)})
    if not on_port and others:
        listed = ", ".join(str(other) for other in others)
        return Diagnosis(
            Status.WRONG_PORT,
            f"listens on port {listed}, but the task's port is {port}; listen on 0.0.0.0:{port}",
        )
    return None
