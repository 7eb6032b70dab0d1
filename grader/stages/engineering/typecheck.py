"""Type-check a submission with mypy, which reads Python without running it.

The IO edge for type checking (like `lint` for ruff). mypy runs on the candidate's own code
(tests and migrations excluded) with none of the submission's configuration: a mypy.ini or
pyproject.toml could name a plugin, which mypy would import and run on this host, so no
configuration file is read. No installed package is consulted (`--no-site-packages`) and
missing imports are not errors, so the figure does not depend on this host; no cache is
written, and there is a time limit. Whatever goes wrong becomes a `TypeCheckNotRun`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from grader.stages.engineering.inputs import SourceTree, is_own_code
from grader.stages.engineering.typecheck_summary import (
    TypeCheckNotRun,
    TypeCheckSummary,
    parse_mypy_output,
)

MYPY_TIMEOUT_S = 180.0


def typecheck_tree(
    root: Path, tree: SourceTree, python_lines: int, *, timeout_s: float = MYPY_TIMEOUT_S
) -> TypeCheckSummary | TypeCheckNotRun:
    files = [f.path for f in tree.python_files() if f.text is not None and is_own_code(f.path)]
    if not files:
        return TypeCheckNotRun("the submission has no Python code of its own")
    command = [
        sys.executable, "-m", "mypy", "--config-file=", "--no-incremental",
        f"--cache-dir={os.devnull}", "--no-site-packages", "--ignore-missing-imports",
        "--explicit-package-bases", "--show-error-codes", "--no-error-summary",
        "--no-color-output", "--hide-error-context", "--no-pretty", "--", *files,
    ]  # fmt: skip
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/nonexistent", "LC_ALL": "C"}
    try:
        done = subprocess.run(
            command, cwd=root, capture_output=True, text=True, timeout=timeout_s, env=env
        )
    except subprocess.TimeoutExpired:
        return TypeCheckNotRun(f"mypy did not finish in {timeout_s:g} s")
    except OSError as error:
        return TypeCheckNotRun(f"mypy could not be run: {error.strerror}")
    if "No module named mypy" in done.stderr:
        return TypeCheckNotRun("mypy is not installed with the grader")
    return parse_mypy_output(done.stdout + done.stderr, done.returncode, python_lines)
