"""`scores.csv`: one row per submission, for spreadsheets and scripts.

Pure: views in, text out. Columns: submission, status, percent, points, max_points,
red_flags (the critical criteria that lost points, `;`-separated), before_red_flags (the percent
before the task's red-flag rule lowered it), then one per category with its points (the header
is the category id). A submission without a score
(harness_error) has empty cells, never 0. Text cells that a spreadsheet would read as a
formula (starting with = + - @ or a tab) get a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from grader.reports.figures import format_number
from grader.reports.untrusted_text import one_line
from grader.reports.views import ReportView, category_columns

ID_LIMIT = 200
FIXED_COLUMNS = (
    "submission", "status", "percent", "points", "max_points", "red_flags", "before_red_flags"
)  # fmt: skip


def render_scores_csv(views: Sequence[ReportView]) -> str:
    columns = category_columns(views)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [*FIXED_COLUMNS, *(_text_cell(one_line(column.id, ID_LIMIT)) for column in columns)]
    )
    for view in sorted(views, key=lambda v: v.submission_id):
        total = view.total
        row = [
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
