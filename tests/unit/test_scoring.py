"""`grader.core.scoring.score_outcomes`: points from outcomes, with every lost point explained."""

from __future__ import annotations

import pytest

from grader.core.result import Outcome, PointLoss
from grader.core.result import TestOutcome as Run  # aliased: pytest would collect Test*
from grader.core.scoring import score_outcomes
from grader.core.task import RubricSpec, parse_task_spec

HEAD = """
id = "mini"
version = "1"
title = "Mini"

[[suites]]
id = "public"
path = "public"
visibility = "public"
"""

# api is worth 60 points: api.create takes 2/3 of them (40), api.read 1/3 (20).
RUBRIC = """
[rubric]
total = 100

[[rubric.categories]]
id = "api"
title = "API"
weight = 60

[[rubric.categories.criteria]]
id = "api.create"
title = "Create"
weight = 2

[[rubric.categories.criteria]]
id = "api.read"
title = "Read"
weight = 1

[[rubric.categories]]
id = "errors"
title = "Errors"
weight = 40

[[rubric.categories.criteria]]
id = "errors.json"
title = "JSON errors"
"""

SINGLE = """
[rubric]
total = 100

[[rubric.categories]]
id = "only"
title = "Only"
weight = 100

[[rubric.categories.criteria]]
id = "only.one"
title = "One"
"""


def rubric(text: str = RUBRIC) -> RubricSpec:
    return parse_task_spec(HEAD + text, "task.toml").rubric


def outcome(
    test_id: str,
    criterion: str,
    result: Outcome = Outcome.PASSED,
    weight: float = 1.0,
    message: str = "",
) -> Run:
    return Run(
        id=test_id,
        suite="public",
        criterion=criterion,
        outcome=result,
        visibility="public",
        weight=weight,
        message=message,
    )


def all_tests(**overrides: Outcome) -> list[Run]:
    """Two tests on api.create, one on api.read, one on errors.json; all passed unless given."""
    plan = [
        ("create_1", "api.create"),
        ("create_2", "api.create"),
        ("read_1", "api.read"),
        ("json_1", "errors.json"),
    ]
    return [
        outcome(test_id, criterion, overrides.get(test_id, Outcome.PASSED), message="boom")
        for test_id, criterion in plan
    ]


def criterion_score(score, criterion_id):
    for category in score.categories:
        for criterion in category.criteria:
            if criterion.id == criterion_id:
                return criterion
    raise AssertionError(f"no score for criterion {criterion_id}")


def test_all_passed_is_full_marks():
    score = score_outcomes(rubric(), all_tests())

    assert score.points == 100
    assert score.max_points == 100
    assert score.percent == 100.0
    assert [(c.id, c.points, c.max_points) for c in score.categories] == [
        ("api", 60, 60),
        ("errors", 40, 40),
    ]
    assert all(not c.lost for category in score.categories for c in category.criteria)


def test_criterion_weights_share_the_category_points():
    score = score_outcomes(rubric(), all_tests())

    assert criterion_score(score, "api.create").max_points == pytest.approx(40)
    assert criterion_score(score, "api.read").max_points == pytest.approx(20)


def test_one_failed_test_of_two_loses_half_the_criterion():
    tests = all_tests()
    tests[1] = outcome(
        "create_2", "api.create", Outcome.FAILED, message="expected 201, got 500\nassert 500 == 201"
    )

    score = score_outcomes(rubric(), tests)

    create = criterion_score(score, "api.create")
    assert create.points == pytest.approx(20)
    assert create.max_points == pytest.approx(40)
    assert (create.tests_passed, create.tests_total) == (1, 2)
    assert described(create.lost) == ("-20.00: create_2 failed: expected 201, got 500",)
    assert score.points == pytest.approx(80)
    assert score.percent == 80.0
    assert criterion_score(score, "api.read").lost == ()


def test_failure_without_message_says_so():
    tests = [outcome("json_1", "errors.json", Outcome.FAILED, message="  ")]

    score = score_outcomes(rubric(), tests)

    lost = described(criterion_score(score, "errors.json").lost)
    assert lost == ("-40.00: json_1 failed: no message",)


def test_test_weights_are_honoured():
    tests = [
        outcome("heavy", "api.create", Outcome.PASSED, weight=3),
        outcome("light", "api.create", Outcome.FAILED, weight=1, message="nope"),
    ]

    create = criterion_score(score_outcomes(rubric(), tests), "api.create")

    assert create.points == pytest.approx(30)  # 40 * 3/4
    assert described(create.lost) == ("-10.00: light failed: nope",)


def test_failing_the_heavy_test_loses_its_weighted_share():
    tests = [
        outcome("heavy", "api.create", Outcome.FAILED, weight=3, message="nope"),
        outcome("light", "api.create", Outcome.PASSED, weight=1),
    ]

    create = criterion_score(score_outcomes(rubric(), tests), "api.create")

    assert create.points == pytest.approx(10)
    assert described(create.lost) == ("-30.00: heavy failed: nope",)


@pytest.mark.parametrize("lost", [Outcome.SKIPPED, Outcome.ERROR, Outcome.NOT_RUN, Outcome.FAILED])
def test_every_outcome_but_passed_loses_points(lost):
    score = score_outcomes(rubric(), all_tests(read_1=lost))

    read = criterion_score(score, "api.read")
    assert read.points == 0
    assert read.max_points == pytest.approx(20)
    assert described(read.lost) == (f"-20.00: read_1 {lost.value}: boom",)
    assert score.points == pytest.approx(80)
    assert score.max_points == 100


def test_criterion_without_outcomes_is_left_out_of_points_and_maximum():
    tests = [outcome("create_1", "api.create"), outcome("json_1", "errors.json")]

    score = score_outcomes(rubric(), tests)

    assert score.points == pytest.approx(80)
    assert score.max_points == pytest.approx(80)
    assert score.percent == 100.0
    api = next(c for c in score.categories if c.id == "api")
    assert [c.id for c in api.criteria] == ["api.create"]
    assert api.max_points == pytest.approx(40)


def test_category_without_outcomes_is_left_out():
    score = score_outcomes(rubric(), [outcome("json_1", "errors.json", Outcome.FAILED)])

    assert [c.id for c in score.categories] == ["errors"]
    assert (score.points, score.max_points, score.percent) == (0, 40, 0.0)


def test_no_outcomes_scores_zero_of_zero():
    score = score_outcomes(rubric(), [])

    assert (score.points, score.max_points, score.percent) == (0, 0, 0.0)
    assert score.categories == ()


def test_outcomes_for_criteria_outside_the_rubric_do_not_count():
    tests = [outcome("json_1", "errors.json"), outcome("stray", "not.in.rubric", Outcome.FAILED)]

    score = score_outcomes(rubric(), tests)

    assert (score.points, score.max_points) == (40, 40)


def test_points_and_percent_are_rounded():
    tests = [
        outcome("a", "only.one"),
        outcome("b", "only.one"),
        outcome("c", "only.one", Outcome.FAILED, message="x"),
    ]

    score = score_outcomes(rubric(SINGLE), tests)

    assert score.points == 66.6667
    assert score.percent == 66.67
    assert described(criterion_score(score, "only.one").lost) == ("-33.33: c failed: x",)


def test_equal_shares_that_do_not_divide_evenly_still_sum_to_the_whole() -> None:
    criteria = "".join(
        f'\n[[rubric.categories.criteria]]\nid = "api.c{i}"\ntitle = "C{i}"\n' for i in range(7)
    )
    spec = parse_task_spec(
        HEAD + '\n[rubric]\ntotal = 10\n\n[[rubric.categories]]\nid = "api"\ntitle = "API"\n'
        "weight = 10\n" + criteria,
        "task.toml",
    )
    passed = [
        Run(id=f"t{i}", suite="public", criterion=f"api.c{i}", outcome=Outcome.PASSED,
            visibility="public")
        for i in range(7)
    ]  # fmt: skip
    score = score_outcomes(spec.rubric, passed)
    assert score.categories[0].points == 10.0  # not 7 x round(10/7, 4) = 10.0002
    assert score.points == 10.0
    assert score.percent == 100.0


def test_a_measured_test_earns_its_credit_and_lists_the_rest_as_lost() -> None:
    tests = all_tests()
    tests[1] = Run(
        "create_2", "public", "api.create", Outcome.FAILED, "public",
        message="coverage 60 %: full marks at 80 %", credit=0.75,
    )  # fmt: skip

    score = score_outcomes(rubric(), tests)

    create = criterion_score(score, "api.create")
    assert create.points == pytest.approx(20 + 15)
    assert (create.tests_passed, create.tests_total) == (1, 2)
    assert described(create.lost) == ("-5.00: create_2 failed: coverage 60 %: full marks at 80 %",)


@pytest.mark.parametrize("lost", [Outcome.ERROR, Outcome.NOT_RUN, Outcome.SKIPPED])
def test_credit_counts_only_for_a_measure_that_was_taken(lost: Outcome) -> None:
    tests = [Run("json_1", "public", "errors.json", lost, "public", credit=1.0)]

    score = score_outcomes(rubric(), tests)

    assert criterion_score(score, "errors.json").points == 0


def described(losses: tuple[PointLoss, ...]) -> tuple[str, ...]:
    return tuple(loss.describe() for loss in losses)


def test_each_loss_is_a_record_and_each_test_has_its_points() -> None:
    tests = [
        *all_tests(),
        Run("create_2", "hidden", "api.create", Outcome.FAILED, "hidden", message="500\nmore"),
    ]
    tests = [t for t in tests if t.id != "create_2" or t.visibility == "hidden"]
    score = score_outcomes(rubric(), tests)

    loss = criterion_score(score, "api.create").lost[0]
    assert loss == PointLoss("create_2", "hidden", "hidden", Outcome.FAILED, 20.0, "500")
    points = score.test_points()
    assert (points["create_2"].points, points["create_2"].max_points) == (0.0, 20.0)
    assert sum(p.points for p in score.tests) == pytest.approx(score.points)


# Red flags: api.read is critical; with any red flag the total is at most 85 %.
FLAGGED = RUBRIC.replace('title = "Read"', 'title = "Read"\ncritical = true').replace(
    "total = 100\n", "total = 100\nred_flags = { cap_percent = 85 }\n", 1
)


def test_a_critical_criterion_that_loses_points_is_a_red_flag():
    score = score_outcomes(rubric(FLAGGED), all_tests(read_1=Outcome.FAILED))

    assert [(flag.criterion, flag.category, flag.points_lost) for flag in score.red_flags] == [
        ("api.read", "api", 20.0)
    ]
    assert score.before_red_flags is None  # 80 % is below the cap already: nothing lowered
    assert score.percent == 80.0
    assert score.points == 80.0


def test_the_cap_lowers_a_total_above_it_and_says_what_it_was():
    tests = [*all_tests(), outcome("read_2", "api.read", Outcome.FAILED)]  # read: 10 of 20

    score = score_outcomes(rubric(FLAGGED), tests)

    assert score.percent == 85.0
    assert score.points == 85.0
    assert score.before_red_flags == 90.0
    assert sum(category.points for category in score.categories) == 90.0


def test_a_loss_outside_critical_criteria_raises_no_flag():
    score = score_outcomes(rubric(FLAGGED), all_tests(json_1=Outcome.FAILED))

    assert score.red_flags == ()
    assert score.before_red_flags is None
    assert score.percent == 60.0


def test_without_a_rule_red_flags_are_named_but_the_total_is_untouched():
    no_rule = RUBRIC.replace('title = "Read"', 'title = "Read"\ncritical = true')
    tests = [*all_tests(), outcome("read_2", "api.read", Outcome.FAILED)]

    score = score_outcomes(rubric(no_rule), tests)

    assert [flag.criterion for flag in score.red_flags] == ["api.read"]
    assert score.percent == 90.0
    assert score.before_red_flags is None


def test_a_deduction_per_red_flag_never_goes_below_zero():
    deduct = FLAGGED.replace("{ cap_percent = 85 }", "{ deduct_percent = 70 }").replace(
        'title = "Create"', 'title = "Create"\ncritical = true'
    )
    tests = all_tests(create_1=Outcome.FAILED, read_1=Outcome.FAILED)  # 20 + 0 + 40 = 60 %

    score = score_outcomes(rubric(deduct), tests)

    assert len(score.red_flags) == 2
    assert score.percent == 0.0
    assert score.before_red_flags == 60.0
