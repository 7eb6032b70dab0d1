"""Render every report of a run folder from its `result.json` files, and write them.

The only part of `grader.reports` that touches the disk: it reads the results and the tails of
the logs they name (never outside the submission's folder), renders the views, and writes each
file atomically. Rendering the same folder twice writes the same bytes: nothing depends on the
time of rendering, and every list is in a fixed order.

Layout (grader view; the candidate view is written only when asked):

    <run>/index.html  scores.csv  summary.md  junit.xml                   the whole run
    <run>/index.candidate.html  scores.candidate.csv  summary.candidate.md  junit.candidate.xml
    <run>/<submission>/report.html  junit.xml  summary.md  gradescope.json
    <run>/<submission>/candidate/report.html  junit.xml  summary.md  gradescope.json

A submission's `candidate/` folder holds only what its candidate may see, so it can be handed
over as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from grader.core.result import Result
from grader.reports.csv_export import render_scores_csv
from grader.reports.gradescope import gradescope_results
from grader.reports.html import render_html_report
from grader.reports.junit import render_junit
from grader.reports.leaderboard import LeaderboardEntry, render_leaderboard
from grader.reports.markdown import render_run_summary, render_submission_summary
from grader.reports.views import Audience, ReportView, view_for
from grader.runs.results_store import write_json_atomically, write_text_atomically
from grader.runs.run_record import RESULT_FILE, read_result

CANDIDATE_FOLDER = "candidate"
LOG_READ_LIMIT = 64 * 1024


@dataclass(frozen=True)
class LoadedResult:
    folder: Path
    result: Result


@dataclass
class RunReports:
    """What rendering a run folder wrote, and what it could not read or write."""

    run_dir: Path
    index: dict[Audience, Path] = field(default_factory=dict)
    summary: dict[Audience, str] = field(default_factory=dict)
    html_pages: list[Path] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    submissions: int = 0


def run_file(run_dir: Path, name: str, audience: Audience) -> Path:
    """`index.html` or, for the candidate view, `index.candidate.html`."""
    if audience is Audience.GRADER:
        return run_dir / name
    stem, dot, suffix = name.partition(".")
    return run_dir / f"{stem}.{audience.value}{dot}{suffix}"


def submission_dir(folder: Path, audience: Audience) -> Path:
    return folder if audience is Audience.GRADER else folder / CANDIDATE_FOLDER


def load_results(run_dir: Path) -> tuple[list[LoadedResult], list[str]]:
    """Every `<run>/<submission>/result.json`, in folder-name order, and the ones unreadable."""
    loaded, problems = [], []
    folders = sorted(
        (p for p in run_dir.iterdir() if p.is_dir() and not p.is_symlink()), key=lambda p: p.name
    )
    for folder in folders:
        path = folder / RESULT_FILE
        if not path.is_file() or path.is_symlink():
            continue
        try:
            loaded.append(LoadedResult(folder, read_result(path)))
        except (OSError, ValueError) as error:
            problems.append(f"{path}: not a readable result ({type(error).__name__}: {error})")
    return loaded, problems


def read_logs(folder: Path, result: Result) -> dict[str, str]:
    """The tail of each log the result names, if it lies inside the submission's folder."""
    root = folder.resolve()
    logs = {}
    for name, relative in sorted(result.logs.items()):
        path = (folder / relative).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            continue
        logs[name] = _tail(path, LOG_READ_LIMIT)
    return logs


def write_run_reports(
    run_dir: Path, audiences: Iterable[Audience] = (Audience.GRADER,)
) -> RunReports:
    reports = RunReports(run_dir)
    loaded, reports.problems = load_results(run_dir)
    reports.submissions = len(loaded)
    logs = {item.folder: read_logs(item.folder, item.result) for item in loaded}
    for audience in dict.fromkeys(audiences):
        views = [
            (item.folder, view_for(item.result, audience, logs[item.folder])) for item in loaded
        ]
        for folder, view in views:
            _write_submission(reports, submission_dir(folder, audience), view)
        _write_run(reports, run_dir, audience, views)
    return reports


def _write_submission(reports: RunReports, target: Path, view: ReportView) -> None:
    back = "../index.html" if view.audience is Audience.GRADER else None
    html = target / "report.html"
    _write(reports, html, render_html_report(view, back_href=back))
    reports.html_pages.append(html)
    _write(reports, target / "junit.xml", render_junit([view], name=view.submission_id))
    _write(reports, target / "summary.md", render_submission_summary(view))
    _write(reports, target / "gradescope.json", gradescope_results(view))


def _write_run(
    reports: RunReports, run_dir: Path, audience: Audience, views: list[tuple[Path, ReportView]]
) -> None:
    only_views = [view for _, view in views]
    entries = [
        LeaderboardEntry(view, _report_href(folder.name, audience)) for folder, view in views
    ]
    index = run_file(run_dir, "index.html", audience)
    _write(reports, index, render_leaderboard(run_dir.name, entries))
    reports.index[audience] = index
    reports.html_pages.append(index)
    summary = render_run_summary(run_dir.name, only_views)
    reports.summary[audience] = summary
    _write(reports, run_file(run_dir, "summary.md", audience), summary)
    _write(reports, run_file(run_dir, "scores.csv", audience), render_scores_csv(only_views))
    _write(
        reports, run_file(run_dir, "junit.xml", audience), render_junit(only_views, run_dir.name)
    )


def _report_href(folder_name: str, audience: Audience) -> str:
    parts = [folder_name] + ([CANDIDATE_FOLDER] if audience is Audience.CANDIDATE else [])
    return "/".join(quote(part) for part in [*parts, "report.html"])


def _write(reports: RunReports, path: Path, content: str | dict[str, object]) -> None:
    try:
        if isinstance(content, str):
            write_text_atomically(path, content)
        else:
            write_json_atomically(path, content)
    except OSError as error:
        reports.problems.append(f"{path}: could not be written ({error})")
        return
    reports.written.append(path)


def _tail(path: Path, limit: int) -> str:
    """The last `limit` bytes as text, starting at a whole line when it had to cut."""
    with path.open("rb") as handle:
        size = handle.seek(0, 2)
        handle.seek(max(0, size - limit))
        data = handle.read(limit)
    text = data.decode("utf-8", errors="replace")
    if size > limit:
        text = text.partition("\n")[2]
    return text
