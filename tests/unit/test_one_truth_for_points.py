"""Every view and export shows scoring's own numbers, partial credit included.

A result whose public and hidden tests include measured ones (partial credit, as the
engineering stage gives) is scored once; the grader view, the candidate view, Markdown,
JUnit, CSV and the Gradescope export must each show exactly what scoring worked out, per
test, criterion, category and in total.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from grader.core.result import Outcome, Result, Score
from grader.core.result import TestOutcome as Run  # aliased: pytest would collect Test*
from grader.core.scoring import score_outcomes
from grader.core.task import parse_task_spec
from grader.reports.csv_export import render_scores_csv
from grader.reports.figures import format_number, format_points
from grader.reports.gradescope import gradescope_results
from grader.reports.junit import render_junit
from grader.reports.markdown import render_submission_summary
from grader.reports.views import candidate_view, grader_view
from tests.unit.sample_results import TASK, TESTS, graded_result

MEASURED = (
    Run("engineering::coverage", "engineering", "errors.json", Outcome.FAILED, "public",
        message="coverage 60 %: full marks at 80 %", credit=0.6),
    Run("engineering::lint", "engineering", "api.read", Outcome.FAILED, "hidden",
        message="12 findings per 1000 lines", credit=0.25),
)  # fmt: skip


@pytest.fixture
def result() -> Result:
    tests = (*TESTS, *MEASURED)
    score = score_outcomes(parse_task_spec(TASK, "task.toml").rubric, tests)
    return replace(graded_result(), tests=tests, score=score)


def scored(result: Result) -> Score:
    assert result.score is not None
    return result.score


def test_partial_credit_is_in_the_score(result: Result) -> None:
    points = scored(result).test_points()
    assert points["engineering::coverage"].points == pytest.approx(
        0.6 * points["engineering::coverage"].max_points
    )
    assert sum(p.points for p in scored(result).tests) == pytest.approx(scored(result).points)


def test_the_grader_view_shows_scorings_numbers(result: Result) -> None:
    score = scored(result)
    view = grader_view(result)
    points = score.test_points()
    assert {t.id: (t.points, t.max_points) for t in view.tests} == {
        i: (p.points, p.max_points) for i, p in points.items()
    }
    for category, shown in zip(score.categories, view.categories, strict=True):
        assert (shown.points, shown.max_points) == (category.points, category.max_points)
        for criterion, line in zip(category.criteria, shown.criteria, strict=True):
            assert (line.points, line.max_points) == (criterion.points, criterion.max_points)
            assert line.lost == tuple(loss.describe() for loss in criterion.lost)
    assert view.total is not None
    assert view.total.points == score.points


def test_the_candidate_view_adds_up_to_scorings_numbers(result: Result) -> None:
    score = scored(result)
    view = candidate_view(result)
    points = score.test_points()
    for line in view.tests:
        assert (line.points, line.max_points) == (
            points[line.id].points,
            points[line.id].max_points,
        )
    for category, shown in zip(score.categories, view.categories, strict=True):
        public = sum(c.points for c in shown.criteria)
        hidden = shown.hidden.points if shown.hidden else 0.0
        assert public + hidden == pytest.approx(category.points)
        assert shown.points == category.points
    errors = next(c for c in view.categories if c.id == "errors")
    coverage = next(c for c in errors.criteria if c.id == "errors.json")
    measured = points["engineering::coverage"]
    assert coverage.points == pytest.approx(points["public/test_pub.py::test_json_404"].points
                                            + measured.points)  # fmt: skip
    assert any("engineering::coverage failed: coverage 60 %" in r for r in coverage.lost)


def test_gradescope_test_scores_sum_to_the_total(result: Result) -> None:
    score = scored(result)
    for view in (grader_view(result), candidate_view(result)):
        exported = gradescope_results(view)
        assert exported["score"] == score.points
        assert sum(t["score"] for t in exported["tests"]) == pytest.approx(score.points)
        assert sum(t["max_score"] for t in exported["tests"]) == pytest.approx(score.max_points)


def test_markdown_csv_and_junit_show_scorings_numbers(result: Result) -> None:
    score = scored(result)
    view = grader_view(result)

    summary = render_submission_summary(view)
    for category in score.categories:
        assert f"| {format_points(category.points)} | {format_points(category.max_points)} |" in (
            summary
        )

    row = next(csv.DictReader(io.StringIO(render_scores_csv([view]))))
    assert row["points"] == format_number(score.points)
    for category in score.categories:
        assert row[category.title] == format_number(category.points)

    suites = ET.fromstring(render_junit([view]))
    by_criterion = {
        prop.get("value"): suite
        for suite in suites
        for prop in suite.iter("property")
        if prop.get("name") == "criterion"
    }
    for category in score.categories:
        for criterion in category.criteria:
            properties = {
                p.get("name"): p.get("value") for p in by_criterion[criterion.id].iter("property")
            }
            assert properties["points"] == format_number(criterion.points)
    lint = next(case for case in suites.iter("testcase") if case.get("name") == "lint")
    failure = lint.find("failure")
    assert failure is not None
    lost = score.test_points()["engineering::lint"]
    assert f"(-{format_points(lost.max_points - lost.points)} points)" in (
        failure.get("message") or ""
    )
