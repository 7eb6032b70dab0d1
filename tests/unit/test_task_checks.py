"""`grader.core.task_checks.coverage_problems`: tests and rubric criteria must match up."""

from __future__ import annotations

from grader.core.result import Outcome
from grader.core.result import TestOutcome as Run  # aliased: pytest would collect Test*
from grader.core.task import TaskSpec, parse_task_spec
from grader.core.task_checks import coverage_problems

TASK = """
id = "mini"
version = "1"
title = "Mini"

[[suites]]
id = "public"
path = "public"
visibility = "public"

[rubric]
total = 100

[[rubric.categories]]
id = "api"
title = "API"
weight = 100

[[rubric.categories.criteria]]
id = "api.create"
title = "Create"

[[rubric.categories.criteria]]
id = "api.read"
title = "Read"
"""


def spec() -> TaskSpec:
    return parse_task_spec(TASK, "task.toml")


def planned(test_id: str, criterion: str) -> Run:
    return Run(
        id=test_id,
        suite="public",
        criterion=criterion,
        outcome=Outcome.NOT_RUN,
        visibility="public",
    )


def test_every_criterion_tested_is_no_problem():
    tests = [planned("t_create", "api.create"), planned("t_read", "api.read")]

    assert coverage_problems(spec(), tests) == []


def test_unknown_criterion_is_reported():
    tests = [
        planned("t_create", "api.create"),
        planned("t_read", "api.read"),
        planned("t_typo", "api.raed"),
    ]

    assert coverage_problems(spec(), tests) == ["test t_typo names unknown criterion 'api.raed'"]


def test_test_without_criterion_is_reported():
    tests = [
        planned("t_create", "api.create"),
        planned("t_read", "api.read"),
        planned("t_bare", ""),
    ]

    problems = coverage_problems(spec(), tests)

    assert len(problems) == 1
    assert problems[0].startswith("test t_bare names no criterion")


def test_criterion_without_test_is_reported():
    problems = coverage_problems(spec(), [planned("t_create", "api.create")])

    assert problems == ["criterion 'api.read' has no test"]


def test_all_problems_are_listed_together():
    problems = coverage_problems(spec(), [planned("t_bare", ""), planned("t_typo", "nope")])

    assert len(problems) == 4
    assert any("t_bare names no criterion" in p for p in problems)
    assert any("t_typo names unknown criterion 'nope'" in p for p in problems)
    assert "criterion 'api.create' has no test" in problems
    assert "criterion 'api.read' has no test" in problems
