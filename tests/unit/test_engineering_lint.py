"""`engineering.lint` and `lint_summary`: ruff's findings per thousand lines, by family.

The last tests run the real ruff on files under `tmp_path`.
"""

from __future__ import annotations

import json
from pathlib import Path

from grader.stages.engineering.lint import lint_tree, run_ruff
from grader.stages.engineering.lint_summary import (
    FamilyCount,
    LintNotRun,
    LintSummary,
    parse_ruff_json,
)


def ruff_item(code: str | None, filename: str = "/s/app.py") -> dict[str, object]:
    return {"code": code, "filename": filename, "location": {"row": 1, "column": 1}}


def test_findings_are_summed_by_family_per_thousand_lines() -> None:
    codes = ["E501", "E501", "F401", "SIM102", "C901", "S608", "UP006", None, "invalid-syntax"]
    text = json.dumps([ruff_item(code) for code in codes])

    summary = parse_ruff_json(text, python_lines=500)

    assert isinstance(summary, LintSummary)
    assert summary.total == 9
    assert summary.per_kloc == 18.0
    assert summary.families == (
        FamilyCount("C", 1, 2.0),
        FamilyCount("E", 2, 4.0),
        FamilyCount("F", 1, 2.0),
        FamilyCount("S", 1, 2.0),
        FamilyCount("SIM", 1, 2.0),
        FamilyCount("UP", 1, 2.0),
        FamilyCount("syntax", 2, 4.0),
    )
    assert summary.top_rules[:2] == (("E501", 2), ("syntax", 2))


def test_no_lines_gives_zero_rates_not_a_division_error() -> None:
    summary = parse_ruff_json("[]", python_lines=0)

    assert not isinstance(summary, LintNotRun)
    assert (summary.total, summary.per_kloc, summary.families) == (0, 0.0, ())


def test_output_that_is_not_ruff_json_is_a_reason() -> None:
    assert isinstance(parse_ruff_json("error: oops", 10), LintNotRun)
    assert parse_ruff_json("{}", 10) == LintNotRun("ruff's output is not a list of findings")


def test_ruff_lints_own_code_only_and_ignores_the_submission_config(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "a.py").write_text("import os\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_a.py").write_text("import os\n")
    (tmp_path / "pyproject.toml").write_text('[tool.ruff]\nexclude = ["app"]\n')

    output = run_ruff(tmp_path)

    assert isinstance(output, str)
    assert [(item["code"], Path(item["filename"]).name) for item in json.loads(output)] == [
        ("F401", "a.py")
    ]


def test_noqa_comments_of_the_submission_silence_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("# ruff: noqa\nimport os\nx = eval('1')  # noqa: S307\n")

    output = run_ruff(tmp_path)

    assert isinstance(output, str)
    assert sorted(item["code"] for item in json.loads(output)) == ["F401", "S307"]


def test_lint_tree_gives_a_summary(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("import os\nx = eval('1')\n")

    summary = lint_tree(tmp_path, python_lines=2)

    assert not isinstance(summary, LintNotRun)
    assert [(f.family, f.count) for f in summary.families] == [("F", 1), ("S", 1)]


def test_a_ruff_that_does_not_finish_in_time_is_a_reason(tmp_path: Path) -> None:
    assert run_ruff(tmp_path, timeout_s=0.000001) == LintNotRun("ruff did not finish in 1e-06 s")


def test_the_first_findings_are_kept_as_evidence_relative_to_the_root() -> None:
    items = [
        {**ruff_item("F401", "/s/pkg/b.py"), "location": {"row": 9}, "message": "unused"},
        {**ruff_item("E501", "/s/pkg/a.py"), "location": {"row": 3}, "message": "too long"},
        {**ruff_item("E501", "/elsewhere/c.py"), "location": "broken"},
    ]

    summary = parse_ruff_json(json.dumps(items), python_lines=100, root="/s")

    assert isinstance(summary, LintSummary)
    assert [str(hit) for hit in summary.examples] == [
        "/elsewhere/c.py E501 ",
        "pkg/a.py:3 E501 too long",
        "pkg/b.py:9 F401 unused",
    ]
