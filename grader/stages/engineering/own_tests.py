"""What running the candidate's own tests showed: counts, failures and line coverage.

Pure: parses the two small JSON files the run leaves behind (the counts written by the
harness's pytest plugin, and coverage.py's JSON report). They come out of a container the
candidate's code ran in, so they are read as untrusted: sizes are capped and anything
malformed makes the run count as not reported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

MAX_REPORT_BYTES = 4 * 1024 * 1024
LISTED = 5  # failures and least-covered files kept as evidence


@dataclass(frozen=True)
class FileCoverage:
    path: str
    percent: float
    statements: int
    first_missed: int | None

    def __str__(self) -> str:
        missed = f", first missed line {self.first_missed}" if self.first_missed else ""
        return f"{self.path} {self.percent:.0f} % of {self.statements} lines{missed}"


@dataclass(frozen=True)
class OwnTests:
    passed: int
    failed: int
    errors: int  # errors in set-up or tear-down, and modules that failed to collect
    skipped: int
    failures: tuple[str, ...]  # the first failed or erroring tests, by node id
    coverage: float | None  # percent of statements run; None when there were none to run
    least_covered: tuple[FileCoverage, ...]

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.errors


@dataclass(frozen=True)
class OwnTestsNotRun:
    """No counts to grade, and why. `harness` when the grader could not run them at all."""

    reason: str
    harness: bool = False


def parse_own_tests(counts_text: str | None, coverage_text: str | None) -> OwnTests | str:
    """The run's counts and coverage, or why they cannot be read."""
    if counts_text is None:
        return "the test run wrote no report (pytest did not start, or did not finish)"
    counts = _load(counts_text)
    if counts is None:
        return "the test run's report is not readable"
    numbers = [counts.get(key) for key in ("passed", "failed", "errors", "skipped")]
    if not all(isinstance(n, int) and n >= 0 for n in numbers):
        return "the test run's report has no valid counts"
    passed, failed, errors, skipped = (int(n) for n in numbers if isinstance(n, int))
    failures = counts.get("failures")
    listed = [str(f)[:200] for f in failures[:LISTED]] if isinstance(failures, list) else []
    coverage, least = _coverage(_load(coverage_text) if coverage_text is not None else None)
    return OwnTests(passed, failed, errors, skipped, tuple(listed), coverage, least)


def _load(text: str) -> dict[str, Any] | None:
    if len(text) > MAX_REPORT_BYTES:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _coverage(report: dict[str, Any] | None) -> tuple[float | None, tuple[FileCoverage, ...]]:
    if report is None:
        return None, ()
    totals = report.get("totals")
    statements = totals.get("num_statements") if isinstance(totals, dict) else None
    covered = totals.get("covered_lines") if isinstance(totals, dict) else None
    if not isinstance(statements, int) or not isinstance(covered, int) or statements <= 0:
        return None, ()
    files = []
    listed = report.get("files")
    for path, data in (listed if isinstance(listed, dict) else {}).items():
        summary = data.get("summary") if isinstance(data, dict) else None
        if not isinstance(summary, dict):
            continue
        count, hit = summary.get("num_statements"), summary.get("covered_lines")
        if not isinstance(count, int) or not isinstance(hit, int) or count <= 0:
            continue
        missing = data.get("missing_lines")
        first = min(missing) if isinstance(missing, list) and missing else None
        files.append(
            FileCoverage(
                str(path)[:200],
                round(100 * hit / count, 1),
                count,
                first if isinstance(first, int) else None,
            )
        )
    files.sort(key=lambda f: (f.percent, -f.statements, f.path))
    least = tuple(f for f in files if f.percent < 100)[:LISTED]
    return round(100 * min(covered, statements) / statements, 2), least
