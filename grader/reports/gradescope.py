"""An export in the format of Gradescope's autograder `results.json`.

Pure: a view in, a JSON-ready dict out. Fields follow Gradescope's "Autograder Specifications"
(gradescope-autograders.readthedocs.io/en/latest/specs/): top-level `score`, `execution_time`,
`output`, `extra_data` and `tests[]`, each test with `name`, `score`, `max_score`, `status`
("passed" or "failed"), `output` and `visibility` ("visible" or "hidden"). The specification
has no top-level maximum, so the run's maximum, percentage and status are in `extra_data`.

- grader view: every test; hidden tests have visibility "hidden" (students never see them).
- candidate view: public tests, and one visible line per category for its hidden tests.
- red flags: named first in `output`; when the task's rule lowered the total, a visible
  "Red flags" line carries the points it took (a negative score), so the tests still add up.
- harness_error: no score anywhere and no tests, so Gradescope reports a failed autograder
  run instead of a zero that was never earned.
"""

from __future__ import annotations

from typing import Any

from grader.core.result import Status
from grader.reports.untrusted_text import shorten
from grader.reports.views import CategoryView, ReportView, TestLine, red_flag_line

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
    tests = [_test(line) for line in view.tests]
    if view.is_candidate:
        tests.extend(_hidden(category) for category in view.categories if category.hidden)
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


def _test(line: TestLine) -> dict[str, Any]:
    output = "" if line.passed else f"{line.outcome.value}: {line.message or 'no message'}"
    return {
        "name": shorten(line.id, NAME_LIMIT),
        "score": line.points,
        "max_score": line.max_points,
        "status": "passed" if line.passed else "failed",
        "output": shorten(output, OUTPUT_LIMIT),
        "visibility": "visible" if line.visibility == "public" else "hidden",
    }


def _hidden(category: CategoryView) -> dict[str, Any]:
    hidden = category.hidden
    assert hidden is not None
    passed = hidden.tests_passed == hidden.tests_total
    return {
        "name": shorten(f"Hidden tests: {category.title}", NAME_LIMIT),
        "score": hidden.points,
        "max_score": hidden.max_points,
        "status": "passed" if passed else "failed",
        "output": f"{hidden.tests_passed} of {hidden.tests_total} hidden tests passed.",
        "visibility": "visible",
    }
