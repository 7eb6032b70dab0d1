"""An export in the format of Gradescope's autograder `results.json`.

Pure: a view in, a JSON-ready dict out. Fields follow Gradescope's "Autograder Specifications"
(gradescope-autograders.readthedocs.io/en/latest/specs/): top-level `score`, `execution_time`,
`output`, `extra_data` and `tests[]`, each test with `name`, `score`, `max_score`, `status`
("passed" or "failed"), `output` and `visibility` ("visible" or "hidden"). The specification
has no top-level maximum, so the run's maximum, percentage and status are in `extra_data`.

Gradescope hides a hidden test's points from students only if the test carries none: a hidden
test's points would show in the total students see. So hidden tests carry 0 points and each
category's hidden points are one visible line of figures ("Hidden tests: <category>"), named
by no hidden test; the visible tests' points then add up to the score, as the spec says.
Tests are named by their criterion's title ("(2 of 3)" when it has several), tagged with their
category and criterion ids, and numbered category.criterion.test in the rubric's order.

- grader view: every test; hidden tests have visibility "hidden" and 0 points, beside the
  visible per-category lines of hidden figures.
- candidate view: public tests, and the same per-category lines; no hidden test at all.
- red flags: named first in `output`; when the task's rule lowered the total, a visible
  "Red flags" line carries the points it took (a negative score), so the tests still add up.
- harness_error: no score anywhere and no tests, so Gradescope reports a failed autograder
  run instead of a zero that was never earned.
"""

from __future__ import annotations

from typing import Any

from grader.core.result import Status
from grader.reports.untrusted_text import shorten
from grader.reports.views import (
    CategoryView,
    HiddenFigures,
    ReportView,
    TestLine,
    hidden_figures,
    red_flag_line,
)

NAME_LIMIT = 200
OUTPUT_LIMIT = 8000


def gradescope_results(view: ReportView) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if view.total is not None:
        data["score"] = view.total.points
    data["execution_time"] = round(sum(stage.duration_s for stage in view.stages))
    data["output"] = _overall_output(view)
    data["extra_data"] = {
        "max_score": view.total.max_points if view.total else None,
        "percent": view.total.percent if view.total else None,
        "status": view.status.value,
        "submission": shorten(view.submission_id, NAME_LIMIT),
        "task": f"{view.task.id} {view.task.version}",
        "view": view.audience.value,
    }
    if view.total is None:
        data["tests"] = []
        return data
    tests = []
    numbers = _numbers(view)
    per_criterion: dict[str, int] = {}
    for line in view.tests:
        per_criterion[line.criterion_id] = per_criterion.get(line.criterion_id, 0) + 1
    seen: dict[str, int] = {}
    for line in view.tests:
        seen[line.criterion_id] = seen.get(line.criterion_id, 0) + 1
        count = (seen[line.criterion_id], per_criterion[line.criterion_id])
        tests.append(_test(line, numbers.get(line.criterion_id, "0.0"), count))
    for index, category in enumerate(view.categories, start=1):
        figures = category.hidden or hidden_figures(
            [t for t in view.tests if t.category_id == category.id]
        )
        if figures is not None:
            tests.append(_hidden(category, figures, index))
    lowered = _lowered_by_red_flags(view)
    if lowered:
        tests.insert(
            0,
            {
                "name": "Red flags",
                "score": lowered,
                "max_score": 0,
                "status": "failed",
                "output": red_flag_line(view),
                "visibility": "visible",
            },
        )
    data["tests"] = tests
    return data


def _numbers(view: ReportView) -> dict[str, str]:
    """`category.criterion`, both counted from 1 in the rubric's order."""
    return {
        criterion.id: f"{c_index}.{k_index}"
        for c_index, category in enumerate(view.categories, start=1)
        for k_index, criterion in enumerate(category.criteria, start=1)
    }


def _lowered_by_red_flags(view: ReportView) -> float:
    """The points the red-flag rule took off the total (negative), or 0."""
    if view.total is None or view.total.before_red_flags is None:
        return 0.0
    earned = sum(category.points for category in view.categories)
    return round(view.total.points - earned, 4)


def _overall_output(view: ReportView) -> str:
    if view.status is Status.HARNESS_ERROR:
        head = "The grader failed on this submission; this is not a score."
    elif view.status is Status.INCONCLUSIVE:
        head = "Inconclusive: too little of the API was reached to give a score."
    elif view.total is not None:
        head = (
            f"{view.status.value}: {view.total.points:g} of {view.total.max_points:g} points "
            f"({view.total.percent:.1f} %)"
        )
    else:
        head = view.status.value
    message = "" if view.message == "graded" else f"\n\n{shorten(view.message, OUTPUT_LIMIT)}"
    flags = f"\n\n{red_flag_line(view)}" if view.red_flags else ""
    return head + flags + message


def _test(line: TestLine, number: str, count: tuple[int, int]) -> dict[str, Any]:
    output = "" if line.passed else f"{line.outcome.value}: {line.message or 'no message'}"
    public = line.visibility == "public"
    nth, of = count
    name = line.criterion_title + (f" ({nth} of {of})" if of > 1 else "")
    return {
        "name": shorten(name, NAME_LIMIT),
        "number": f"{number}.{nth}",
        "tags": [line.category_id, line.criterion_id],
        "score": line.points if public else 0,
        "max_score": line.max_points if public else 0,
        "status": "passed" if line.passed else "failed",
        "output": shorten(output if public else f"{line.id}\n{output}", OUTPUT_LIMIT),
        "visibility": "visible" if public else "hidden",
    }


def _hidden(category: CategoryView, hidden: HiddenFigures, index: int) -> dict[str, Any]:
    passed = hidden.tests_passed == hidden.tests_total
    return {
        "name": shorten(f"Hidden tests: {category.title}", NAME_LIMIT),
        "number": f"{index}.99",
        "tags": [category.id, "hidden"],
        "score": hidden.points,
        "max_score": hidden.max_points,
        "status": "passed" if passed else "failed",
        "output": f"{hidden.tests_passed} of {hidden.tests_total} hidden tests passed.",
        "visibility": "visible",
    }
