"""What the pipeline tells its listeners, in the past tense. Pure values.

The console view, a CI log or a web page consume the same events; the pipeline never prints.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from grader.core.result import Result, StageStatus


@dataclass(frozen=True)
class StageStarted:
    submission: str
    stage: str


@dataclass(frozen=True)
class StageFinished:
    submission: str
    stage: str
    status: StageStatus
    duration_s: float
    detail: str = ""


@dataclass(frozen=True)
class SubmissionGraded:
    submission: str
    result: Result
    result_path: str


Event = StageStarted | StageFinished | SubmissionGraded
Listener = Callable[[Event], None]


def ignore(event: Event) -> None:
    """A listener that does nothing."""
