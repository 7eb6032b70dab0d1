"""Ruff's findings summed up: how many per thousand lines of code, by rule family.

Pure: parses the JSON that `lint` gets from ruff. A family is the leading letters of a rule
code (`E501` is E, `SIM102` is SIM, `C901` is C); ruff's syntax errors, which have no rule code
(`invalid-syntax`, or none), are the family `syntax`. When ruff did not run or its output
cannot be read, the result is a `LintNotRun` with the reason.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass

FAMILY = re.compile(r"([A-Z]+)[0-9]")
TOP_RULES = 10
EXAMPLES = 5


@dataclass(frozen=True)
class FamilyCount:
    family: str
    count: int
    per_kloc: float


@dataclass(frozen=True)
class LintHit:
    """One finding, kept as evidence: where it is and what ruff says."""

    code: str
    path: str  # relative to the linted root
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where} {self.code} {self.message}"


@dataclass(frozen=True)
class LintSummary:
    python_lines: int
    total: int
    per_kloc: float
    families: tuple[FamilyCount, ...]  # by family name
    top_rules: tuple[tuple[str, int], ...]  # the most frequent rule codes, most frequent first
    examples: tuple[LintHit, ...] = ()  # the first findings by file and line
    security: tuple[LintHit, ...] = ()  # every flake8-bandit (S) hit, for the secrets measures


@dataclass(frozen=True)
class LintNotRun:
    reason: str


def parse_ruff_json(text: str, python_lines: int, root: str = "") -> LintSummary | LintNotRun:
    """Ruff's `--output-format=json` report, over `python_lines` lines of code under `root`."""
    try:
        report = json.loads(text)
    except ValueError as error:
        return LintNotRun(f"ruff's output is not JSON: {error}")
    if not isinstance(report, list):
        return LintNotRun("ruff's output is not a list of findings")
    codes = Counter(_rule_code(item) for item in report)
    hits = sorted((_hit(item, root) for item in report), key=lambda h: (h.path, h.line or 0))
    families: Counter[str] = Counter()
    for code, count in codes.items():
        families[_family(code)] += count
    return LintSummary(
        python_lines=python_lines,
        total=len(report),
        per_kloc=_per_kloc(len(report), python_lines),
        families=tuple(
            FamilyCount(family, count, _per_kloc(count, python_lines))
            for family, count in sorted(families.items())
        ),
        top_rules=tuple(sorted(codes.items(), key=lambda item: (-item[1], item[0]))[:TOP_RULES]),
        examples=tuple(hits[:EXAMPLES]),
        security=tuple(hit for hit in hits if _family(hit.code) == "S"),
    )


def _hit(item: object, root: str) -> LintHit:
    data = item if isinstance(item, dict) else {}
    filename = data.get("filename")
    path = filename if isinstance(filename, str) else "?"
    prefix = root.rstrip("/") + "/"
    if root and path.startswith(prefix):
        path = path[len(prefix) :]
    location = data.get("location")
    row = location.get("row") if isinstance(location, dict) else None
    message = data.get("message")
    return LintHit(
        _rule_code(item),
        path,
        row if isinstance(row, int) else None,
        message[:200] if isinstance(message, str) else "",
    )


def _family(code: str) -> str:
    match = FAMILY.match(code)
    return match.group(1) if match else code


def _rule_code(item: object) -> str:
    code = item.get("code") if isinstance(item, dict) else None
    return code if isinstance(code, str) and FAMILY.match(code) else "syntax"


def _per_kloc(count: int, lines: int) -> float:
    return round(1000 * count / lines, 2) if lines else 0.0
