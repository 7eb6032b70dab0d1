"""A finding: one thing a reviewer would point at, with where it is and what to do about it.

Pure. A `problem` is a defect a reviewer would ask to fix; a `note` is context worth knowing
(a fallback, an absence that may be fine, a check that could not run).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    PROBLEM = "problem"
    NOTE = "note"


@dataclass(frozen=True)
class Finding:
    measure: str  # "structure", "secrets_and_risky_sinks", ...
    rule: str  # a short id such as "hardcoded-secret"
    message: str  # what is wrong, where, and what to do instead
    path: str | None = None
    line: int | None = None
    severity: Severity = Severity.PROBLEM

    def to_json(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "path": self.path,
            "line": self.line,
        }


@dataclass(frozen=True)
class Evidence:
    """Where something was seen: a file, and a line when there is one."""

    path: str
    line: int | None = None

    def __str__(self) -> str:
        return self.path if self.line is None else f"{self.path}:{self.line}"


def problem(measure: str, rule: str, message: str, at: Evidence | None = None) -> Finding:
    return Finding(measure, rule, message, at.path if at else None, at.line if at else None)


def note(measure: str, rule: str, message: str, at: Evidence | None = None) -> Finding:
    return Finding(
        measure, rule, message, at.path if at else None, at.line if at else None, Severity.NOTE
    )
