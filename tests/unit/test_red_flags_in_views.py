"""A red flag is named at the top of every view and export, and the lowered total is the one
each of them shows.

The sample result's "Read" criterion (hidden tests only) is critical here and loses all its
points; the task caps a flagged total at 30 %, below the 38.75 % the categories add up to.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from grader.core.result import Result
from grader.core.scoring import score_outcomes
from grader.core.task import parse_task_spec
from grader.reports.csv_export import render_scores_csv
from grader.reports.gradescope import gradescope_results
from grader.reports.html import render_html_report
from grader.reports.junit import render_junit
from grader.reports.leaderboard import LeaderboardEntry, ranked, render_leaderboard
from grader.reports.markdown import render_run_summary, render_submission_summary
from grader.reports.views import ReportView, candidate_view, grader_view
from tests.unit.sample_results import TASK, TESTS, graded_result

FLAGGED_TASK = TASK.replace('title = "Read"', 'title = "Read"\ncritical = true').replace(
    "total = 100\n", "total = 100\nred_flags = { cap_percent = 30 }\n", 1
)


@pytest.fixture
def result() -> Result:
    score = score_outcomes(parse_task_spec(FLAGGED_TASK, "task.toml").rubric, TESTS)
    return replace(graded_result(), tests=TESTS, score=score)


@pytest.fixture(params=["grader", "candidate"])
def view(request: pytest.FixtureRequest, result: Result) -> ReportView:
    return grader_view(result) if request.param == "grader" else candidate_view(result)


def test_the_score_names_the_flag_and_lowers_the_total(result: Result) -> None:
    assert result.score is not None
    assert [flag.criterion for flag in result.score.red_flags] == ["api.read"]
    assert result.score.before_red_flags == 38.75
    assert result.score.percent == 30.0
    assert result.score.points == 30.0


def test_both_views_carry_the_flag_and_the_lowered_total(view: ReportView) -> None:
    assert [flag.title for flag in view.red_flags] == ["Read"]
    assert view.total is not None
    assert (view.total.percent, view.total.before_red_flags) == (30.0, 38.75)


def test_markdown_names_the_flag_before_the_categories(view: ReportView) -> None:
    text = render_submission_summary(view)

    assert "1 red flag: Read (total lowered from 38.8 % to 30.0 %)" in text
    assert text.index("red flag") < text.index("| category |")
    assert "| red flags |" in render_run_summary("run", [view])


def test_junit_has_a_failing_red_flag_case_first(view: ReportView) -> None:
    root = ET.fromstring(render_junit([view]))

    first = root.find("testsuite")
    assert first is not None
    assert first.get("name", "").endswith(": red flags")
    case = first.find("testcase")
    assert case is not None
    assert case.get("name") == "api.read"
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("type") == "red_flag"


def test_csv_has_the_flags_and_the_total_before_them(view: ReportView) -> None:
    row = next(csv.DictReader(io.StringIO(render_scores_csv([view]))))

    assert row["percent"] == "30"
    assert row["red flags"] == "api.read"
    assert row["before red flags"] == "38.75"


def test_gradescope_tests_add_up_to_the_lowered_total(view: ReportView) -> None:
    exported = gradescope_results(view)

    assert exported["score"] == pytest.approx(30.0)
    assert sum(t["score"] for t in exported["tests"]) == pytest.approx(30.0)
    assert exported["tests"][0]["name"] == "Red flags"
    assert "1 red flag: Read" in exported["output"]


def test_html_report_and_leaderboard_show_the_flag(view: ReportView) -> None:
    page = render_html_report(view)
    assert 'id="red-flags"' in page
    assert page.index('id="red-flags"') < page.index('id="score"')

    board = render_leaderboard("run", [LeaderboardEntry(view, "a/report.html")])
    assert 'class="num red-flags bad" data-value="1"' in board


def test_a_flagged_submission_ranks_below_an_unflagged_lower_one(result: Result) -> None:
    flagged = grader_view(result)
    assert result.score is not None
    clean_score = replace(result.score, percent=20.0, red_flags=(), before_red_flags=None)
    clean = grader_view(
        replace(result, score=clean_score, submission=replace(result.submission, id="clean"))
    )

    order = ranked([LeaderboardEntry(flagged, "f"), LeaderboardEntry(clean, "c")])

    assert [entry.view.submission_id for entry in order] == ["clean", flagged.submission_id]
