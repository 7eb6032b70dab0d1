"""From test outcomes and a rubric to points, with the reason for every point lost.

Pure. The rules, in full:

- A category is worth its `weight` in points; its criteria share that by their `weight`.
- A criterion earns its points in proportion to the weight of its tests that passed. Only
  `passed` earns: failed, errored, skipped and not-run tests all lose their share, and each
  loss is listed with the test and its message.
- A measured test (an engineering measure such as line coverage) carries a `credit`, the
  share of its weight it earned against the task's thresholds; it passes only at full credit,
  and the part it did not earn is listed as lost like any other.
- A criterion with no test among the outcomes (its suites were not selected) is not assessed:
  it is left out of both points and maximum, so a public-only run is scored out of what it ran.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from grader.result import CategoryScore, CriterionScore, Outcome, Score, TestOutcome
from grader.task import RubricSpec

PRECISION = 4


def score_outcomes(rubric: RubricSpec, outcomes: Sequence[TestOutcome]) -> Score:
    by_criterion: dict[str, list[TestOutcome]] = defaultdict(list)
    for outcome in outcomes:
        by_criterion[outcome.criterion].append(outcome)

    categories = []
    total_points = total_max = 0.0  # summed unrounded: rounding happens once, when shown
    for category in rubric.categories:
        share_total = sum(criterion.weight for criterion in category.criteria)
        criteria = []
        category_points = category_max = 0.0
        for criterion in category.criteria:
            tests = by_criterion.get(criterion.id)
            if not tests:
                continue
            max_points = category.weight * criterion.weight / share_total
            weight_total = sum(test.weight for test in tests)
            weight_earned = sum(test.weight * test.earned for test in tests)
            points = max_points * weight_earned / weight_total
            category_points += points
            category_max += max_points
            criteria.append(
                CriterionScore(
                    id=criterion.id,
                    title=criterion.title,
                    points=round(points, PRECISION),
                    max_points=round(max_points, PRECISION),
                    tests_passed=sum(1 for test in tests if test.outcome is Outcome.PASSED),
                    tests_total=len(tests),
                    lost=tuple(
                        _reason(test, max_points * test.weight * (1 - test.earned) / weight_total)
                        for test in tests
                        if test.outcome is not Outcome.PASSED
                    ),
                )
            )
        if criteria:
            total_points += category_points
            total_max += category_max
            categories.append(
                CategoryScore(
                    id=category.id,
                    title=category.title,
                    weight=category.weight,
                    points=round(category_points, PRECISION),
                    max_points=round(category_max, PRECISION),
                    criteria=tuple(criteria),
                )
            )

    percent = round(100 * total_points / total_max, 2) if total_max else 0.0
    return Score(
        points=round(total_points, PRECISION),
        max_points=round(total_max, PRECISION),
        percent=percent,
        categories=tuple(categories),
    )


def _reason(test: TestOutcome, points: float) -> str:
    message = test.message.strip().splitlines()[0] if test.message.strip() else "no message"
    return f"-{points:.2f}: {test.id} {test.outcome.value}: {message}"
