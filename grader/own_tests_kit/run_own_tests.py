"""The container's command: copy the submission to /tmp, run its tests under coverage.py.

/grader/src is the submission (read-only), /grader/kit this kit, /grader/out where the two
reports go. The candidate's own code is measured; tests, conftest files and migrations are not.
Exits with pytest's status.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

SOURCE, WORK, OUT = "/grader/src", "/tmp/own-tests", "/grader/out"  # noqa: S108 - in the container
NOT_MEASURED = (
    "tests/*", "test/*", "*/tests/*", "*/test/*", "test_*.py", "*/test_*.py", "*_test.py",
    "conftest.py", "*/conftest.py", "migrations/*", "*/migrations/*", "alembic/*", "setup.py",
)  # fmt: skip


def main() -> int:
    shutil.copytree(SOURCE, WORK, symlinks=True)
    os.chdir(WORK)
    env = {
        **os.environ,
        "COVERAGE_FILE": "/tmp/.grader-coverage",  # noqa: S108
        "GRADER_OWN_TESTS_REPORT": f"{OUT}/counts.json",
    }
    status = subprocess.call(
        [sys.executable, "-m", "coverage", "run", f"--source={WORK}",
         f"--omit={','.join(NOT_MEASURED)}", "-m", "pytest", "-p", "grader_counts",
         "-p", "no:cacheprovider", "-q", "-rfE", "--color=no"],
        env=env,
    )  # fmt: skip
    subprocess.call(
        [sys.executable, "-m", "coverage", "json", "-q", "-o", f"{OUT}/coverage.json"], env=env
    )
    return status


if __name__ == "__main__":
    sys.exit(main())
