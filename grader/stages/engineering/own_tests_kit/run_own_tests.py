"""The container's command: run the submission's tests under coverage.py as one user, and
count them as another.

/grader/src is the submission (read-only), /grader/kit this kit, /grader/out where the two
reports go. The container starts as root with only the capabilities to change user. The
candidate's tests run as TESTS_USER on a copy of the submission in /tmp; each test report is
streamed to this process over a pipe (`grader_counts`). This process then becomes REPORT_USER,
the only user that can write /grader/out, counts what the pipe said and writes the coverage
report: no code of the candidate's can write a report after the fact. This process, and the
one that writes the coverage report, start with `-E -S`: no `.pth` file or sitecustomize of the
image's, and no PYTHON* variable of its, runs in them. The candidate's own code is measured;
tests, conftest files and migrations are not. Exits with pytest's status.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

SOURCE, WORK, OUT = "/grader/src", "/tmp/own-tests", "/grader/out"  # noqa: S108 - in the container
TESTS_USER, REPORT_USER = 10001, 10002
DATA = "/tmp/.grader-coverage"  # noqa: S108
TRUSTED_FLAGS = ("-E", "-S", "-B")  # as own_tests_run starts this script
REPORT_COVERAGE = (
    "import sys; sys.path.insert(0, '/grader/kit'); "
    "from coverage.cmdline import main; sys.exit(main())"
)
MAX_LINE = 4096
MAX_EVENTS = 200_000
DRAIN_S = 2.0
NOT_MEASURED = (
    "tests/*", "test/*", "*/tests/*", "*/test/*", "test_*.py", "*/test_*.py", "*_test.py",
    "conftest.py", "*/conftest.py", "migrations/*", "*/migrations/*", "alembic/*", "setup.py",
)  # fmt: skip


def count(lines: list[str]) -> dict[str, object]:
    """Counts from the streamed reports, by pytest's rules: a test that passes its call but
    fails its tear-down is an error; a module that cannot be collected is an error too."""
    outcomes: dict[str, str] = {}
    collection_errors: list[str] = []
    exit_status = None
    for line in lines:
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if not isinstance(event, dict):
            continue
        kind, node = event.get("event"), str(event.get("nodeid", ""))[:500]
        if kind == "collect_error":
            collection_errors.append(node)
        elif kind == "finish" and isinstance(event.get("exit_status"), int):
            exit_status = event["exit_status"]
        elif kind == "test" and outcomes.get(node) not in ("failed", "errors"):
            when, outcome = event.get("when"), event.get("outcome")
            if when == "call":
                outcomes[node] = outcome if outcome in ("passed", "skipped") else "failed"
            elif outcome == "failed":
                outcomes[node] = "errors"
            elif outcome == "skipped" and when == "setup":
                outcomes[node] = "skipped"
    counts = {kind: 0 for kind in ("passed", "failed", "errors", "skipped")}
    for outcome in outcomes.values():
        counts[outcome] += 1
    counts["errors"] += len(collection_errors)
    failures = [*collection_errors, *(n for n, o in outcomes.items() if o in ("failed", "errors"))]
    return {**counts, "failures": failures[:50], "exit_status": exit_status}


def read_lines(read_end: int, into: list[str]) -> None:
    with os.fdopen(read_end, "r", encoding="utf-8", errors="replace") as pipe:
        for line in pipe:
            if len(into) >= MAX_EVENTS:
                break
            into.append(line[:MAX_LINE])


def main() -> int:
    env = {**os.environ, "HOME": "/tmp", "COVERAGE_FILE": DATA}  # noqa: S108
    copy = f"import shutil; shutil.copytree({SOURCE!r}, {WORK!r}, symlinks=True)"
    copied = subprocess.call(
        [sys.executable, "-c", copy], env=env, user=TESTS_USER, group=TESTS_USER, extra_groups=[]
    )
    if copied != 0:
        return copied
    read_end, write_end = os.pipe()
    lines: list[str] = []
    reader = threading.Thread(target=read_lines, args=(read_end, lines), daemon=True)
    reader.start()
    tests = subprocess.Popen(
        [sys.executable, "-m", "coverage", "run", f"--source={WORK}",
         f"--omit={','.join(NOT_MEASURED)}", "-m", "pytest", "-p", "grader_counts",
         "-p", "no:cacheprovider", "-q", "-rfE", "--color=no"],
        cwd=WORK, env={**env, "GRADER_OWN_TESTS_FD": str(write_end)}, pass_fds=(write_end,),
        user=TESTS_USER, group=TESTS_USER, extra_groups=[],
    )  # fmt: skip
    os.close(write_end)
    os.setgroups([])
    os.setgid(REPORT_USER)
    os.setuid(REPORT_USER)  # from here on nothing here can be changed by the tests' user
    status = tests.wait()
    reader.join(timeout=DRAIN_S)  # a process the tests left may hold the pipe open
    with open(f"{OUT}/counts.json", "w", encoding="utf-8") as out:
        json.dump(count(list(lines)), out)
    # as this process was started: no site-packages of the image's (a `.pth` there is code
    # the candidate wrote, and would run as the reporting user) and no PYTHON* variables
    subprocess.call(
        [sys.executable, *TRUSTED_FLAGS, "-c", REPORT_COVERAGE, "json", "-q", "--data-file", DATA,
         "-o", f"{OUT}/coverage.json"],
        cwd=WORK, env=env,
    )  # fmt: skip
    return status


if __name__ == "__main__":
    sys.exit(main())
