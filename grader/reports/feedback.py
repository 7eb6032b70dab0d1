"""Feedback a candidate can act on: per category what passed, what failed and why, with hints.

Pure: lines of text from a result and its task. Only public tests are detailed; hidden ones
appear as a count ("N more checks run when you submit"). Everything the submission could have
written (the result's message, test names and messages) is neutralised by `clean`, so the lines
are safe for a terminal and for a CI job summary alike.
"""

from __future__ import annotations

from collections import defaultdict

from grader.core.result import Outcome, Result, Status, TestOutcome
from grader.core.task import TaskSpec
from grader.reports.untrusted_text import clean

PASSED_MARK = "✓"
FAILED_MARK = "✗"
MESSAGE_LIMIT = 300


def feedback_lines(result: Result, spec: TaskSpec, hidden_checks: int) -> list[str]:
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
        scored = points.get(category.id)
        figure = f"{scored.points:g}/{scored.max_points:g}" if scored else "checked when you submit"
        lines.append(f"{category.title}  {figure}")
        for criterion in category.criteria:
            tests = public.get(criterion.id, [])
            if not tests:
                lines.append(f"  · {criterion.title} (checked when you submit)")
                continue
            failed = [test for test in tests if test.outcome is not Outcome.PASSED]
            lines.append(f"  {FAILED_MARK if failed else PASSED_MARK} {criterion.title}")
            for test in failed:
                lines.append(f"      {_name(test)}: {test.outcome.value}: {_short(test.message)}")
            if failed and criterion.hint:
                lines.append(f"      hint: {criterion.hint}")
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


def feedback_markdown(result: Result, spec: TaskSpec, hidden_checks: int) -> str:
    """The same feedback for a CI job summary: a heading with the score, the lines verbatim."""
    if result.score is not None and result.status is Status.GRADED:
        headline = f"**{result.score.percent:.1f} %** of the public checks"
    else:
        headline = f"**not checked**: `{result.status.value}`"
    fence = "`" * 3
    body = "\n".join(feedback_lines(result, spec, hidden_checks)).replace(fence, "'''")
    return f"## grader check: {spec.title}\n\n{headline}\n\n{fence}text\n{body}\n{fence}\n"
