"""Feedback a candidate can act on: per category what passed, what failed and why, with hints.

Pure: lines of text from a result and its task. Only public tests are detailed; hidden ones
appear as a count ("N more checks run when you submit"). Everything the submission could have
written (the result's message, test names and messages) is neutralised by `clean`, so the lines
are safe for a terminal and for a CI job summary alike.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from grader.core.result import CategoryScore, Outcome, Result, Score, Status, TestOutcome
from grader.core.task import CategorySpec, TaskSpec
from grader.reports.markdown import code_block, inline
from grader.reports.untrusted_text import clean

PASSED_MARK = "✓"
FAILED_MARK = "✗"
MESSAGE_LIMIT = 300
WHOLE_MESSAGE_LIMIT = 4000  # a step summary wraps: a failure is shown whole, up to this


LOCAL_ONLY = "runs with `grader check .`: it restarts the app"
LATER = "checked when you submit"


def feedback_lines(
    result: Result, spec: TaskSpec, hidden_checks: int, local_only: Collection[str] = ()
) -> list[str]:
    """`local_only`: criteria with checks left out under --url (they need the container)."""
    if result.status is not Status.GRADED or result.score is None:
        lines = [f"{spec.id}: not checked: {result.status.value}", ""]
        lines += ["    " + line for line in clean(result.message).splitlines()]
        return lines + _hidden(hidden_checks)
    score = result.score
    lines = [
        f"{spec.id} {spec.version}: {score.percent:.1f} % of the public checks "
        f"({score.points:g} of {score.max_points:g} points)",
    ]
    for category in _sections(result.tests, score, spec, local_only):
        lines += ["", f"{category.title}  {category.figure}"]
        for criterion in category.criteria:
            if criterion.failed is None:
                lines.append(f"  · {criterion.title} ({criterion.later})")
                continue
            lines.append(f"  {criterion.mark} {criterion.title}")
            for test in criterion.failed:
                lines.append(f"      {_name(test)}: {test.outcome.value}: {_short(test.message)}")
            if criterion.failed and criterion.hint:
                lines.append(f"      hint: {criterion.hint}")
            if criterion.local_only:
                lines.append(f"      more: {LOCAL_ONLY}")
    return lines + _hidden(hidden_checks)


def _hidden(count: int) -> list[str]:
    if not count:
        return []
    return ["", f"{count} more check{'s' if count != 1 else ''} run when you submit."]


def _name(test: TestOutcome) -> str:
    return " ".join(clean(test.id.rsplit("::", 1)[-1]).split())


def _short(message: str) -> str:
    text = " ".join(clean(message).split()) or "no message"
    return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 3] + "..."


def feedback_markdown(
    result: Result, spec: TaskSpec, hidden_checks: int, local_only: Collection[str] = ()
) -> str:
    """The same feedback for a CI job summary, as Markdown a browser wraps: a heading with the
    score, a section per category, a list item per criterion, each failure whole on its line
    (untrusted text escaped, never in a code block that would cut it off)."""
    title = f"## grader check: {inline(spec.title, 200)}"
    if result.score is None or result.status is not Status.GRADED:
        headline = f"**not checked**: `{result.status.value}`"
        body = [code_block(result.message, 3000)]
        return "\n\n".join([title, headline, *body, *_hidden(hidden_checks)[1:]]) + "\n"
    score = result.score
    lines = [title, "", f"**{score.percent:.1f} %** of the public checks "
             f"({score.points:g} of {score.max_points:g} points)"]  # fmt: skip
    for category in _sections(result.tests, score, spec, local_only):
        lines += ["", f"### {inline(category.title, 200)}: {category.figure}", ""]
        for criterion in category.criteria:
            if criterion.failed is None:
                title, later = inline(criterion.title, 300), inline(criterion.later, 100)
                lines.append(f"- · {title} ({later})")
                continue
            lines.append(f"- {criterion.mark} {inline(criterion.title, 300)}")
            for test in criterion.failed:
                message = " ".join(clean(test.message).split()) or "no message"
                lines.append(
                    f"  - {inline(_name(test), 200)}: {test.outcome.value}: "
                    f"{inline(message, WHOLE_MESSAGE_LIMIT)}"
                )
            if criterion.failed and criterion.hint:
                lines.append(f"  - hint: {inline(criterion.hint, 1000)}")
            if criterion.local_only:
                lines.append(f"  - more: {inline(LOCAL_ONLY, 100)}")
    lines += _hidden(hidden_checks)
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class _CriterionFeedback:
    title: str
    failed: tuple[TestOutcome, ...] | None  # None: no public check of it ran here
    hint: str
    local_only: bool

    @property
    def mark(self) -> str:
        return FAILED_MARK if self.failed else PASSED_MARK

    @property
    def later(self) -> str:
        return LOCAL_ONLY if self.local_only else LATER


@dataclass(frozen=True)
class _CategoryFeedback:
    title: str
    figure: str
    criteria: tuple[_CriterionFeedback, ...]


def _sections(
    tests: Sequence[TestOutcome],
    score: Score,
    spec: TaskSpec,
    local_only: Collection[str],
) -> list[_CategoryFeedback]:
    """What both renderings show, category by category: each criterion's failed public
    tests, its hint, and whether its checks run only with the container."""
    public: dict[str, list[TestOutcome]] = defaultdict(list)
    for test in tests:
        if test.visibility == "public":
            public[test.criterion].append(test)
    points = {category.id: category for category in score.categories}
    sections = []
    for category in spec.rubric.categories:
        criteria = []
        for criterion in category.criteria:
            ran = public.get(criterion.id, [])
            failed = tuple(t for t in ran if t.outcome is not Outcome.PASSED) if ran else None
            criteria.append(_CriterionFeedback(
                criterion.title, failed, criterion.hint, criterion.id in local_only
            ))  # fmt: skip
        figure = _category_figure(category, points.get(category.id), local_only)
        sections.append(_CategoryFeedback(category.title, figure, tuple(criteria)))
    return sections


def _category_figure(
    category: CategorySpec, scored: CategoryScore | None, local_only: Collection[str]
) -> str:
    """Points of points, or when the category was not scored here, where it will be."""
    if scored is not None:
        return f"{scored.points:g}/{scored.max_points:g}"
    if all(c.id in local_only for c in category.criteria):
        return LOCAL_ONLY
    return LATER
