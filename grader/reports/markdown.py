"""Markdown summaries: one per submission, one per run (also for `$GITHUB_STEP_SUMMARY`).

Pure: views in, text out. Untrusted text goes in one of two ways: shortened to one line with
every character Markdown or HTML could act on escaped, or whole in a fenced code block whose
fence is longer than any run of backticks inside it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from grader.core.result import Status
from grader.reports.figures import format_percent, format_points
from grader.reports.untrusted_text import one_line, shorten
from grader.reports.views import ReportView, category_columns, ranked_views, red_flag_line

ID_LIMIT = 80
REASON_LIMIT = 300
MESSAGE_LIMIT = 3000
RUN_MESSAGE_LIMIT = 200

_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~])")
_BLOCK_START = re.compile(r"^(?=[#+=>!-]|\d+[.)])")


def inline(text: str, limit: int, starts_block: bool = False) -> str:
    """One line of untrusted text, safe inside a paragraph, a list item or a table cell.

    `starts_block`: the text opens a list item, where "1." or "#" would start a new block.
    """
    escaped = _SPECIAL.sub(r"\\\1", one_line(text, limit))
    return _BLOCK_START.sub("\\\\", escaped) if starts_block else escaped


def code_block(text: str, limit: int) -> str:
    body = shorten(text, limit).rstrip("\n")
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{body}\n{fence}"


def render_submission_summary(view: ReportView) -> str:
    lines = [f"## {inline(view.submission_id, ID_LIMIT)}: {_verdict(view)}", ""]
    lines.append(
        f"Task {inline(view.task.id, ID_LIMIT)} {inline(view.task.version, 40)}; "
        f"status **{view.status.value}**"
        + (
            "; candidate view: hidden tests appear only as figures per category"
            if view.is_candidate
            else ""
        )
        + "."
    )
    if view.red_flags:
        lines += ["", f"**{red_flag_line(view)}**"]
    if view.status is not Status.GRADED or view.message != "graded":
        lines += ["", code_block(view.message, MESSAGE_LIMIT)]
    if view.categories:
        lines += ["", "| category | points | of | tests passed |", "| --- | ---: | ---: | ---: |"]
        for category in view.categories:
            passed = sum(c.tests_passed for c in category.criteria)
            total = sum(c.tests_total for c in category.criteria)
            if category.hidden and view.is_candidate:
                passed += category.hidden.tests_passed
                total += category.hidden.tests_total
            lines.append(
                f"| {inline(category.title, ID_LIMIT)} | {format_points(category.points)} "
                f"| {format_points(category.max_points)} | {passed} / {total} |"
            )
    lost = [
        (category, criterion, reason)
        for category in view.categories
        for criterion in category.criteria
        for reason in criterion.lost
    ]
    hidden_losses = [
        c
        for c in view.categories
        if view.is_candidate and c.hidden and c.hidden.points < c.hidden.max_points
    ]
    if lost or hidden_losses:
        lines += ["", "### Points lost", ""]
        for index, (category, criterion, reason) in enumerate(lost):
            lines.append(
                f"- {inline(category.title, ID_LIMIT, starts_block=True)} / "
                f"{inline(criterion.title, 120)}: "
                f"{inline(reason, REASON_LIMIT)}"
            )
            last_of_criterion = index + 1 == len(lost) or lost[index + 1][1] is not criterion
            if criterion.hint and last_of_criterion:
                lines.append(f"  - hint: {inline(criterion.hint, REASON_LIMIT)}")
        for category in hidden_losses:
            hidden = category.hidden
            assert hidden is not None
            lines.append(
                f"- {inline(category.title, ID_LIMIT, starts_block=True)} / hidden tests: "
                f"{hidden.tests_passed} of {hidden.tests_total} passed, "
                f"{format_points(hidden.points)} of {format_points(hidden.max_points)} points"
            )
    return "\n".join(lines) + "\n"


def render_run_summary(title: str, views: Sequence[ReportView]) -> str:
    columns = category_columns(views)
    ordered = ranked_views(views)
    lines = [f"## grader: {inline(title, ID_LIMIT)}", ""]
    graded = sum(1 for v in views if v.status is Status.GRADED)
    lines.append(
        f"{len(views)} submission(s), {graded} graded"
        + (
            "; candidate view: hidden tests appear only as figures per category"
            if any(v.is_candidate for v in views)
            else ""
        )
        + "."
    )
    header = [
        "#", "submission", "status", "total", "red flags", *(inline(c.title, 40) for c in columns)
    ]  # fmt: skip
    lines += ["", "| " + " | ".join(header) + " |", "| " + " | ".join(_alignments(header)) + " |"]
    for rank, view in enumerate(ordered, start=1):
        cells = [str(rank), inline(view.submission_id, ID_LIMIT), view.status.value]
        cells.append(format_percent(view.total.percent) if view.total else "no score")
        cells.append(", ".join(flag.criterion for flag in view.red_flags))
        for column in columns:
            category = view.category(column.id)
            cells.append(
                f"{format_points(category.points)} / {format_points(category.max_points)}"
                if category and view.total
                else "—"
            )
        lines.append("| " + " | ".join(cells) + " |")
    failures = [v for v in ordered if v.status is not Status.GRADED]
    if failures:
        lines += ["", "### Not graded", ""]
        lines += [
            f"- **{inline(v.submission_id, ID_LIMIT)}** ({v.status.value}): "
            f"{inline(v.message, RUN_MESSAGE_LIMIT)}"
            for v in failures
        ]
    return "\n".join(lines) + "\n"


def _verdict(view: ReportView) -> str:
    if view.total is None and view.status is Status.INCONCLUSIVE:
        return "no score (inconclusive: too little of the API was reached)"
    if view.total is None:
        return "no score (the grader failed)"
    return (
        f"{format_percent(view.total.percent)} "
        f"({format_points(view.total.points)} / {format_points(view.total.max_points)} points)"
    )


def _alignments(header: list[str]) -> list[str]:
    return [
        "---" if index in (1, 2, 4) else "---:" for index in range(len(header))
    ]  # submission, status and red flags are text
