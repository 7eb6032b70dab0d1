"""Reports rendered from `result.json`: HTML pages, a leaderboard, Markdown, JUnit XML, CSV and
a Gradescope export, each for the grader or for the candidate.

Every renderer takes a `ReportView` (`views`), built by the pure `grader_view` or
`candidate_view`; the candidate view carries nothing of the hidden tests but figures per
category. `views`, `untrusted_text`, `figures`, `markdown`, `junit`, `csv_export` and
`gradescope` are pure; `html` and `leaderboard` read their templates from the package;
`writer` reads results and logs and writes the files; `screenshots` drives a headless Chromium.
"""

from grader.reports.views import Audience, ReportView, candidate_view, grader_view, view_for
from grader.reports.writer import RunReports, write_run_reports

__all__ = [
    "Audience",
    "ReportView",
    "RunReports",
    "candidate_view",
    "grader_view",
    "view_for",
    "write_run_reports",
]
