"""`console.stage_totals`: the per-batch time breakdown."""

from __future__ import annotations

from grader.core.result import Result, StageRecord, StageStatus, Status, SubmissionInfo, TaskInfo
from grader.reports.console import stage_totals


def result_with(*stages: tuple[str, float]) -> Result:
    return Result(
        grader_version="0",
        task=TaskInfo("t", "1", "0" * 64),
        submission=SubmissionInfo("s", "s"),
        status=Status.GRADED,
        message="",
        score=None,
        tests=(),
        stages=tuple(StageRecord(name, StageStatus.OK, seconds) for name, seconds in stages),
        started_at="",
        finished_at="",
    )


def test_stages_are_summed_over_submissions_and_suites_count_as_test() -> None:
    totals = stage_totals(
        (
            result_with(("build", 2.0), ("test:public", 1.0), ("test:hidden", 0.5)),
            result_with(("build", 3.25), ("test:public", 1.0)),
        )
    )
    assert totals == {"build": 5.25, "test": 2.5}
