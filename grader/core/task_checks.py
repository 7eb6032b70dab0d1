"""Does a task hold together? Pure checks over its spec and its collected tests."""

from __future__ import annotations

from collections.abc import Sequence

from grader.core.result import TestOutcome
from grader.core.task import TaskSpec


def coverage_problems(spec: TaskSpec, tests: Sequence[TestOutcome]) -> list[str]:
    """Every test must name a criterion of the rubric, and every criterion must have a test."""
    problems = []
    known = spec.criterion_ids()
    for test in tests:
        if not test.criterion:
            problems.append(f"test {test.id} names no criterion (add @pytest.mark.criterion(...))")
        elif test.criterion not in known:
            problems.append(f"test {test.id} names unknown criterion {test.criterion!r}")
    tested = {test.criterion for test in tests}
    for category in spec.rubric.categories:
        for criterion in category.criteria:
            if criterion.id not in tested:
                problems.append(f"criterion {criterion.id!r} has no test")
    return problems
