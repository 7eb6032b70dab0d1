"""`grader.core.calibration`: the table is checked against the rubric, and verdicts are exact."""

from __future__ import annotations

import pytest

from grader.core.calibration import folder_problems, judge, parse_calibration
from grader.core.errors import TaskError
from grader.core.result import Outcome, Result, Status, SubmissionInfo, TaskInfo
from grader.core.result import TestOutcome as Run  # aliased: pytest would collect Test*
from grader.core.scoring import score_outcomes
from grader.core.task import TaskSpec, parse_task_spec

TASK = """
id = "mini"
version = "1"
title = "Mini"

[[suites]]
id = "public"
path = "public"
visibility = "public"

[[rubric.categories]]
id = "crud"
title = "CRUD"
weight = 60

[[rubric.categories.criteria]]
id = "crud.create"
title = "Create"

[[rubric.categories]]
id = "validation"
title = "Validation"
weight = 40

[[rubric.categories.criteria]]
id = "validation.required"
title = "Required"

[[rubric.categories.criteria]]
id = "validation.types"
title = "Types"
"""

TABLE = """
[[variant]]
name = "reference"
loses = []

[[variant]]
name = "no-validation"
loses = ["validation"]
"""


def spec() -> TaskSpec:
    return parse_task_spec(TASK, "task.toml")


def graded(name: str, failing: set[str], status: Status = Status.GRADED) -> Result:
    tests = tuple(
        Run(
            id=f"public/test.py::test_{criterion}",
            suite="public",
            criterion=criterion,
            outcome=Outcome.FAILED if criterion in failing else Outcome.PASSED,
            visibility="public",
            message="expected 422, got 201" if criterion in failing else "",
        )
        for criterion in ("crud.create", "validation.required", "validation.types")
    )
    return Result(
        grader_version="0",
        task=TaskInfo("mini", "1", "0" * 64),
        submission=SubmissionInfo(name, name, None),
        status=status,
        message="",
        score=score_outcomes(spec().rubric, tests),
        tests=tests,
        stages=(),
        started_at="",
        finished_at="",
    )


def test_a_table_that_matches_gives_clean_verdicts() -> None:
    table = parse_calibration(TABLE, "calibration.toml", spec())
    verdicts = judge(
        table,
        {
            "reference": graded("reference", set()),
            "no-validation": graded("no-validation", {"validation.required"}),
        },
    )
    assert [(v.name, v.ok) for v in verdicts] == [("reference", True), ("no-validation", True)]


def test_a_variant_that_keeps_all_its_points_is_caught() -> None:
    table = parse_calibration(TABLE, "calibration.toml", spec())
    verdicts = judge(
        table, {"reference": graded("reference", set()), "no-validation": graded("x", set())}
    )
    assert verdicts[1].problems == ("should lose points in validation, but kept all",)


def test_a_loss_outside_the_named_categories_is_caught_with_its_reason() -> None:
    table = parse_calibration(TABLE, "calibration.toml", spec())
    verdicts = judge(
        table,
        {
            "reference": graded("reference", {"crud.create"}),
            "no-validation": graded("no-validation", {"validation.required", "crud.create"}),
        },
    )
    for verdict in verdicts:
        assert len(verdict.problems) == 1
        assert verdict.problems[0].startswith("lost 60 points in crud, which it should not")
        assert "expected 422, got 201" in verdict.problems[0]


def test_a_solution_that_was_not_graded_fails_calibration() -> None:
    table = parse_calibration(TABLE, "calibration.toml", spec())
    broken = graded("reference", set(), status=Status.BUILD_FAILED)
    verdicts = judge(table, {"reference": broken})
    assert verdicts[0].problems[0].startswith("was not graded: build_failed")
    assert verdicts[1].problems == ("was not graded",)


def test_unknown_categories_and_repeated_names_are_refused() -> None:
    with pytest.raises(TaskError) as raised:
        parse_calibration(
            TABLE + '\n[[variant]]\nname = "reference"\nloses = ["speed"]\n',
            "calibration.toml",
            spec(),
        )
    assert "variant 'reference' appears more than once" in raised.value.message
    assert "unknown category 'speed'" in raised.value.message


def test_unknown_keys_are_refused_with_their_place() -> None:
    with pytest.raises(TaskError) as raised:
        parse_calibration('[[variant]]\nname = "reference"\nlooses = []\n', "c.toml", spec())
    assert "variant[0].looses: unknown key" in raised.value.message


def test_folders_and_entries_must_match() -> None:
    table = parse_calibration(TABLE, "calibration.toml", spec())
    assert folder_problems(table, ["reference", "no-validation"]) == []
    assert folder_problems(table, ["reference", "extra"]) == [
        "solutions/extra has no entry in calibration.toml",
        "calibration.toml names 'no-validation', but there is no solutions/no-validation",
    ]


CRITERIA_TABLE = """
[[variant]]
name = "no-required"
loses = ["validation"]
criteria = ["validation.required"]
"""


def test_named_criteria_must_be_the_only_ones_lost_in_their_category() -> None:
    table = parse_calibration(CRITERIA_TABLE, "calibration.toml", spec())

    exact = judge(table, {"no-required": graded("x", {"validation.required"})})
    wider = judge(table, {"no-required": graded("x", {"validation.required", "validation.types"})})
    other = judge(table, {"no-required": graded("x", {"validation.types"})})

    assert exact[0].ok
    assert wider[0].problems == (
        "lost 20 points in validation.types, which it should not: "
        "-20.00: public/test.py::test_validation.types failed: expected 422, got 201",
    )
    assert other[0].problems == (
        "should lose points in validation.required, but kept all",
        "lost 20 points in validation.types, which it should not: "
        "-20.00: public/test.py::test_validation.types failed: expected 422, got 201",
    )


def test_a_named_criterion_outside_the_lost_categories_is_refused() -> None:
    table = CRITERIA_TABLE.replace(
        'criteria = ["validation.required"]', 'criteria = ["crud.create"]'
    )

    with pytest.raises(TaskError, match=r"criterion 'crud\.create' is not in a category it loses"):
        parse_calibration(table, "calibration.toml", spec())


FLAGGED_TASK = TASK.replace('title = "Types"', 'title = "Types"\ncritical = true')


def flagged(name: str, failing: set[str]) -> Result:
    result = graded(name, failing)
    rubric = parse_task_spec(FLAGGED_TASK, "task.toml").rubric
    return Result(**{**result.__dict__, "score": score_outcomes(rubric, result.tests)})


def test_each_variant_raises_exactly_the_red_flags_it_names() -> None:
    table = parse_calibration(
        TABLE.replace(
            'loses = ["validation"]', 'loses = ["validation"]\nred_flags = ["validation.types"]'
        ),
        "calibration.toml",
        parse_task_spec(FLAGGED_TASK, "task.toml"),
    )

    verdicts = judge(
        table,
        {
            "reference": flagged("reference", set()),
            "no-validation": flagged("no-validation", {"validation.required"}),
        },
    )
    assert verdicts[0].ok
    assert verdicts[1].problems == ("should raise the red flag validation.types, but did not",)

    verdicts = judge(
        table,
        {
            "reference": flagged("reference", {"validation.types"}),
            "no-validation": flagged("no-validation", {"validation.types"}),
        },
    )
    assert "raised the red flag validation.types, which it should not" in verdicts[0].problems
    assert verdicts[1].ok


def test_a_red_flag_must_name_a_critical_criterion() -> None:
    with pytest.raises(TaskError) as raised:
        parse_calibration(
            TABLE + '\n[[variant]]\nname = "x"\nloses = ["crud"]\nred_flags = ["crud.create"]\n',
            "calibration.toml",
            parse_task_spec(FLAGGED_TASK, "task.toml"),
        )
    assert "red flag 'crud.create' is not a critical criterion" in raised.value.message
