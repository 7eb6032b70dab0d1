"""Keep a submission's container from opening connections to the grading host itself.

An `internal` Docker network has no route to the outside world, but the host is on-link: its
bridge address (and every other host address, such as docker0's) answers a container's
connection through the INPUT chain, which Docker's isolation rules do not cover. So for each
run network the harness adds one INPUT rule on its bridge that drops new connections coming
from the containers; replies to the harness's own requests (established connections) pass.

A build network has a route out (to package indexes), so besides the host its containers are
kept from private and link-local addresses (other machines of the grader's own network, cloud
metadata services) by rules in Docker's DOCKER-USER chain.

Each rule carries a comment naming the run, so `grader clean` can remove leftovers. This needs
root and iptables on the host running the engine; where either is missing, or the engine runs
on another host (`sandbox.engine_host`), `guard_host` says so and the caller refuses to grade
unless GRADER_ALLOW_HOST_ACCESS=1 says the code is one's own.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import subprocess
from typing import Any

from grader.sandbox.engine_host import remote_engine_host

COMMENT_PREFIX = "grader:"
PRIVATE_RANGES = (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10",
)  # fmt: skip
CHAINS = ("INPUT", "DOCKER-USER")


def bridge_name(network: Any) -> str:
    options = network.attrs.get("Options") or {}
    return str(options.get("com.docker.network.bridge.name") or f"br-{network.id[:12]}")


def _rule(bridge: str, run_id: str) -> list[str]:
    return [
        "INPUT", "-i", bridge, "-m", "conntrack", "--ctstate", "NEW",
        "-m", "comment", "--comment", f"{COMMENT_PREFIX}{run_id}", "-j", "DROP",
    ]  # fmt: skip


def firewall_available() -> str:
    """Empty when rules can be set here, else why not."""
    if shutil.which("iptables") is None:
        return "iptables is not installed"
    if os.geteuid() != 0:
        return "the grader is not running as root"
    return ""


ALLOW_HOST_ACCESS = "GRADER_ALLOW_HOST_ACCESS"


def guard_problem() -> str:
    """Why containers cannot be kept off the engine's host from here, or ''."""
    remote = remote_engine_host()
    if remote is not None:
        return f"the engine runs on another host ({remote}), which this host's rules cannot guard"
    return firewall_available()


def guard_host(network: Any, run_id: str) -> str:
    """Drop new connections from the network's containers to this host. Returns a problem, or ''.

    With GRADER_ALLOW_HOST_ACCESS=1 no rule is set (for grading one's own code where root is
    not available); the container can then reach services listening on this host.
    """
    if os.environ.get(ALLOW_HOST_ACCESS) == "1":
        return ""
    problem = guard_problem()
    if problem:
        return problem
    done = _iptables("-I", *_rule(bridge_name(network), run_id))
    return "" if done.returncode == 0 else f"iptables refused the rule: {done.stderr.strip()}"


def unguard_host(network: Any, run_id: str) -> None:
    if not firewall_available():
        _iptables("-D", *_rule(bridge_name(network), run_id))


def _private_rules(bridge: str, run_id: str) -> list[list[str]]:
    """Drops to private ranges, then (inserted last, so first in the chain) the host's own
    name servers, which the engine's DNS asks from inside the container's namespace."""
    comment = ["-m", "comment", "--comment", f"{COMMENT_PREFIX}{run_id}"]
    drops = [
        ["DOCKER-USER", "-i", bridge, "-d", cidr, *comment, "-j", "DROP"] for cidr in PRIVATE_RANGES
    ]
    name_servers = [
        ["DOCKER-USER", "-i", bridge, "-d", server, "-p", protocol, "--dport", "53", *comment,
         "-j", "ACCEPT"]
        for server in host_name_servers()
        for protocol in ("udp", "tcp")
    ]  # fmt: skip
    return drops + name_servers


def host_name_servers(resolv_conf: str = "/etc/resolv.conf") -> list[str]:
    """The IPv4 name servers this host uses (loopback ones excepted: the engine replaces them)."""
    try:
        with open(resolv_conf, encoding="utf-8", errors="replace") as handle:
            lines = handle.read(65536).splitlines()
    except OSError:
        return []
    servers = []
    for line in lines:
        words = line.split()
        if len(words) >= 2 and words[0] == "nameserver":
            try:
                address = ipaddress.ip_address(words[1])
            except ValueError:
                continue
            if address.version == 4 and not address.is_loopback:
                servers.append(str(address))
    return servers


def guard_outbound(network: Any, run_id: str) -> str:
    """For a network with a route out: drop its containers' connections to this host and to
    private and link-local addresses. Returns a problem, or ''. Undone by `unguard_outbound`."""
    problem = guard_host(network, run_id)
    if problem or os.environ.get(ALLOW_HOST_ACCESS) == "1":
        return problem
    for rule in _private_rules(bridge_name(network), run_id):
        done = _iptables("-I", *rule)
        if done.returncode != 0:
            unguard_outbound(network, run_id)
            return f"iptables refused the rule: {done.stderr.strip()}"
    return ""


def unguard_outbound(network: Any, run_id: str) -> None:
    unguard_host(network, run_id)
    if not firewall_available():
        for rule in _private_rules(bridge_name(network), run_id):
            _iptables("-D", *rule)


def remove_leftover_rules(run_id: str | None = None) -> int:
    """Delete the harness's rules (of one run exactly, or of every run). Returns how many."""
    if firewall_available():
        return 0
    removed = 0
    for chain in CHAINS:
        listed = _iptables("-S", chain)
        for line in listed.stdout.splitlines():
            parts = [part.strip('"') for part in line.split()]  # -S quotes the comment
            if parts[:2] != ["-A", chain] or not is_ours(_comment(parts), run_id):
                continue
            if _iptables("-D", *parts[1:]).returncode == 0:
                removed += 1
    return removed


def is_ours(comment: str, run_id: str | None) -> bool:
    """A rule's comment names the run exactly (`grader:X` is not a rule of run `X1`)."""
    if run_id is None:
        return comment.startswith(COMMENT_PREFIX)
    return comment == f"{COMMENT_PREFIX}{run_id}"


def _comment(parts: list[str]) -> str:
    return parts[parts.index("--comment") + 1] if "--comment" in parts else ""


def _iptables(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["iptables", "-w", "5", *arguments], capture_output=True, text=True, timeout=30
    )
