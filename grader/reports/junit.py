"""JUnit XML for CI systems: one `<testcase>` per test, grouped by rubric criterion.

Pure: views in, a string out. The file validates against the Jenkins xunit plugin's
`junit-10.xsd`, which allows `<properties>` on a `<testsuite>` but not on a `<testcase>`; so each
criterion of each submission is a `<testsuite>` whose `<property>` elements name the criterion,
its category and its points, and whose test cases are that criterion's tests.

Outcomes: failed -> `<failure>`, error and not_run -> `<error>` (a test that never ran still
lost its points), skipped -> `<skipped>`. A submission that was not graded also gets a
`grading` test case with an `<error>` carrying its status and message. A submission with red
flags (critical criteria that lost points) gets a `red flags` suite first, one failing test
case per flag. In the candidate view,
each category's hidden tests are one test case of figures, without any hidden test's name.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from grader.core.result import Outcome, Status
from grader.reports.figures import format_number, format_points
from grader.reports.untrusted_text import one_line, shorten
from grader.reports.views import CategoryView, ReportView, TestLine, red_flag_line

NAME_LIMIT = 200
MESSAGE_LIMIT = 500
TEXT_LIMIT = 4000


def render_junit(views: Sequence[ReportView], name: str = "grader") -> str:
    """One document for one submission or a whole run."""
    suites = [suite for view in views for suite in _suites(view)]
    root = ET.Element(
        "testsuites",
        {
            "name": shorten(name, NAME_LIMIT),
            "tests": str(sum(int(s.get("tests", "0")) for s in suites)),
            "failures": str(sum(int(s.get("failures", "0")) for s in suites)),
            "errors": str(sum(int(s.get("errors", "0")) for s in suites)),
            "time": _seconds(sum(float(s.get("time", "0")) for s in suites)),
        },
    )
    root.extend(suites)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _suites(view: ReportView) -> list[ET.Element]:
    submission = shorten(view.submission_id, NAME_LIMIT)
    suites = []
    if view.red_flags:
        suites.append(_red_flag_suite(view, submission))
    if view.status is not Status.GRADED:
        suites.append(_grading_suite(view, submission))
    by_criterion: dict[str, list[TestLine]] = {}
    for test in view.tests:
        by_criterion.setdefault(test.criterion_id, []).append(test)
    for criterion_id, tests in by_criterion.items():
        category = view.category(tests[0].category_id)
        suite = _suite(f"{submission}: {criterion_id}", tests)
        properties = ET.SubElement(suite, "properties")
        criterion = (
            next((c for c in category.criteria if c.id == criterion_id), None) if category else None
        )
        _properties(
            properties,
            submission=view.submission_id,
            status=view.status.value,
            category=category.id if category else "",
            category_title=category.title if category else "",
            criterion=criterion_id,
            criterion_title=criterion.title if criterion else "",
            points=format_number(criterion.points) if criterion else "",
            max_points=format_number(criterion.max_points) if criterion else "",
        )
        suite.extend(_testcase(test, submission) for test in tests)
        suites.append(suite)
    if view.is_candidate:
        suites.extend(
            _hidden_suite(category, submission) for category in view.categories if category.hidden
        )
    return suites


def _suite(name: str, tests: Sequence[TestLine]) -> ET.Element:
    return ET.Element(
        "testsuite",
        {
            "name": shorten(name, NAME_LIMIT),
            "tests": str(len(tests)),
            "failures": str(sum(1 for t in tests if t.outcome is Outcome.FAILED)),
            "errors": str(sum(1 for t in tests if t.outcome in (Outcome.ERROR, Outcome.NOT_RUN))),
            "skipped": str(sum(1 for t in tests if t.outcome is Outcome.SKIPPED)),
            "time": _seconds(sum(t.duration_s for t in tests)),
        },
    )


def _properties(parent: ET.Element, **values: str) -> None:
    for name, value in values.items():
        ET.SubElement(parent, "property", {"name": name, "value": shorten(value, NAME_LIMIT)})


def _testcase(test: TestLine, submission: str) -> ET.Element:
    module = test.id.split("::", 1)[0].removesuffix(".py").replace("/", ".")
    case = ET.Element(
        "testcase",
        {
            "name": shorten(test.name, NAME_LIMIT),
            "classname": shorten(f"{submission}.{module}", NAME_LIMIT),
            "time": _seconds(test.duration_s),
        },
    )
    if test.outcome is Outcome.PASSED:
        return case
    tag = {Outcome.FAILED: "failure", Outcome.SKIPPED: "skipped"}.get(test.outcome, "error")
    lost = f"-{format_points(test.max_points - test.points)} points"
    message = one_line(test.message, MESSAGE_LIMIT) or "no message"
    detail = ET.SubElement(
        case, tag, {"type": test.outcome.value, "message": f"{message} ({lost})"}
    )
    detail.text = shorten(test.message, TEXT_LIMIT) or None
    return case


def _red_flag_suite(view: ReportView, submission: str) -> ET.Element:
    count = str(len(view.red_flags))
    suite = ET.Element(
        "testsuite",
        {
            "name": shorten(f"{submission}: red flags", NAME_LIMIT),
            "tests": count,
            "failures": count,
            "errors": "0",
            "time": "0.000",
        },
    )
    properties = ET.SubElement(suite, "properties")
    _properties(properties, submission=view.submission_id, red_flags=red_flag_line(view))
    for flag in view.red_flags:
        case = ET.SubElement(
            suite, "testcase", {"name": flag.criterion, "classname": f"{submission}.red_flags"}
        )
        ET.SubElement(
            case,
            "failure",
            {
                "type": "red_flag",
                "message": shorten(
                    f"{flag.title} (-{format_points(flag.points_lost)} points)", MESSAGE_LIMIT
                ),
            },
        )
    return suite


def _grading_suite(view: ReportView, submission: str) -> ET.Element:
    suite = ET.Element(
        "testsuite",
        {
            "name": shorten(f"{submission}: grading", NAME_LIMIT),
            "tests": "1",
            "failures": "0",
            "errors": "1",
            "time": _seconds(sum(stage.duration_s for stage in view.stages)),
        },
    )
    properties = ET.SubElement(suite, "properties")
    _properties(properties, submission=view.submission_id, status=view.status.value)
    case = ET.SubElement(
        suite,
        "testcase",
        {"name": "grading", "classname": submission, "time": suite.get("time", "0")},
    )
    error = ET.SubElement(
        case,
        "error",
        {
            "type": view.status.value,
            "message": one_line(view.message, MESSAGE_LIMIT) or view.status.value,
        },
    )
    error.text = shorten(view.message, TEXT_LIMIT) or None
    return suite


def _hidden_suite(category: CategoryView, submission: str) -> ET.Element:
    hidden = category.hidden
    assert hidden is not None
    failed = hidden.tests_passed < hidden.tests_total
    suite = ET.Element(
        "testsuite",
        {
            "name": shorten(f"{submission}: hidden tests: {category.id}", NAME_LIMIT),
            "tests": "1",
            "failures": "1" if failed else "0",
            "errors": "0",
            "time": "0.000",
        },
    )
    properties = ET.SubElement(suite, "properties")
    _properties(
        properties,
        category=category.id,
        category_title=category.title,
        hidden_tests_passed=str(hidden.tests_passed),
        hidden_tests_total=str(hidden.tests_total),
        points=format_number(hidden.points),
        max_points=format_number(hidden.max_points),
    )
    case = ET.SubElement(
        suite,
        "testcase",
        {
            "name": shorten(f"hidden tests of {category.title}", NAME_LIMIT),
            "classname": f"{submission}.hidden",
            "time": "0.000",
        },
    )
    if failed:
        ET.SubElement(
            case,
            "failure",
            {
                "type": "hidden",
                "message": f"{hidden.tests_total - hidden.tests_passed} of {hidden.tests_total} "
                f"hidden tests did not pass (-{format_points(hidden.max_points - hidden.points)} "
                "points)",
            },
        )
    return suite


def _seconds(value: float) -> str:
    return f"{value:.3f}"
