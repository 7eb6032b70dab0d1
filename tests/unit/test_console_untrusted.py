"""What a submission printed never drives the operator's terminal: the console neutralises it."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

from rich.console import Console

from grader.core.events import StageFinished
from grader.core.result import StageStatus
from grader.reports.console import ProgressView, print_summary
from tests.unit.sample_results import build_failed_result

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
