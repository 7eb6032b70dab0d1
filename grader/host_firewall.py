"""Keep a submission's container from opening connections to the grading host itself.

An `internal` Docker network has no route to the outside world, but the host is on-link: its
bridge address (and every other host address, such as docker0's) answers a container's
connection through the INPUT chain, which Docker's isolation rules do not cover. So for each
run network the harness adds one INPUT rule on its bridge that drops new connections coming
from the containers; replies to the harness's own requests (established connections) pass.

Each rule carries a comment naming the run, so `grader clean` can remove leftovers. This needs
root and iptables on the host running the engine; where either is missing, `guard_host` says
so and the caller records it (the container can then reach services listening on the host).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import Any

COMMENT_PREFIX = "grader:"


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


def guard_host(network: Any, run_id: str) -> str:
    """Drop new connections from the network's containers to this host. Returns a problem, or ''.

    With GRADER_ALLOW_HOST_ACCESS=1 no rule is set (for grading one's own code where root is
    not available); the container can then reach services listening on this host.
    """
    if os.environ.get(ALLOW_HOST_ACCESS) == "1":
        return ""
    problem = firewall_available()
    if problem:
        return problem
    done = _iptables("-I", *_rule(bridge_name(network), run_id))
    return "" if done.returncode == 0 else f"iptables refused the rule: {done.stderr.strip()}"


def unguard_host(network: Any, run_id: str) -> None:
    if not firewall_available():
        _iptables("-D", *_rule(bridge_name(network), run_id))


def remove_leftover_rules(run_id: str | None = None) -> int:
    """Delete the harness's INPUT rules (of one run, or all). Returns how many were removed."""
    if firewall_available():
        return 0
    listed = _iptables("-S", "INPUT")
    wanted = f"{COMMENT_PREFIX}{run_id}" if run_id else COMMENT_PREFIX
    removed = 0
    for line in listed.stdout.splitlines():
        parts = [part.strip('"') for part in line.split()]  # -S quotes the comment
        ours = parts[:2] == ["-A", "INPUT"] and _comment(parts).startswith(wanted)
        if ours and _iptables("-D", *parts[1:]).returncode == 0:
            removed += 1
    return removed


def _comment(parts: list[str]) -> str:
    return parts[parts.index("--comment") + 1] if "--comment" in parts else ""


def _iptables(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["iptables", "-w", "5", *arguments], capture_output=True, text=True, timeout=30
    )
