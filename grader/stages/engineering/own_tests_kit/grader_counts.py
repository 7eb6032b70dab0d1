"""A pytest plugin: each test report, streamed as it happens to the kit's wrapper.

Writes one JSON line per report to the pipe whose descriptor is in GRADER_OWN_TESTS_FD; the
wrapper (`run_own_tests`, another user) counts them and writes the report. Nothing is written
to a file the candidate's code could rewrite afterwards.
"""

from __future__ import annotations

import json
import os
from typing import Any

_descriptor = os.environ.pop("GRADER_OWN_TESTS_FD", "")
_stream = os.fdopen(int(_descriptor), "w", buffering=1) if _descriptor.isdigit() else None


def _emit(event: dict[str, Any]) -> None:
    if _stream is not None:
        _stream.write(json.dumps(event) + "\n")


def pytest_collectreport(report: Any) -> None:
    if report.failed:
        _emit({"event": "collect_error", "nodeid": report.nodeid or "(collection)"})


def pytest_runtest_logreport(report: Any) -> None:
    _emit({"event": "test", "nodeid": report.nodeid, "when": report.when,
           "outcome": report.outcome})  # fmt: skip


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    _emit({"event": "finish", "exit_status": int(exitstatus)})
    if _stream is not None:
        _stream.flush()
