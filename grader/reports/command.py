"""`grader report RUN_DIR`, and the reports `grader grade` renders at the end of a run.

Thin, like the rest of the CLI: it calls `write_run_reports`, says where the files went, and
appends the run's Markdown summary to `$GITHUB_STEP_SUMMARY` when that is set (the candidate
view's when one was asked for, since a step summary may be read by more people).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import click
from rich.console import Console

from grader.cli.operator_input import require_run_folder
from grader.core.errors import GraderError
from grader.reports.screenshots import require_chromium, take_screenshot
from grader.reports.views import Audience
from grader.reports.writer import RunReports, run_file, write_run_reports

STEP_SUMMARY = "GITHUB_STEP_SUMMARY"
SCREENSHOT_WIDTH = 1280


@click.command("report")
@click.argument(
    "run_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), metavar="RUN_DIR"
)
@click.option(
    "--candidate",
    is_flag=True,
    help="Also write the candidate view: <submission>/candidate/ and *.candidate.* run files "
    "(once written, it is kept up to date by every later `grader report`).",
)
@click.option(
    "--screenshot", is_flag=True, help="Also save a PNG beside each HTML page (needs Chromium)."
)
def report_command(run_dir: Path, candidate: bool, screenshot: bool) -> None:
    """Render the reports of RUN_DIR again from its result.json files (no grading)."""
    require_run_folder(run_dir)
    console = Console()
    reports = render_reports(console, run_dir, candidate)
    if reports.submissions == 0:
        raise GraderError(f"no <submission>/result.json in {run_dir}: nothing to report")
    if screenshot:
        try:
            require_chromium()
        except GraderError as error:
            message = f"the reports were written, but not the screenshots: {error.message}"
            raise GraderError(message) from None
        save_screenshots(console, reports)
    if reports.problems:
        raise GraderError(f"{len(reports.problems)} problem(s) while rendering {run_dir}")


def render_reports(
    console: Console, run_dir: Path, candidate: bool, step_summary: bool = True
) -> RunReports:
    """Write the grader view (and the candidate view) of a run; print where and what failed.

    A candidate view written before is rendered again too, so it never goes stale.
    `step_summary`: append the run's summary to $GITHUB_STEP_SUMMARY (`grader check` writes
    its own feedback there instead).
    """
    candidate = candidate or run_file(run_dir, "index.html", Audience.CANDIDATE).is_file()
    audiences = [Audience.GRADER, Audience.CANDIDATE] if candidate else [Audience.GRADER]
    started = time.monotonic()
    reports = write_run_reports(run_dir, audiences)
    written_s = time.monotonic() - started
    for problem in reports.problems:
        console.print(f"report problem: {problem}", markup=False, highlight=False, soft_wrap=True)
    for audience, index in reports.index.items():
        label = "report" if audience is Audience.GRADER else "candidate view"
        console.print(f"{label}: {index}", markup=False, highlight=False, soft_wrap=True)
    console.print(f"time in reports: {written_s:.1f} s", highlight=False)
    if step_summary:
        _append_step_summary(reports, Audience.CANDIDATE if candidate else Audience.GRADER)
    return reports


def save_screenshots(console: Console, reports: RunReports) -> None:
    for page in reports.html_pages:
        take_screenshot(page, page.with_suffix(".png"), SCREENSHOT_WIDTH, _page_height(page))
    console.print(
        f"screenshots: {len(reports.html_pages)} PNG(s) beside the HTML pages",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


def _page_height(page: Path) -> int:
    """A viewport tall enough for most of the page: Chromium's --screenshot takes the viewport."""
    rows = page.read_text(encoding="utf-8").count("<tr")
    return max(900, min(12000, 900 + 58 * rows))


def _append_step_summary(reports: RunReports, audience: Audience) -> None:
    target = os.environ.get(STEP_SUMMARY)
    summary = reports.summary.get(audience)
    if not target or summary is None:
        return
    with Path(target).open("a", encoding="utf-8") as out:
        out.write(summary + "\n")
