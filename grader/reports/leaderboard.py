"""The run's leaderboard (`index.html`): every submission, its total and each category as a
heatmap, sortable in the browser, each row linking to the submission's report.

Rendering only, from views: the candidate view of a run shows category figures and nothing of
the hidden tests, as every renderer does.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from grader.core.result import Status
from grader.reports.html import template_environment
from grader.reports.views import ReportView, category_columns, rank_key


@dataclass(frozen=True)
class LeaderboardEntry:
    view: ReportView
    href: str  # the submission's report, relative to the leaderboard


def ranked(entries: Sequence[LeaderboardEntry]) -> list[LeaderboardEntry]:
    """Highest total first, every submission with a red flag below every one without;
    submissions without a score last; ties by submission id."""
    return sorted(entries, key=lambda e: (*rank_key(e.view), e.href))


def render_leaderboard(title: str, entries: Sequence[LeaderboardEntry]) -> str:
    ordered = ranked(entries)
    views = [entry.view for entry in ordered]
    scored = [v.total.percent for v in views if v.total and v.status is Status.GRADED]
    template = template_environment().get_template("leaderboard.html.j2")
    return template.render(
        title=title,
        entries=ordered,
        columns=category_columns(views),
        candidate=any(view.is_candidate for view in views),
        tasks=sorted({f"{v.task.id} {v.task.version}" for v in views}),
        graded=sum(1 for v in views if v.status is Status.GRADED),
        median=statistics.median(scored) if scored else None,
    )
