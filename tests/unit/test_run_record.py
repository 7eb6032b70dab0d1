"""`grader.runs.run_record`: run.json written and read by one module; results read with a cap."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader.core.errors import GraderError
from grader.core.result import TaskInfo
from grader.runs.run_record import (
    RunRecord,
    SubmissionEntry,
    read_result,
    read_run_record,
    write_run_record,
)
from tests.unit.sample_results import graded_result

TASK = TaskInfo("library-api", "2.0.0", "a" * 64)
SUITES = ("public", "hidden")
SELECTABLE = ("public", "hidden", "fuzz", "engineering")


def test_a_record_keeps_the_whole_plan(tmp_path: Path) -> None:
    record = RunRecord("r1", TASK, SELECTABLE, (SubmissionEntry("alice", "subs/alice"),))
    write_run_record(tmp_path, record)

    again = read_run_record(tmp_path)

    assert again == record
    assert again.selected(SUITES, SELECTABLE) == SELECTABLE


def test_a_first_format_record_of_every_suite_graded_every_stage(tmp_path: Path) -> None:
    (tmp_path / "run.json").write_text(
        json.dumps({"run_id": "old", "task": vars(TASK), "suites": list(SUITES),
                    "submissions": [{"id": "a", "source": "s"}]})
    )  # fmt: skip

    old = read_run_record(tmp_path)

    assert old.format == 1
    assert old.selected(SUITES, SELECTABLE) == SELECTABLE, "fuzz and engineering are regraded"
    public_only = RunRecord("p", TASK, ("public",), (), format=1)
    assert public_only.selected(SUITES, SELECTABLE) == ("public",)


def test_names_the_task_no_longer_has_are_left_out() -> None:
    record = RunRecord("r", TASK, ("public", "gone", "fuzz"), ())

    assert record.selected(SUITES, SELECTABLE) == ("public", "fuzz")


def test_a_folder_that_is_not_a_run_says_so(tmp_path: Path) -> None:
    with pytest.raises(GraderError, match="is not a run folder"):
        read_run_record(tmp_path)
    (tmp_path / "run.json").write_text('{"run_id": 1}')
    with pytest.raises(GraderError, match="not a readable run record"):
        read_run_record(tmp_path)


def test_results_are_read_with_a_cap_and_no_link_followed(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_text(json.dumps(graded_result().to_dict()))
    assert read_result(path).submission.id == "alice"
    link = tmp_path / "link.json"
    link.symlink_to(path)
    with pytest.raises(ValueError, match="is a link"):
        read_result(link)
    path.write_bytes(b"\xff\xfe not utf-8")
    with pytest.raises(UnicodeDecodeError):
        read_result(path)
