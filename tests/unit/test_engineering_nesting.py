"""A valid but deeply nested Python file is left out of the engineering measures, named in a
note, and the rest of the submission is measured as usual (the measures walk syntax trees
recursively, and a RecursionError would throw away every point already earned)."""

from __future__ import annotations

import pytest

from grader.core.result import Outcome
from grader.core.task import EngineeringSpec
from grader.stages.engineering.findings import Finding, Severity
from grader.stages.engineering.grading import grade_engineering, planned_tests
from grader.stages.engineering.inputs import GitUnavailable
from grader.stages.engineering.lint_summary import LintNotRun
from grader.stages.engineering.python_source import MAX_SYNTAX_DEPTH, parse_python
from grader.stages.engineering.report import EngineeringReport, analyse
from tests.unit.sample_projects import CLEAN, source_tree

TERMS_1500 = "TOTAL = " + " + ".join(["1"] * 1500) + "\n"
BRACKETS_200 = "VALUE = " + "f(-" * 200 + "1" + ")" * 200 + "\n"
LISTS_200 = "VALUE = " + "[" * 200 + "1" + "]" * 200 + "\n"
PARSER_GIVES_UP = "VALUE = " + "-" * 100_000 + "1\n"
SPEC = EngineeringSpec.model_validate(
    {
        "measures": [
            {"measure": "structure", "criterion": "c", "require": ["app_factory", "migrations"]},
            {"measure": "secrets", "criterion": "c"},
            {"measure": "type_hints", "criterion": "c", "full_at": 80, "zero_at": 0},
        ]
    }
)


def analysed(extra: dict[str, str]) -> EngineeringReport:
    return analyse(
        source_tree({**CLEAN, **extra}),
        GitUnavailable("the submission is not a git repository"),
        LintNotRun("not run here"),
    )


def too_deep(report: EngineeringReport) -> list[Finding]:
    return [f for f in report.findings if f.rule == "too-deeply-nested"]


@pytest.mark.parametrize(
    "text",
    [TERMS_1500, BRACKETS_200, PARSER_GIVES_UP],
    ids=["1500-terms", "200-nested-brackets", "beyond-the-parser"],
)
def test_a_deeply_nested_file_is_named_and_the_rest_is_measured(text):
    report = analysed({"app/generated.py": text, "app/config.py": 'API_KEY = "s3cr3t-value"\n'})

    [finding] = too_deep(report)
    assert (finding.measure, finding.path, finding.severity) == (
        "code_quality",
        "app/generated.py",
        Severity.NOTE,
    )
    assert finding.message.startswith("app/generated.py is too deeply nested to analyse")
    assert report.structure.app_factory.present
    assert [f.path for f in report.findings if f.rule == "hardcoded-secret"] == ["app/config.py"]
    assert report.code_quality.functions == 2  # create_app and get_book


def test_the_measures_still_earn_their_points_beside_a_deep_file():
    report = analysed({"app/generated.py": TERMS_1500})

    outcomes = grade_engineering(SPEC, report, None)

    assert [t.id for t in outcomes] == [t.id for t in planned_tests(SPEC)]
    assert all(t.outcome is Outcome.PASSED for t in outcomes), outcomes


def test_two_hundred_nested_lists_are_still_analysed():
    report = analysed({"app/data.py": LISTS_200})

    assert too_deep(report) == []


def test_a_deep_test_file_is_left_out_without_a_note():
    report = analysed({"tests/test_generated.py": TERMS_1500})

    assert too_deep(report) == []


def nested_to_the_limit() -> str:
    """The most frames per level the measures take (a call, 3), as deep as is analysed."""
    defs = 60
    lines = ["    " * level + f"def f{level}(x):" for level in range(defs)]
    calls = MAX_SYNTAX_DEPTH - defs - 4  # the module, the return, the last name and its Load
    return "\n".join([*lines, "    " * defs + "return " + "f(" * calls + "1" + ")" * calls])


def run_at_depth(frames: int, text: str) -> EngineeringReport:
    if frames:
        return run_at_depth(frames - 1, text)
    return analysed({"app/deep.py": text})


def test_a_file_at_the_depth_limit_is_analysed_even_from_a_deep_stack():
    text = nested_to_the_limit()
    assert parse_python(source_tree({"a.py": text}).files[0]) is not None

    report = run_at_depth(150, text)  # what pytest and the pipeline may sit on

    assert too_deep(report) == []
    assert report.code_quality.functions == 2 + 60
