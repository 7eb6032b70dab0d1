"""No hidden test id, name or message reaches anything rendered for a candidate.

The results carry distinctive hidden tests (`sample_results.SECRETS`), also planted in a stage
detail, the logs, a public test's message and a harness error's message. Every candidate
output, rendered directly and written by `write_run_reports`, is searched for each of them;
the grader's outputs are searched too, to show the secrets were there to leak.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from grader.reports.csv_export import render_scores_csv
from grader.reports.gradescope import gradescope_results
from grader.reports.html import render_html_report
from grader.reports.junit import render_junit
from grader.reports.leaderboard import LeaderboardEntry, render_leaderboard
from grader.reports.markdown import render_run_summary, render_submission_summary
from grader.reports.views import Audience, candidate_view, grader_view
from grader.reports.writer import write_run_reports
from tests.unit.sample_results import (
    LOGS,
    SECRETS,
    build_failed_result,
    graded_result,
    harness_error_result,
    write_run,
)

RESULTS = (graded_result(), harness_error_result(), build_failed_result())


def rendered(views: list) -> dict[str, str]:  # type: ignore[type-arg]
    outputs = {}
    for view in views:
        name = view.submission_id
        outputs[f"{name} html"] = render_html_report(view, back_href="../index.html")
        outputs[f"{name} markdown"] = render_submission_summary(view)
        outputs[f"{name} junit"] = render_junit([view])
        outputs[f"{name} gradescope"] = json.dumps(gradescope_results(view), ensure_ascii=False)
    outputs["leaderboard"] = render_leaderboard("run", [LeaderboardEntry(v, "x") for v in views])
    outputs["run markdown"] = render_run_summary("run", views)
    outputs["run junit"] = render_junit(views)
    outputs["csv"] = render_scores_csv(views)
    return outputs


def leaks(outputs: dict[str, str]) -> list[str]:
    return [
        f"{secret!r} in {where}"
        for where, text in outputs.items()
        for secret in SECRETS
        if secret in text
    ]


def test_the_grader_view_shows_the_hidden_tests() -> None:
    views = [grader_view(result, LOGS) for result in RESULTS]

    found = leaks(rendered(views))

    assert {secret for secret in SECRETS if any(repr(secret) in f for f in found)} == set(SECRETS)


def test_no_candidate_output_names_a_hidden_test() -> None:
    views = [candidate_view(result, LOGS) for result in RESULTS]

    assert leaks(rendered(views)) == []


def test_no_candidate_file_written_for_a_run_names_a_hidden_test(tmp_path: Path) -> None:
    run_dir = write_run(tmp_path / "run", list(RESULTS))

    reports = write_run_reports(run_dir, [Audience.GRADER, Audience.CANDIDATE])

    candidate_files = sorted(run_dir.glob("*/candidate/*")) + sorted(run_dir.glob("*.candidate.*"))
    assert len(candidate_files) == 3 * 4 + 4
    assert reports.problems == []
    outputs = {str(path): path.read_text(encoding="utf-8") for path in candidate_files}
    assert leaks(outputs) == []
    grader_report = (run_dir / "alice" / "report.html").read_text(encoding="utf-8")
    assert SECRETS[0] in grader_report


def test_the_candidate_still_sees_category_figures_and_public_detail() -> None:
    view = candidate_view(graded_result(), LOGS)
    html = render_html_report(view)

    assert "public/test_pub.py::test_create_rejects" in html
    assert "Hidden tests:" in html
    assert "[hidden test]" in html  # the public message that named a hidden test, redacted
    api = view.category("api")
    assert api is not None
    assert api.hidden is not None
    assert (api.hidden.tests_passed, api.hidden.tests_total) == (0, 2)


@pytest.mark.parametrize("name", ["app", "tests-hidden", "harness"])
def test_logs_that_saw_hidden_tests_are_left_out(name: str) -> None:
    result = graded_result()
    logs = {**LOGS, "harness": "boom"}

    names = [log.name for log in candidate_view(result, logs).logs]

    assert name not in names
    assert "build" in names
    assert "tests-public" in names


def test_the_app_log_is_shown_when_no_hidden_test_ran() -> None:
    crashed = replace(
        build_failed_result(), logs={"build": "logs/build.log", "app": "logs/app.log"}
    )

    names = [log.name for log in candidate_view(crashed, {**LOGS, "app": "Traceback"}).logs]

    assert names == ["build", "app"]
