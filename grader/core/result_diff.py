"""What changed between two gradings of the same submission. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from grader.core.result import Outcome, Result, TestOutcome

ABSENT = "absent"


@dataclass(frozen=True)
class TestMove:
    id: str
    before: str  # an outcome, or "absent" for a test the other grading did not have
    after: str


@dataclass(frozen=True)
class ScoreChange:
    submission: str
    before: Result
    after: Result
    moves: tuple[TestMove, ...]

    @property
    def delta(self) -> float | None:
        if self.before.score is None or self.after.score is None:
            return None
        return round(self.after.score.percent - self.before.score.percent, 2)


def compare_results(before: Result, after: Result) -> ScoreChange:
    """Every test whose outcome (or, for a measured test, credit) differs, was added or was
    removed, in a stable order."""
    old = {test.id: _state(test) for test in before.tests}
    new = {test.id: _state(test) for test in after.tests}
    moves = tuple(
        TestMove(test_id, old.get(test_id, ABSENT), new.get(test_id, ABSENT))
        for test_id in sorted(old.keys() | new.keys())
        if old.get(test_id) != new.get(test_id)
    )
    return ScoreChange(after.submission.id, before, after, moves)


def _state(test: TestOutcome) -> str:
    if test.credit is not None and test.outcome is Outcome.FAILED:
        return f"{test.outcome.value} ({100 * test.credit:.0f} % earned)"
    return test.outcome.value
