"""Feedback a candidate can act on: per category what passed, what failed and why, with hints.

Pure: lines of text from a result and its task. Only public tests are detailed; hidden ones
appear as a count ("N more checks run when you submit"). Everything the submission could have
written (the result's message, test names and messages) is neutralised by `clean`, so the lines
are safe for a terminal and for a CI job summary alike.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from grader.core.result import CategoryScore, Outcome, Result, Status, TestOutcome
from grader.core.task import CategorySpec, TaskSpec
from grader.reports.markdown import code_block, inline
from grader.reports.untrusted_text import clean

PASSED_MARK = "✓"
FAILED_MARK = "✗"
MESSAGE_LIMIT = 300
WHOLE_MESSAGE_LIMIT = 4000  # a step summary wraps: a failure is shown whole, up to this


LOCAL_ONLY = "runs with `grader check .`: it restarts the app"


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
    public: dict[str, list[TestOutcome]] = defaultdict(list)
    for test in result.tests:
        if test.visibility == "public":
            public[test.criterion].append(test)
    points = {category.id: category for category in score.categories}
    for category in spec.rubric.categories:
        lines.append("")
        figure = _category_figure(category, points.get(category.id), local_only)
        lines.append(f"{category.title}  {figure}")
        for criterion in category.criteria:
            tests = public.get(criterion.id, [])
            if not tests:
                later = LOCAL_ONLY if criterion.id in local_only else "checked when you submit"
                lines.append(f"  · {criterion.title} ({later})")
                continue
            failed = [test for test in tests if test.outcome is not Outcome.PASSED]
            lines.append(f"  {FAILED_MARK if failed else PASSED_MARK} {criterion.title}")
            for test in failed:
                lines.append(f"      {_name(test)}: {test.outcome.value}: {_short(test.message)}")
            if failed and criterion.hint:
                lines.append(f"      hint: {criterion.hint}")
            if criterion.id in local_only:
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
    public: dict[str, list[TestOutcome]] = defaultdict(list)
    for test in result.tests:
        if test.visibility == "public":
            public[test.criterion].append(test)
    points = {category.id: category for category in score.categories}
    for category in spec.rubric.categories:
        figure = _category_figure(category, points.get(category.id), local_only)
        lines += ["", f"### {inline(category.title, 200)}: {figure}", ""]
        for criterion in category.criteria:
            tests = public.get(criterion.id, [])
            if not tests:
                when = LOCAL_ONLY if criterion.id in local_only else "checked when you submit"
                lines.append(f"- · {inline(criterion.title, 300)} ({inline(when, 100)})")
                continue
            failed = [test for test in tests if test.outcome is not Outcome.PASSED]
            lines.append(
                f"- {FAILED_MARK if failed else PASSED_MARK} {inline(criterion.title, 300)}"
            )
            for test in failed:
                message = " ".join(clean(test.message).split()) or "no message"
                lines.append(
                    f"  - {inline(_name(test), 200)}: {test.outcome.value}: "
                    f"{inline(message, WHOLE_MESSAGE_LIMIT)}"
                )
            if failed and criterion.hint:
                lines.append(f"  - hint: {inline(criterion.hint, 1000)}")
            if criterion.id in local_only:
                lines.append(f"  - more: {inline(LOCAL_ONLY, 100)}")
    lines += _hidden(hidden_checks)
    return "\n".join(lines) + "\n"


def _category_figure(
    category: CategorySpec, scored: CategoryScore | None, local_only: Collection[str]
) -> str:
    """Points of points, or when the category was not scored here, where it will be."""
    if scored is not None:
        return f"{scored.points:g}/{scored.max_points:g}"
    if all(c.id in local_only for c in category.criteria):
        return LOCAL_ONLY
    return "checked when you submit"
