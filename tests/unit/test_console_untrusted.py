"""What a submission printed drives no terminal: console, check feedback and CSV neutralise it."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

from rich.console import Console

from grader.core.events import StageFinished, StageStarted, SubmissionGraded
from grader.core.result import StageStatus
from grader.core.task import parse_task_spec
from grader.reports.console import ProgressView, print_summary
from grader.reports.csv_export import render_scores_csv
from grader.reports.feedback import feedback_lines, feedback_markdown
from grader.reports.views import grader_view
from tests.unit.sample_results import TASK, build_failed_result, graded_result

PAYLOAD = (
    "\x1b]0;pwned\x07\x1b[2J\x1b[H\x1b]52;c;ZWNobyBwd25lZA==\x07\x1b[6n"
    "\x1b[32mall submissions scored 100.0 %\x1b[0m"
)
SEQUENCES = ("\x1b]0;", "\x1b[2J", "\x1b[H", "\x1b]52;", "\x1b[6n", "\x07")


def terminal() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=True, width=100), out


def test_a_failure_message_reaches_the_terminal_neutralised(tmp_path: Path) -> None:
    console, out = terminal()
    result = build_failed_result()
    result = replace(result, message=f"docker build failed\nlast lines:\n{PAYLOAD}")

    print_summary(console, (result,), tmp_path)

    shown = out.getvalue()
    assert "all submissions scored 100.0 %" in shown, "the text stays, its control codes go"
    assert not [s for s in SEQUENCES if s in shown]


def test_a_stage_detail_in_the_progress_lines_is_neutralised() -> None:
    console, out = terminal()
    view = ProgressView(console, ["carol"])
    view.live = None  # the line-per-stage form, as in a CI log

    view(StageFinished("carol", "build", StageStatus.FAILED, 1.0, PAYLOAD))

    assert not [s for s in SEQUENCES if s in out.getvalue()]


def test_check_feedback_and_its_step_summary_are_neutralised() -> None:
    spec = parse_task_spec(TASK, "task.toml")
    graded = graded_result()
    noisy_tests = tuple(
        replace(test, message=PAYLOAD, id=f"{test.id}[{PAYLOAD}]") for test in graded.tests
    )
    failed = replace(build_failed_result(), message=f"docker build failed\n{PAYLOAD}")

    for result in (replace(graded, tests=noisy_tests), failed):
        lines = feedback_lines(result, spec, 3)
        summary = feedback_markdown(result, spec, 3)

        assert not [s for s in SEQUENCES if s in "\n".join(lines) + summary]
        posing = [line for line in lines if line.startswith("all submissions scored")]
        assert not posing, "untrusted text is indented, never a line of the grader's own"
    assert any("all submissions scored 100.0 %" in line for line in lines), "the text stays"


def test_csv_headers_are_neutralised() -> None:
    result = graded_result()
    assert result.score is not None
    categories = tuple(replace(c, id=f"api{PAYLOAD}") for c in result.score.categories[:1])
    result = replace(result, score=replace(result.score, categories=categories))

    text = render_scores_csv([grader_view(result)])

    assert not [s for s in SEQUENCES if s in text]


def test_on_a_terminal_progress_counts_submissions_with_time() -> None:
    console, out = terminal()
    with ProgressView(console, ["carol", "dave"]) as view:
        view(StageStarted("carol", "build"))
        view(StageFinished("carol", "build", StageStatus.OK, 1.0))
        view(SubmissionGraded("carol", build_failed_result(), "carol/result.json"))
        assert view.live is not None
        view.live.refresh()

    shown = out.getvalue()
    assert "1/2" in shown, "submissions done of all"
    assert "0:00:0" in shown, "elapsed time"
    assert "carol: done: build_failed" in shown
