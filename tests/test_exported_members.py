"""The public names of `grader`: every one resolves, none is missing, and importing the package
loads no engine client, HTTP client or test runner (each name is imported on first use)."""

from __future__ import annotations

import subprocess
import sys

import grader


def test_every_public_name_resolves_and_is_listed() -> None:
    for name in grader.__all__:
        assert getattr(grader, name) is not None, name
    public = {name for name in dir(grader) if not name.startswith("_")}
    assert public == set(grader.__all__)


def test_importing_the_package_is_cheap() -> None:
    code = (
        "import sys, grader; "
        "heavy = {'docker', 'httpx', 'requests', 'pytest', 'schemathesis', 'jinja2'} "
        "& set(sys.modules); print(sorted(heavy))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
