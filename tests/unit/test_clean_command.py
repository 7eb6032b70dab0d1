"""`grader clean` spares runs in progress and asks before removing what other runs left.

The engine is a fake here (no real run's containers may be touched by a test): it lists
things labelled by three runs, one whose grader process lives (this test's own), one whose
process is gone, one made before owners were recorded.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Any

import pytest
from click.testing import CliRunner

from grader.cli import clean as clean_module
from grader.sandbox.engine import LABEL_MANAGED, LABEL_OWNER, LABEL_RUN, Removed, this_process


def dead_owner() -> str:
    done = subprocess.Popen([sys.executable, "-c", "pass"])
    done.wait()
    return f"{socket.gethostname()}/{done.pid}"


@dataclass
class Thing:
    name: str
    labels: dict[str, str]
    attrs: dict[str, Any] = field(default_factory=dict)


class Listing:
    def __init__(self, things: list[Thing]) -> None:
        self.things = things

    def list(self, **_: Any) -> list[Thing]:
        return self.things


class FakeEngine:
    def __init__(self) -> None:
        def labels(run: str, owner: str | None) -> dict[str, str]:
            return {LABEL_MANAGED: "true", LABEL_RUN: run} | ({LABEL_OWNER: owner} if owner else {})

        self.containers = Listing([
            Thing("grader-busy-a", labels("busy", this_process())),
            Thing("grader-killed-a", labels("killed", dead_owner())),
            Thing("grader-old-a", labels("old", None)),
        ])  # fmt: skip
        self.networks = Listing([Thing("grader-busy-net", {}, {"Labels": labels("busy", None)})])
        self.volumes = Listing([])
        self.images = Listing([])


@pytest.fixture
def removed(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    calls: list[str | None] = []

    def remove(client: Any, run_id: str | None = None) -> Removed:
        calls.append(run_id)
        return Removed(containers=[f"grader-{run_id}-a"])

    monkeypatch.setattr(clean_module, "connect", FakeEngine)
    monkeypatch.setattr(clean_module, "can_ask", lambda: True)
    monkeypatch.setattr(clean_module, "remove_labelled", remove)
    return calls


def test_it_asks_and_spares_a_run_in_progress(removed: list[str | None]) -> None:
    done = CliRunner().invoke(clean_module.clean_command, [], input="y\n")

    assert done.exit_code == 0, done.output
    assert f"spared: run busy is in progress ({this_process()})" in done.output
    assert "remove what 2 finished run(s) left on the engine (killed, old)?" in done.output
    assert sorted(r for r in removed if r) == ["killed", "old"]
    assert "of 2 run(s)" in done.output


def test_no_removes_nothing(removed: list[str | None]) -> None:
    done = CliRunner().invoke(clean_module.clean_command, [], input="n\n")

    assert done.exit_code == 0, done.output
    assert "nothing was removed" in done.output
    assert removed == []


def test_without_a_terminal_it_needs_yes(
    removed: list[str | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clean_module, "can_ask", lambda: False)
    refused = CliRunner().invoke(clean_module.clean_command, [])
    assert refused.exit_code != 0
    assert "pass --yes" in str(refused.exception)
    assert removed == []

    done = CliRunner().invoke(clean_module.clean_command, ["--yes"])
    assert done.exit_code == 0, done.output
    assert sorted(r for r in removed if r) == ["killed", "old"]


def test_a_named_run_in_progress_is_refused(removed: list[str | None]) -> None:
    done = CliRunner().invoke(clean_module.clean_command, ["--run", "busy"])

    assert done.exit_code != 0
    assert "run busy is in progress" in str(done.exception)
    assert removed == []


def test_a_named_finished_run_is_removed_without_asking(removed: list[str | None]) -> None:
    done = CliRunner().invoke(clean_module.clean_command, ["--run", "killed"])

    assert done.exit_code == 0, done.output
    assert removed == ["killed"]
