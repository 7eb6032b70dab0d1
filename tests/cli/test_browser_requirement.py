"""Browser tests fail, not skip, when CI=true and no Chromium can be found."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO

A_BROWSER_TEST = (
    "tests/integration/test_report_browser.py::test_hand_made_results_render_in_chromium"
)


def run_without_chromium(ci: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["GRADER_CHROMIUM"] = "no-such-chromium-for-grader-tests"
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", A_BROWSER_TEST, "-q", "-p", "no:randomly"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=120,
    )


def test_with_ci_true_a_missing_chromium_fails_the_run() -> None:
    done = run_without_chromium(ci=True)
    assert done.returncode == 1, done.stdout
    assert "CI=true and Chromium is not usable" in done.stdout
    assert "1 error" in done.stdout


def test_elsewhere_a_missing_chromium_skips() -> None:
    done = run_without_chromium(ci=False)
    assert done.returncode == 0, done.stdout
    assert "1 skipped" in done.stdout
