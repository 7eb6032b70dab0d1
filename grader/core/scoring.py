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
- A criterion the task marks `critical` that loses any point is a red flag. The task's rule
  then lowers the total: at most `cap_percent`, and `deduct_percent` off for each red flag
  (never below zero). The categories keep their own points; the total says what it was before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from grader.core.result import (
    CategoryScore,
    CriterionScore,
    Outcome,
    PointLoss,
    RedFlag,
    Score,
    TestOutcome,
    TestPoints,
)
from grader.core.task import RedFlagRule, RubricSpec

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

    red_flags = _red_flags(rubric, categories)
    raw_percent = 100 * total_points / total_max if total_max else 0.0
    percent = _after_red_flags(rubric.red_flags, raw_percent, len(red_flags))
    lowered = percent < raw_percent
    return Score(
        points=round(total_max * percent / 100 if lowered else total_points, PRECISION),
        max_points=round(total_max, PRECISION),
        percent=round(percent, 2),
        categories=tuple(categories),
        tests=tuple(points_of_tests),
        red_flags=red_flags,
        before_red_flags=round(raw_percent, 2) if lowered else None,
    )


def _red_flags(rubric: RubricSpec, categories: Sequence[CategoryScore]) -> tuple[RedFlag, ...]:
    critical = {c.id for category in rubric.categories for c in category.criteria if c.critical}
    return tuple(
        RedFlag(
            criterion.id,
            criterion.title,
            category.id,
            round(criterion.max_points - criterion.points, PRECISION),
        )
        for category in categories
        for criterion in category.criteria
        if criterion.id in critical and criterion.points < criterion.max_points - 1e-9
    )


def _after_red_flags(rule: RedFlagRule, percent: float, flags: int) -> float:
    if not flags:
        return percent
    if rule.cap_percent is not None:
        percent = min(percent, rule.cap_percent)
    return max(0.0, percent - rule.deduct_percent * flags)


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
