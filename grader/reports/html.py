"""The HTML report of one submission: one self-contained file, readable offline.

Rendering only: a view in, a string out (the templates are read from the package). Jinja2
escapes every value (autoescape on); untrusted text is also cleaned and shortened by the
filters below. The page loads nothing: inline CSS, JS and SVG, and a Content-Security-Policy
that forbids any fetch.
"""

from __future__ import annotations

import functools
import re

import jinja2

from grader.core.result import Outcome, StageStatus, Status
from grader.reports.figures import (
    format_percent,
    format_points,
    format_seconds,
    fraction,
    heat_colour,
    ink_colour,
)
from grader.reports.untrusted_text import one_line, shorten
from grader.reports.views import ReportView

_REASON = re.compile(r"-(\d+(?:\.\d+)?): (.*)", re.DOTALL)
ID_LIMIT = 160
MESSAGE_LIMIT = 4000
REASON_LIMIT = 400


@functools.cache
def template_environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("grader.reports", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(
        points=format_points,
        percent=format_percent,
        seconds=format_seconds,
        shorten=shorten,
        one_line=one_line,
        heat=heat_colour,
        ink=ink_colour,
        fixed=lambda value, digits=2: f"{value:.{digits}f}",
        reason_parts=reason_parts,
    )
    environment.tests["long"] = _is_long
    environment.globals.update(
        fraction=fraction,
        ID_LIMIT=ID_LIMIT,
        MESSAGE_LIMIT=MESSAGE_LIMIT,
        REASON_LIMIT=REASON_LIMIT,
        Outcome=Outcome,
        Status=Status,
        StageStatus=StageStatus,
    )
    return environment


def render_html_report(view: ReportView, back_href: str | None = None) -> str:
    """The report page; `back_href` links to the run's leaderboard when given."""
    template = template_environment().get_template("report.html.j2")
    return template.render(
        view=view,
        back_href=back_href,
        outcomes=_present([t.outcome.value for t in view.tests]),
        suites=_present([t.suite for t in view.tests]),
        categories=_present_pairs([(t.category_id, t.category_title) for t in view.tests]),
        longest_stage=max((s.duration_s for s in view.stages), default=0.0),
    )


def reason_parts(reason: str) -> tuple[str, str]:
    """A lost-point reason, "-2.50: <test> <outcome>: <message>", as ("2.50", the rest)."""
    match = _REASON.match(reason)
    return (match.group(1), match.group(2)) if match else ("", reason)


def _is_long(text: str, limit: int) -> bool:
    return len(text) > limit or "\n" in text


def _present(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _present_pairs(values: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [pair for pair in dict.fromkeys(values) if pair[0]]
