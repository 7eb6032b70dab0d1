"""Each report format, checked by content: HTML, leaderboard, JUnit, Markdown, CSV, Gradescope."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
import xmlschema

from grader.core.result import SubmissionInfo
from grader.reports.csv_export import render_scores_csv
from grader.reports.gradescope import gradescope_results
from grader.reports.html import render_html_report
from grader.reports.junit import render_junit
from grader.reports.leaderboard import LeaderboardEntry, render_leaderboard
from grader.reports.markdown import (
    code_block,
    inline,
    render_run_summary,
    render_submission_summary,
)
from grader.reports.untrusted_text import clean, one_line, shorten
from grader.reports.views import candidate_view, grader_view
from tests.unit.sample_results import (
    LOGS,
    build_failed_result,
    graded_result,
    harness_error_result,
)

JUNIT_XSD = xmlschema.XMLSchema(Path(__file__).parent.parent / "schemas" / "junit-10.xsd")
NASTY = "<script>alert(\"x\")</script>\x1b[31m=cmd|' /C calc'!A0\x00\u202e"

# Gradescope's documented fields ("Autograder Specifications", Output format)
GRADESCOPE_TOP = {
    "score", "execution_time", "output", "output_format", "test_output_format",
    "test_name_format", "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard",
}  # fmt: skip
GRADESCOPE_TEST = {
    "score", "max_score", "status", "name", "name_format", "number", "output", "output_format",
    "tags", "visibility", "extra_data",
}  # fmt: skip
GRADESCOPE_VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}


def nasty_result():  # type: ignore[no-untyped-def]
    result = graded_result()
    return replace(
        result,
        submission=SubmissionInfo(id=NASTY, source=NASTY, sha256=None),
        message=NASTY + "\n" + "x" * 50_000,
    )


# --- untrusted text --------------------------------------------------------------------------


def test_untrusted_text_loses_escapes_and_control_characters() -> None:
    assert clean("a\x1b[1;31mb\x1b[0m\r\nc\x00d\u202ee\x07") == "ab\ncde"
    assert shorten("abcdef", 3) == "abc… [3 more characters]"
    assert one_line("\n  first  \nsecond", 100) == "first …"
    assert one_line("", 10) == ""


# --- HTML ------------------------------------------------------------------------------------


def test_the_html_report_escapes_and_shortens_untrusted_text() -> None:
    html = render_html_report(grader_view(nasty_result(), LOGS))

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "\x1b" not in html
    assert "\x00" not in html
    assert "\u202e" not in html
    assert "x" * 4001 not in html
    assert "more characters]" in html
    assert "<b>bold</b>" not in html  # from a test message


def test_the_html_report_is_self_contained() -> None:
    html = render_html_report(grader_view(graded_result(), LOGS))

    assert "default-src 'none'" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "@import" not in html
    assert "url(" not in html
    assert "<svg" in html
    assert "<style>" in html
    assert "<script>" in html


def test_the_html_report_shows_scores_lost_points_stages_and_logs() -> None:
    result = graded_result()
    html = render_html_report(grader_view(result, LOGS), back_href="../index.html")

    assert result.score is not None
    assert f'data-percent="{result.score.percent}"' in html
    for category in result.score.categories:
        assert f'data-category="{category.id}" data-points="{category.points}"' in html
        for criterion in category.criteria:
            for reason in criterion.lost:
                assert reason.describe().split(": ", 1)[1][:40].replace('"', "&#34;") in html
    assert 'data-stage="build"' in html
    assert "12.25 s" in html
    assert 'data-log="build"' in html
    assert "Successfully built abc" in html
    assert 'href="../index.html"' in html
    assert html.count('<tr data-outcome="') == len(result.tests)


def test_a_harness_error_report_says_there_is_no_score() -> None:
    html = render_html_report(grader_view(harness_error_result()))

    assert "no score" in html
    assert "The grader failed" in html
    assert 'data-percent=""' in html


def test_the_leaderboard_links_each_submission_and_ranks_by_score() -> None:
    views = [
        grader_view(r) for r in (harness_error_result(), build_failed_result(), graded_result())
    ]
    entries = [LeaderboardEntry(v, f"{v.submission_id}/report.html") for v in views]

    html = render_leaderboard("run-1", entries)

    order = re.findall(r'<tr data-submission="([^"]+)"', html)
    assert order == ["alice", "carol", "bob"]
    assert 'href="alice/report.html"' in html
    assert "no score" in html
    assert 'class="heat" data-category="api"' in html
    assert "Run run-1" in html


# --- JUnit -----------------------------------------------------------------------------------


@pytest.mark.parametrize("make_view", [grader_view, candidate_view])
def test_junit_validates_against_the_jenkins_schema(make_view) -> None:  # type: ignore[no-untyped-def]
    views = [make_view(r) for r in (graded_result(), harness_error_result(), build_failed_result())]
    views.append(make_view(nasty_result()))

    for document in [render_junit(views), *(render_junit([v]) for v in views)]:
        JUNIT_XSD.validate(document)


def test_junit_has_one_testcase_per_test_and_the_criterion_as_a_property() -> None:
    result = graded_result()
    root = ET.fromstring(render_junit([grader_view(result)]))

    cases = root.findall("./testsuite/testcase")
    assert len(cases) == len(result.tests)
    suite = next(s for s in root.findall("testsuite") if s.get("name") == "alice: api.create")
    properties = {p.get("name"): p.get("value") for p in suite.findall("./properties/property")}
    assert properties["criterion"] == "api.create"
    assert properties["category"] == "api"
    assert properties["criterion_title"] == "Create"
    failure = suite.find("./testcase/failure")
    assert failure is not None
    assert failure.get("message", "").startswith("AssertionError: expected 201, got 500")
    assert root.get("tests") == str(len(result.tests))
    assert root.get("failures") == "2"
    assert root.get("errors") == "1"


def test_junit_of_a_submission_that_was_not_graded_carries_its_status() -> None:
    root = ET.fromstring(render_junit([grader_view(build_failed_result())]))

    grading = root.find("./testsuite[@name='carol: grading']/testcase/error")
    assert grading is not None
    assert grading.get("type") == "build_failed"
    assert all(c.find("error") is not None for c in root.findall("./testsuite/testcase"))


# --- Gradescope ------------------------------------------------------------------------------


@pytest.mark.parametrize("make_view", [grader_view, candidate_view])
def test_gradescope_export_uses_only_documented_fields(make_view) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(json.dumps(gradescope_results(make_view(graded_result()))))

    assert set(data) <= GRADESCOPE_TOP
    assert data["tests"]
    for test in data["tests"]:
        assert set(test) <= GRADESCOPE_TEST
        assert {"name", "score", "max_score", "status", "output", "visibility"} <= set(test)
        assert test["status"] in ("passed", "failed")
        assert test["visibility"] in GRADESCOPE_VISIBILITY
        assert 0 <= test["score"] <= test["max_score"]
    assert sum(t["score"] for t in data["tests"]) == pytest.approx(data["score"])
    assert sum(t["max_score"] for t in data["tests"]) == pytest.approx(
        data["extra_data"]["max_score"]
    )


def test_gradescope_hides_hidden_tests_and_candidates_get_category_lines() -> None:
    grader = gradescope_results(grader_view(graded_result()))
    candidate = gradescope_results(candidate_view(graded_result()))

    hidden = [t for t in grader["tests"] if t["visibility"] == "hidden"]
    assert len(hidden) == 3
    assert {(t["score"], t["max_score"]) for t in hidden} == {(0, 0)}, "hidden tests: no points"
    for data in (grader, candidate):
        names = [t["name"] for t in data["tests"] if t["visibility"] == "visible"]
        assert "Hidden tests: API" in names
        assert "Hidden tests: Errors" in names
        visible = [t for t in data["tests"] if t["visibility"] == "visible"]
        assert sum(t["score"] for t in visible) == pytest.approx(data["score"])
        assert sum(t["max_score"] for t in visible) == pytest.approx(100), "the task's total"
    assert {t["visibility"] for t in candidate["tests"]} == {"visible"}


def test_gradescope_names_tests_by_criterion_with_tags_and_numbers() -> None:
    data = gradescope_results(grader_view(graded_result()))

    by_name = {t["name"]: t for t in data["tests"]}
    assert "JSON errors (1 of 2)" in by_name
    create = [t for t in data["tests"] if t["tags"] == ["api", "api.create"]]
    assert [(t["name"], t["number"]) for t in create] == [
        (f"Create ({n} of 3)", f"1.1.{n}") for n in (1, 2, 3)
    ]
    assert not [t for t in data["tests"] if "::" in t["name"]], "no node ids as names"


def test_gradescope_gets_no_score_at_all_for_a_harness_error() -> None:
    data = gradescope_results(grader_view(harness_error_result()))

    assert "score" not in data
    assert data["tests"] == []
    assert data["extra_data"]["status"] == "harness_error"


# --- CSV -------------------------------------------------------------------------------------


def test_scores_csv_has_one_row_per_submission_and_no_zero_for_a_harness_error() -> None:
    views = [
        grader_view(r) for r in (graded_result(), harness_error_result(), build_failed_result())
    ]

    rows = list(csv.reader(io.StringIO(render_scores_csv(views))))

    assert rows[0] == [
        "rank", "submission", "status", "percent", "points", "max points", "red flags",
        "before red flags", "API", "Errors",
    ]  # fmt: skip
    assert [row[:2] for row in rows[1:]] == [["1", "alice"], ["2", "carol"], ["3", "bob"]]
    by_id = {row[1]: row[1:] for row in rows[1:]}
    assert by_id["bob"] == ["bob", "harness_error", "", "", "", "", "", "", ""]
    assert by_id["carol"][1:] == ["build_failed", "0", "0", "100", "", "", "0", "0"]
    result = graded_result()
    assert result.score is not None
    assert by_id["alice"][2:5] == [f"{result.score.percent:g}", f"{result.score.points:g}", "100"]


def test_scores_csv_defuses_formulas() -> None:
    text = render_scores_csv([grader_view(nasty_result())])

    cell = list(csv.reader(io.StringIO(text)))[1][1]
    assert cell.startswith("<script>")
    evil = replace(nasty_result(), submission=SubmissionInfo(id="=HYPERLINK(1)", source="s"))
    assert list(csv.reader(io.StringIO(render_scores_csv([grader_view(evil)]))))[1][1] == (
        "'=HYPERLINK(1)"
    )


# --- Markdown --------------------------------------------------------------------------------


def test_markdown_escapes_untrusted_text() -> None:
    assert inline("a|b <i>c</i> *d* [e](f)", 100) == r"a\|b \<i\>c\</i\> \*d\* \[e\](f)"
    assert inline("1. not a list", 100, starts_block=True).startswith("\\1.")
    block = code_block("``` inside ````", 100)
    assert block.startswith("`````text\n")
    assert block.endswith("\n`````")


def test_markdown_summaries_name_scores_and_lost_points() -> None:
    result = graded_result()
    text = render_submission_summary(grader_view(result))

    assert result.score is not None
    assert text.startswith(f"## alice: {result.score.percent:.1f} %")
    assert "| API |" in text
    assert "### Points lost" in text
    assert "\\<b\\>bold\\</b\\> \\| pipe" in text
    run = render_run_summary("run-1", [grader_view(harness_error_result()), grader_view(result)])
    assert "| 1 | alice | graded |" in run
    assert "| 2 | bob | harness_error | no score |" in run
    assert "### Not graded" in run
