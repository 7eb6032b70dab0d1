"""Where the engine runs, from DOCKER_HOST, and what that means for the host's firewall."""

from __future__ import annotations

from typing import Any

import pytest

from grader.sandbox.engine_host import remote_engine_host
from grader.sandbox.firewall import ALLOW_HOST_ACCESS, guard_host, guard_problem


@pytest.mark.parametrize(
    ("docker_host", "remote"),
    [
        ("", None),
        ("unix:///var/run/docker.sock", None),
        ("tcp://127.0.0.1:2375", None),
        ("tcp://localhost:2375", None),
        ("tcp://[::1]:2375", None),
        ("tcp://docker:2375", "docker"),
        ("tcp://Docker:2376", "docker"),
        ("ssh://grader@build-host", "build-host"),
        ("tcp://10.0.0.5:2375", "10.0.0.5"),
    ],
)
def test_the_engine_is_remote_only_over_a_network_to_another_host(
    docker_host: str, remote: str | None
) -> None:
    assert remote_engine_host({"DOCKER_HOST": docker_host}) == remote


class FakeNetwork:
    def __init__(self) -> None:
        self.id = "0123456789abcdef"
        self.attrs: dict[str, Any] = {"Options": {}}


def test_a_remote_engine_is_refused_unless_host_access_is_allowed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DOCKER_HOST", "tcp://docker:2375")
    monkeypatch.delenv(ALLOW_HOST_ACCESS, raising=False)
    assert guard_host(FakeNetwork(), "run") == (
        "the engine runs on another host (docker), which this host's rules cannot guard"
    )
    monkeypatch.setenv(ALLOW_HOST_ACCESS, "1")
    assert guard_host(FakeNetwork(), "run") == ""


def test_doctor_says_a_remote_engine_is_not_guarded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", "tcp://docker:2375")
    monkeypatch.delenv(ALLOW_HOST_ACCESS, raising=False)
    assert guard_problem() == (
        "the engine runs on another host (docker), which this host's rules cannot guard"
    )
