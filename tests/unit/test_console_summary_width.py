"""The end-of-run summary fits an 80-column terminal with library-api's 10 categories: every
submission's total and every category's title and points, none cut short."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from grader.core.result import Outcome, Result, Status, SubmissionInfo, TaskInfo
from grader.core.result import TestOutcome as Run
from grader.core.scoring import score_outcomes
from grader.core.task import parse_task_spec
from grader.reports.console import print_summary
from tests.conftest import REPO

SPEC = parse_task_spec((REPO / "tasks" / "library-api" / "task.toml").read_text(), "task.toml")
NAMES = ("alice", "bob-with-a-rather-long-repository-name", "carol", "dave", "erin", "frank")


def result(name: str, failing_every: int) -> Result:
    criteria = [c.id for category in SPEC.rubric.categories for c in category.criteria]
    tests = tuple(
        Run(
            f"t.py::test_{i}",
            "public",
            criterion,
            Outcome.FAILED if failing_every and i % failing_every == 0 else Outcome.PASSED,
            "public",
            1.0,
        )
        for i, criterion in enumerate(criteria)
    )
    return Result(
        grader_version="0.1.0", task=TaskInfo(id="library-api", version="1", sha256="a" * 64),
        submission=SubmissionInfo(id=name, source=name), status=Status.GRADED, message="graded",
        score=score_outcomes(SPEC.rubric, tests), tests=tests, stages=(),
        started_at="2026-01-01T00:00:00+00:00", finished_at="2026-01-01T00:01:00+00:00",
    )  # fmt: skip


def shown_at(width: int, results: tuple[Result, ...], tmp_path: Path) -> str:
    out = io.StringIO()
    print_summary(Console(file=out, width=width), results, tmp_path)
    return out.getvalue()


def test_ten_categories_fit_80_columns_without_an_ellipsis(tmp_path: Path) -> None:
    results = tuple(
        result(name, every) for name, every in zip(NAMES, (0, 2, 3, 5, 7, 11), strict=True)
    )
    assert len(SPEC.rubric.categories) == 10

    shown = shown_at(80, results, tmp_path)

    assert "…" not in shown
    assert max(len(line) for line in shown.splitlines()) <= 80
    flat = " ".join(shown.split())
    for category in SPEC.rubric.categories:
        assert category.title in flat, category.title
    for item in results:
        assert item.score is not None
        assert f"{item.score.percent:.1f} %" in shown
        assert item.submission.id in flat or item.submission.id in shown.replace("\n", "")


def test_a_wide_terminal_keeps_one_table(tmp_path: Path) -> None:
    results = (result("alice", 0), result("bob", 2))

    shown = shown_at(400, results, tmp_path)

    assert "Points per category" not in shown
    assert "Authentication and authorisation" in shown
