"""The intake stage run alone (`take_in_submission`, for distributed runs) and inside
`grade_submission`: the same stage, the same refusal, the same snapshot. No engine is needed:
a refused submission never reaches the build."""

from __future__ import annotations

from pathlib import Path

from grader.core.events import Event, StageFinished, StageStarted, SubmissionGraded
from grader.core.result import Result, StageStatus, Status
from grader.pipeline import (
    GradeSettings,
    Submission,
    grade_submission,
    plan_grading,
    take_in_submission,
)
from grader.runs.task_files import TaskLocation, load_task
from grader.stages.intake.take_in import SourceTree
from tests.conftest import SOLUTIONS

REPO = Path(__file__).resolve().parents[2]
PLAN = plan_grading(load_task("notes-api", TaskLocation.find(REPO / "tasks")))


def test_a_refused_submission_gets_the_same_result_either_way(tmp_path: Path) -> None:
    ghost = Submission("ghost", str(tmp_path / "not-there"))
    alone: list[Event] = []
    inside: list[Event] = []
    (tmp_path / "work").mkdir()

    taken = take_in_submission(
        ghost, PLAN, GradeSettings("r1", tmp_path / "r1"), tmp_path / "work", alone.append
    )
    graded = grade_submission(
        ghost, PLAN, GradeSettings("r2", tmp_path / "r2"), None, inside.append
    )

    assert isinstance(taken, Result)
    for result in (taken, graded):
        assert result.status is Status.INVALID_SUBMISSION
        assert [s.name for s in result.stages] == ["intake"]
    assert taken.message == graded.message
    for events in (alone, inside):
        assert [type(e) for e in events] == [StageStarted, StageFinished, SubmissionGraded]
        assert isinstance(events[1], StageFinished)
        assert events[1].status is StageStatus.FAILED
    assert (tmp_path / "r1" / "ghost" / "result.json").is_file()


def test_an_accepted_submission_leaves_its_snapshot_beside_its_result(tmp_path: Path) -> None:
    (tmp_path / "work").mkdir()
    taken = take_in_submission(
        Submission("ref", str(SOLUTIONS / "reference")),
        PLAN,
        GradeSettings("r1", tmp_path / "r1"),
        tmp_path / "work",
    )
    assert isinstance(taken, SourceTree)
    assert (tmp_path / "r1" / "ref" / "ref.tar.gz").is_file()
    assert not (tmp_path / "r1" / "ref" / "result.json").exists()
