"""A pytest plugin: each test's final outcome, counted and written as JSON for the grader.

A test that passes its call but fails its tear-down is an error; a module that cannot be
collected is an error too. Written to the path in GRADER_OWN_TESTS_REPORT at the end.
"""

from __future__ import annotations

import json
import os
from typing import Any

_outcomes: dict[str, str] = {}
_collection_errors: list[str] = []


def pytest_collectreport(report: Any) -> None:
    if report.failed:
        _collection_errors.append(report.nodeid or "(collection)")


def pytest_runtest_logreport(report: Any) -> None:
    now = _outcomes.get(report.nodeid)
    if now in ("failed", "errors"):
        return
    if report.when == "call":
        _outcomes[report.nodeid] = (
            "passed" if report.passed else "skipped" if report.skipped else "failed"
        )
    elif report.failed:
        _outcomes[report.nodeid] = "errors"
    elif report.skipped and report.when == "setup":
        _outcomes[report.nodeid] = "skipped"


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    path = os.environ.get("GRADER_OWN_TESTS_REPORT")
    if not path:
        return
    counts = {kind: 0 for kind in ("passed", "failed", "errors", "skipped")}
    for outcome in _outcomes.values():
        counts[outcome] += 1
    counts["errors"] += len(_collection_errors)
    failures = [
        *_collection_errors,
        *(node for node, outcome in _outcomes.items() if outcome in ("failed", "errors")),
    ]
    with open(path, "w", encoding="utf-8") as out:
        json.dump({**counts, "failures": failures[:50], "exit_status": int(exitstatus)}, out)
