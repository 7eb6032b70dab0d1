"""From test outcomes and a rubric to points, with the reason for every point lost.

Pure. The rules, in full:

- A category is worth its `weight` in points; its criteria share that by their `weight`.
- A criterion earns its points in proportion to the weight of its tests that passed. Only
  `passed` earns: failed, errored, skipped and not-run tests all lose their share, and each
  loss is listed as a `PointLoss` (the test, its outcome, its message, the points).
- Every test's own points (what it earned of the share it was worth) are part of the score:
  views and exports read them and never work a share out again.
- A measured test (an engineering measure such as line coverage) carries a `credit`, the
  share of its weight it earned against the task's thresholds; it passes only at full credit,
  and the part it did not earn is listed as lost like any other.
- A criterion with no test among the outcomes (its suites were not selected) is not assessed:
  it is left out of both points and maximum, so a public-only run is scored out of what it ran.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from grader.core.result import (
    CategoryScore,
    CriterionScore,
    Outcome,
    PointLoss,
    Score,
    TestOutcome,
    TestPoints,
)
from grader.core.task import RubricSpec

PRECISION = 4


def score_outcomes(rubric: RubricSpec, outcomes: Sequence[TestOutcome]) -> Score:
    by_criterion: dict[str, list[TestOutcome]] = defaultdict(list)
    for outcome in outcomes:
        by_criterion[outcome.criterion].append(outcome)

    categories = []
    points_of_tests: list[TestPoints] = []
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
            lost = []
            points = 0.0
            for test in tests:
                share = max_points * test.weight / weight_total
                earned = share * test.earned
                points += earned
                points_of_tests.append(
                    TestPoints(
                        test.id, criterion.id, round(earned, PRECISION), round(share, PRECISION)
                    )
                )
                if test.outcome is not Outcome.PASSED:
                    lost.append(_loss(test, share - earned))
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
                    lost=tuple(lost),
                    hint=criterion.hint,
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
        tests=tuple(points_of_tests),
    )


def _loss(test: TestOutcome, points: float) -> PointLoss:
    message = test.message.strip().splitlines()[0] if test.message.strip() else "no message"
    return PointLoss(
        test_id=test.id,
        suite=test.suite,
        visibility=test.visibility,
        outcome=test.outcome,
        points=round(points, PRECISION),
        message=message,
        operation=test.operation,
    )
