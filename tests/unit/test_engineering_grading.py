"""`engineering.grading` and `own_tests`: each measure a task weights becomes one test,
with credit against its thresholds and the evidence for every point it loses."""

from __future__ import annotations

import json

import pytest

from grader.core.errors import TaskError
from grader.core.result import Outcome
from grader.core.task import EngineeringSpec, parse_task_spec
from grader.stages.engineering.grading import grade_engineering, planned_tests, scaled_credit
from grader.stages.engineering.inputs import GitUnavailable
from grader.stages.engineering.lint_summary import LintNotRun, parse_ruff_json
from grader.stages.engineering.own_tests import OwnTests, OwnTestsNotRun, parse_own_tests
from grader.stages.engineering.report import analyse
from grader.stages.engineering.typecheck_summary import (
    TypeCheckNotRun,
    TypeCheckSummary,
    parse_mypy_output,
)
from tests.unit.sample_projects import APP_INIT, CLEAN, CLEAN_HISTORY, source_tree

GREEN = OwnTests(10, 0, 0, 0, (), 92.0, ())


def spec(*measures: dict[str, object]) -> EngineeringSpec:
    return EngineeringSpec.model_validate({"measures": measures})


def graded(engineering: EngineeringSpec, files=CLEAN, own=GREEN, git=CLEAN_HISTORY, lint=None):
    report = analyse(source_tree(files), git, lint or parse_ruff_json("[]", 30))
    return {t.id: t for t in grade_engineering(engineering, report, own)}


@pytest.mark.parametrize(
    ("value", "full", "zero", "credit"),
    [
        (80, 80, 40, 1.0),
        (95, 80, 40, 1.0),
        (60, 80, 40, 0.5),
        (40, 80, 40, 0.0),
        (10, 80, 40, 0.0),
        (5, 10, 40, 1.0),  # lower is better: full marks below full_at
        (25, 10, 40, 0.5),
        (41, 10, 40, 0.0),
        (1, 0, 1, 0.0),  # a count: any finding takes it all
    ],
)
def test_scaled_credit_is_linear_between_the_thresholds(value, full, zero, credit) -> None:
    assert scaled_credit(value, full, zero) == pytest.approx(credit)


def test_a_clean_project_gets_full_credit_on_every_measure() -> None:
    engineering = spec(
        {"measure": "own_tests", "criterion": "eng.tests"},
        {"measure": "coverage", "criterion": "eng.tests", "full_at": 80, "zero_at": 40},
        {"measure": "secrets", "criterion": "eng.safe"},
        {"measure": "risky_code", "criterion": "eng.safe"},
        {"measure": "structure", "criterion": "eng.structure", "require": ["app_factory"]},
        {"measure": "pinned_dependencies", "criterion": "eng.delivery"},
    )

    tests = graded(engineering)

    assert list(tests) == [f"engineering::{m.measure}" for m in engineering.measures]
    assert {t.outcome for t in tests.values()} == {Outcome.PASSED}
    assert {t.credit for t in tests.values()} == {1.0}
    assert tests["engineering::coverage"].message.startswith(
        "line coverage 92.0 % of the candidate's code (full marks at >= 80 %, none at <= 40 %)"
    )


def test_coverage_below_full_marks_earns_its_share_and_names_the_least_covered_file() -> None:
    own = parse_own_tests(
        json.dumps({"passed": 3, "failed": 0, "errors": 0, "skipped": 0, "failures": []}),
        json.dumps(
            {
                "totals": {"num_statements": 100, "covered_lines": 60},
                "files": {
                    "app/books.py": {
                        "summary": {"num_statements": 50, "covered_lines": 10},
                        "missing_lines": [12, 13, 40],
                    },
                    "app/__init__.py": {"summary": {"num_statements": 50, "covered_lines": 50}},
                },
            }
        ),
    )
    assert isinstance(own, OwnTests)
    engineering = spec({"measure": "coverage", "criterion": "c", "full_at": 80, "zero_at": 40})

    test = graded(engineering, own=own)["engineering::coverage"]

    assert test.outcome is Outcome.FAILED
    assert test.credit == 0.5
    assert test.message.splitlines()[0].endswith(
        "least covered: app/books.py 20 % of 50 lines, first missed line 12"
    )


def test_failing_own_tests_are_named() -> None:
    own = OwnTests(3, 1, 0, 0, ("tests/test_books.py::test_create",), 80.0, ())

    test = graded(spec({"measure": "own_tests", "criterion": "c"}), own=own)[
        "engineering::own_tests"
    ]

    assert test.credit == 0.75
    assert "3 of 4 of the candidate's tests passed (75.0 %)" in test.message
    assert "failed: tests/test_books.py::test_create" in test.message


def test_no_tests_earn_nothing_for_tests_or_coverage() -> None:
    own = parse_own_tests(
        json.dumps({"passed": 0, "failed": 0, "errors": 0, "skipped": 0}),
        json.dumps({"totals": {"num_statements": 40, "covered_lines": 0}, "files": {}}),
    )
    engineering = spec(
        {"measure": "own_tests", "criterion": "c"}, {"measure": "coverage", "criterion": "c"}
    )

    tests = graded(engineering, own=own)

    assert [(t.outcome, t.credit) for t in tests.values()] == [(Outcome.FAILED, 0.0)] * 2
    assert "no tests were found" in tests["engineering::own_tests"].message


def test_tests_the_harness_could_not_run_are_not_run_and_earn_nothing() -> None:
    own = OwnTestsNotRun("pip could not install pytest and coverage: offline", harness=True)

    test = graded(spec({"measure": "own_tests", "criterion": "c"}), own=own)[
        "engineering::own_tests"
    ]

    assert (test.outcome, test.credit) == (Outcome.NOT_RUN, None)
    assert test.earned == 0
    assert "offline" in test.message


def test_tests_that_did_not_finish_are_the_candidates_failure() -> None:
    own = OwnTestsNotRun("the tests did not finish in 60 s and were stopped")

    test = graded(spec({"measure": "own_tests", "criterion": "c"}), own=own)[
        "engineering::own_tests"
    ]

    assert (test.outcome, test.credit) == (Outcome.FAILED, 0.0)
    assert "did not finish in 60 s" in test.message


def test_a_hard_coded_secret_loses_the_secrets_measure_with_its_file_and_line() -> None:
    files = {**CLEAN, "app/__init__.py": APP_INIT.replace('os.environ["SECRET_KEY"]', '"s3cr3t"')}
    engineering = spec(
        {"measure": "secrets", "criterion": "c"}, {"measure": "risky_code", "criterion": "d"}
    )

    tests = graded(engineering, files=files)

    assert tests["engineering::secrets"].credit == 0.0
    assert "app/__init__.py:15 hardcoded-secret" in tests["engineering::secrets"].message
    assert tests["engineering::risky_code"].outcome is Outcome.PASSED


def test_a_checklist_earns_the_share_present_and_says_what_is_missing() -> None:
    engineering = spec(
        {
            "measure": "delivery",
            "criterion": "c",
            "require": ["readme_setup", "dockerfile", "ci", "no_env_file"],
        }
    )
    files = {path: text for path, text in CLEAN.items() if not path.startswith(".github")}

    test = graded(engineering, files={**files, ".env": "SECRET_KEY=x\n"})["engineering::delivery"]

    assert test.credit == 0.5
    first = test.message.splitlines()[0]
    assert first.startswith("2 of 4 required: ci missing: ")
    assert "no_env_file missing: committed: .env" in first


def test_git_measures_without_a_repository_are_not_run() -> None:
    engineering = spec({"measure": "commits", "criterion": "c"})

    test = graded(engineering, git=GitUnavailable("the submission is not a git repository"))

    assert test["engineering::commits"].outcome is Outcome.NOT_RUN


def test_lint_not_run_is_not_run_and_lint_findings_are_quoted() -> None:
    engineering = spec({"measure": "lint", "criterion": "c", "full_at": 0, "zero_at": 100})
    assert (
        graded(engineering, lint=LintNotRun("ruff missing"))["engineering::lint"].outcome
        is Outcome.NOT_RUN
    )

    item = {"code": "F401", "filename": "/s/app/x.py", "location": {"row": 3}, "message": "unused"}
    lint = parse_ruff_json(json.dumps([item]), python_lines=20, root="/s")
    test = graded(engineering, lint=lint)["engineering::lint"]
    assert test.credit == 0.5
    assert test.message.splitlines()[0].endswith("; app/x.py:3 F401 unused")


def test_planned_tests_are_not_run_with_the_stage_visibility() -> None:
    engineering = EngineeringSpec.model_validate(
        {
            "visibility": "hidden",
            "measures": [{"measure": "secrets", "criterion": "c", "weight": 2}],
        }
    )

    (test,) = planned_tests(engineering)

    assert (test.id, test.suite, test.outcome) == (
        "engineering::secrets",
        "engineering",
        Outcome.NOT_RUN,
    )
    assert (test.visibility, test.weight) == ("hidden", 2)


TASK = """
id = "t"
version = "1"
title = "T"
[rubric]
[[rubric.categories]]
id = "eng"
title = "Engineering"
weight = 100
[[rubric.categories.criteria]]
id = "eng.all"
title = "All"
"""


@pytest.mark.parametrize(
    ("measure", "error"),
    [
        ('measure = "speed"\ncriterion = "eng.all"', "unknown measure 'speed'"),
        ('measure = "secrets"\ncriterion = "eng.other"', "'eng.other' is not in the rubric"),
        ('measure = "coverage"\ncriterion = "eng.all"\nrequire = ["ci"]', "is scaled"),
        ('measure = "coverage"\ncriterion = "eng.all"\nfull_at = 0', "must differ"),
        ('measure = "coverage"\ncriterion = "eng.all"\nzero_at = 80', "must differ"),
        ('measure = "delivery"\ncriterion = "eng.all"', "delivery.require needs items"),
        ('measure = "delivery"\ncriterion = "eng.all"\nrequire = ["tests"]', "unknown: tests"),
        ('measure = "structure"\ncriterion = "eng.all"\nfull_at = 1', "is a checklist"),
    ],
)
def test_bad_engineering_sections_are_refused_with_the_reason(measure: str, error: str) -> None:
    with pytest.raises(TaskError, match=error.replace("(", r"\(")):
        parse_task_spec(TASK + f"[engineering]\n[[engineering.measures]]\n{measure}\n", "task.toml")


def test_a_task_may_grade_engineering_alone() -> None:
    text = (
        TASK + '[engineering]\n[[engineering.measures]]\nmeasure = "lint"\ncriterion = "eng.all"\n'
    )

    task = parse_task_spec(text, "task.toml")

    assert task.engineering is not None
    assert task.engineering.measures[0].thresholds() == (5, 50)


@pytest.mark.parametrize(
    ("counts", "coverage"),
    [
        (None, None),
        ("not json", None),
        (json.dumps({"passed": -1, "failed": 0, "errors": 0, "skipped": 0}), None),
        (json.dumps({"passed": "9", "failed": 0, "errors": 0, "skipped": 0}), None),
        ("x" * (5 * 1024 * 1024), None),
    ],
)
def test_unreadable_reports_from_the_container_are_refused(counts, coverage) -> None:
    assert isinstance(parse_own_tests(counts, coverage), str)


def test_a_malformed_coverage_report_means_no_coverage_not_a_crash() -> None:
    counts = json.dumps({"passed": 1, "failed": 0, "errors": 0, "skipped": 0})
    broken = json.dumps({"totals": {"num_statements": 10, "covered_lines": 99}, "files": [1]})

    own = parse_own_tests(counts, broken)

    assert isinstance(own, OwnTests)
    assert own.coverage == 100.0
    assert parse_own_tests(counts, "[]") == OwnTests(1, 0, 0, 0, (), None, ())


MYPY_OUTPUT = """\
app/books.py:12: error: Incompatible return value type (got "int", expected "str")  [return-value]
app/__init__.py:3:5: error: Name "x" is not defined  [name-defined]
app/books.py:30: note: See https://mypy.readthedocs.io
app/books.py:40: error: Missing positional argument "b"  [call-arg]
"""


def test_mypy_errors_are_counted_per_thousand_lines_with_their_places() -> None:
    summary = parse_mypy_output(MYPY_OUTPUT, 1, python_lines=300)

    assert isinstance(summary, TypeCheckSummary)
    assert (summary.errors, summary.per_kloc) == (3, 10.0)
    assert summary.top_codes == (("call-arg", 1), ("name-defined", 1), ("return-value", 1))
    assert str(summary.examples[0]) == 'app/__init__.py:3 name-defined Name "x" is not defined'
    assert parse_mypy_output("", 0, 300) == TypeCheckSummary(300, 0, 0.0, ())
    assert isinstance(parse_mypy_output("mypy: error: bad flag", 2, 300), TypeCheckNotRun)


def test_the_mypy_measure_scores_errors_against_its_thresholds() -> None:
    engineering = spec({"measure": "mypy", "criterion": "c", "full_at": 0, "zero_at": 20})
    report = analyse(source_tree(CLEAN), CLEAN_HISTORY, parse_ruff_json("[]", 30))

    (checked,) = grade_engineering(
        engineering, report, None, parse_mypy_output(MYPY_OUTPUT, 1, 300)
    )
    (missing,) = grade_engineering(engineering, report, None, None)

    assert checked.credit == 0.5
    assert checked.message.splitlines()[0].startswith("3 mypy errors in 300 lines, 10 per 1000")
    assert missing.outcome is Outcome.NOT_RUN
