"""Docker tests fail, not skip, when CI=true and no engine answers."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO

A_DOCKER_TEST = "tests/integration/test_hardening.py::test_docker_reports_the_confinement"


def run_without_engine(ci: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["DOCKER_HOST"] = "unix:///nonexistent/grader-test-docker.sock"
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", A_DOCKER_TEST, "-q", "-p", "no:randomly"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=120,
    )


def test_with_ci_true_a_missing_engine_fails_the_run() -> None:
    done = run_without_engine(ci=True)
    assert done.returncode == 1, done.stdout
    assert "CI=true and Docker is not usable" in done.stdout
    assert "1 error" in done.stdout


def test_elsewhere_a_missing_engine_skips() -> None:
    done = run_without_engine(ci=False)
    assert done.returncode == 0, done.stdout
    assert "1 skipped" in done.stdout
