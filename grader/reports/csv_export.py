"""`scores.csv`: one row per submission, for spreadsheets and scripts.

Pure: views in, text out. One row per submission in rank order (the leaderboard's: highest
total first, every submission with a red flag below every one without, submissions without a
score last). Columns: rank, submission, status, percent, points, max points, red flags (the
critical criteria that lost points, `;`-separated), before red flags (the percent before the
task's red-flag rule lowered it), then one per category with its points, headed by the
category's title. A submission without a score (harness_error) has empty cells, never 0. Text
cells that a spreadsheet would read as a formula (starting with = + - @ or a tab) get a leading
apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from grader.reports.figures import format_number
from grader.reports.untrusted_text import one_line
from grader.reports.views import ReportView, category_columns, ranked_views

ID_LIMIT = 200
FIXED_COLUMNS = (
    "rank", "submission", "status", "percent", "points", "max points", "red flags",
    "before red flags",
)  # fmt: skip


def render_scores_csv(views: Sequence[ReportView]) -> str:
    columns = category_columns(views)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*FIXED_COLUMNS, *(_text_cell(one_line(c.title, ID_LIMIT)) for c in columns)])
    for rank, view in enumerate(ranked_views(views), start=1):
        total = view.total
        row = [
            str(rank),
            _text_cell(one_line(view.submission_id, ID_LIMIT)),
            view.status.value,
            format_number(total.percent) if total else "",
            format_number(total.points) if total else "",
            format_number(total.max_points) if total else "",
            "; ".join(flag.criterion for flag in view.red_flags),
            format_number(total.before_red_flags)
            if total and total.before_red_flags is not None
            else "",
        ]
        for column in columns:
            category = view.category(column.id)
            row.append(format_number(category.points) if category and total else "")
        writer.writerow(row)
    return out.getvalue()


def _text_cell(text: str) -> str:
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t") else text
