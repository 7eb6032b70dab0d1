"""Lint a submission with ruff, which reads Python without running it.

The IO edge for lint (with `source`). Ruff runs isolated from any configuration in the
submission and blind to its `noqa` comments, without a cache, with a time limit, over the
candidate's own code: tests and migrations are excluded, as they are from the line count
`code_quality` gives. Lines may be 100 characters long before E501 counts them, as most style
guides allow. Whatever goes wrong becomes a `LintNotRun` with the reason.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from grader.stages.engineering.inputs import GENERATED_DIRS, TEST_DIRS
from grader.stages.engineering.lint_summary import LintNotRun, LintSummary, parse_ruff_json

RULES = "E,F,W,B,C90,S,SIM,UP"
NOT_OWN_CODE = ",".join(
    sorted({*TEST_DIRS, *GENERATED_DIRS, "test_*.py", "*_test.py", "conftest.py"})
)
LINT_TIMEOUT_S = 120.0


def run_ruff(root: Path, *, timeout_s: float = LINT_TIMEOUT_S) -> str | LintNotRun:
    """Ruff's JSON report on the Python under `root`, or why there is none."""
    command = [
        sys.executable, "-m", "ruff", "check", "--output-format=json", "--no-cache",
        "--isolated", "--ignore-noqa", "--force-exclude", f"--extend-exclude={NOT_OWN_CODE}",
        "--line-length=100",
        f"--select={RULES}", "--exit-zero", "--", str(root),
    ]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return LintNotRun(f"ruff did not finish in {timeout_s:g} s")
    except OSError as error:
        return LintNotRun(f"ruff could not be run: {error.strerror}")
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return LintNotRun(f"ruff failed: {last[:200]}")
    return done.stdout


def lint_tree(
    root: Path, python_lines: int, *, timeout_s: float = LINT_TIMEOUT_S
) -> LintSummary | LintNotRun:
    """Ruff's findings on `root` by family, per thousand of its `python_lines`."""
    output = run_ruff(root, timeout_s=timeout_s)
    if isinstance(output, LintNotRun):
        return output
    return parse_ruff_json(output, python_lines, str(root.resolve()))
