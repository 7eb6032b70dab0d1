"""mypy's errors summed up: how many per thousand lines of code, by error code.

Pure: parses the lines mypy prints (`path:line: error: message  [code]`). When mypy did not
run, or crashed rather than reporting, the result is a `TypeCheckNotRun` with the reason.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from grader.stages.engineering.lint_summary import EXAMPLES, TOP_RULES, LintHit

ERROR_LINE = re.compile(
    r"^(?P<path>[^:\n]+):(?P<line>\d+)(?::\d+)?: error: "
    r"(?P<message>.*?)(?:  \[(?P<code>[a-z0-9-]+)\])?$"
)
REPORTED = (0, 1)  # mypy's exit status: 0 clean, 1 errors found; 2 is a crash or bad usage


@dataclass(frozen=True)
class TypeCheckSummary:
    python_lines: int
    errors: int
    per_kloc: float
    top_codes: tuple[tuple[str, int], ...]  # the most frequent error codes, most frequent first
    examples: tuple[LintHit, ...] = ()


@dataclass(frozen=True)
class TypeCheckNotRun:
    reason: str


def parse_mypy_output(
    text: str, exit_status: int, python_lines: int
) -> TypeCheckSummary | TypeCheckNotRun:
    if exit_status not in REPORTED:
        last = (text.strip().splitlines() or ["no message"])[-1]
        return TypeCheckNotRun(f"mypy failed (exit status {exit_status}): {last[:200]}")
    hits = []
    for line in text.splitlines():
        match = ERROR_LINE.match(line.strip())
        if match:
            hits.append(
                LintHit(
                    match["code"] or "error",
                    match["path"],
                    int(match["line"]),
                    match["message"][:200],
                )
            )
    codes = Counter(hit.code for hit in hits)
    return TypeCheckSummary(
        python_lines=python_lines,
        errors=len(hits),
        per_kloc=round(1000 * len(hits) / python_lines, 2) if python_lines else 0.0,
        top_codes=tuple(sorted(codes.items(), key=lambda item: (-item[1], item[0]))[:TOP_RULES]),
        examples=tuple(sorted(hits, key=lambda h: (h.path, h.line or 0)))[:EXAMPLES],
    )
