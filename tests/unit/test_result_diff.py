"""`grader.core.result_diff.compare_results`: which tests moved between two gradings."""

from __future__ import annotations

from grader.core.result import Outcome, Result, Status, SubmissionInfo, TaskInfo
from grader.core.result import TestOutcome as Run  # aliased: pytest would collect Test*
from grader.core.result_diff import compare_results


def result_with(*tests: Run) -> Result:
    return Result(
        grader_version="0",
        task=TaskInfo("t", "1", "0" * 64),
        submission=SubmissionInfo("s", "s"),
        status=Status.GRADED,
        message="",
        score=None,
        tests=tests,
        stages=(),
        started_at="",
        finished_at="",
    )


def run(test_id: str, outcome: Outcome, credit: float | None = None) -> Run:
    return Run(test_id, "suite", "c", outcome, "public", credit=credit)


def test_changed_added_and_removed_tests_move_in_id_order() -> None:
    before = result_with(
        run("b", Outcome.PASSED), run("a", Outcome.PASSED), run("gone", Outcome.FAILED)
    )
    after = result_with(
        run("a", Outcome.FAILED), run("b", Outcome.PASSED), run("new", Outcome.PASSED)
    )

    moves = compare_results(before, after).moves

    assert [(m.id, m.before, m.after) for m in moves] == [
        ("a", "passed", "failed"),
        ("gone", "failed", "absent"),
        ("new", "absent", "passed"),
    ]


def test_a_measured_test_moves_when_its_credit_does() -> None:
    before = result_with(run("engineering::coverage", Outcome.FAILED, 0.5))
    after = result_with(run("engineering::coverage", Outcome.FAILED, 0.75))
    same = result_with(run("engineering::coverage", Outcome.FAILED, 0.75))

    assert [(m.before, m.after) for m in compare_results(before, after).moves] == [
        ("failed (50 % earned)", "failed (75 % earned)")
    ]
    assert compare_results(after, same).moves == ()
