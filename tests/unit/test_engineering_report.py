"""`report.analyse`: a clean Flask project has no problem, and each planted
defect gives exactly its finding, at its file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader.stages.engineering import lint_tree, read_git_history, read_tree
from grader.stages.engineering.code_quality import python_code_lines
from grader.stages.engineering.findings import Severity
from grader.stages.engineering.inputs import GitUnavailable
from grader.stages.engineering.lint_summary import LintNotRun, parse_ruff_json
from grader.stages.engineering.report import EngineeringReport, analyse
from tests.unit.sample_projects import (
    APP_INIT,
    BOOKS,
    CLEAN,
    CLEAN_HISTORY,
    QUERY_LINE,
    README,
    SECRET_KEY_LINE,
    changed,
    source_tree,
)

NO_LINT_FINDINGS = parse_ruff_json("[]", 30)


def report_of(files: dict[str, str]) -> EngineeringReport:
    return analyse(source_tree(files), CLEAN_HISTORY, NO_LINT_FINDINGS)


def problems(files: dict[str, str]) -> set[tuple[str, str | None, int | None]]:
    return {(f.rule, f.path, f.line) for f in report_of(files).problems}


def test_a_clean_idiomatic_project_has_no_problem() -> None:
    report = report_of(CLEAN)

    assert report.problems == ()
    assert [f.rule for f in report.notes] == ["vulnerability-check-not-run"]
    assert report.code_quality.type_hint_coverage == 1.0
    assert report.structure.app_factory.present
    assert report.dependencies.pinned_share == 1.0


SECRET = APP_INIT.replace('os.environ["SECRET_KEY"]', '"s3cr3t-value"')
DEBUG_RUN = "from app import create_app\n\napp = create_app()\napp.run(debug=True)\n"
F_STRING_SQL = BOOKS.replace(
    'text("SELECT title FROM books WHERE id = :id")',
    'text(f"SELECT title FROM books WHERE id = {book_id}")',
)
NO_TEST_SECTION = README.split("## Test")[0]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            changed(CLEAN, {"app/__init__.py": SECRET}),
            {("hardcoded-secret", "app/__init__.py", SECRET_KEY_LINE)},
            id="hard-coded secret key",
        ),
        pytest.param(
            changed(CLEAN, {"wsgi.py": DEBUG_RUN}),
            {("debug-mode", "wsgi.py", 4)},
            id="debug=True",
        ),
        pytest.param(
            changed(CLEAN, {"app/books.py": F_STRING_SQL}),
            {("sql-string-formatting", "app/books.py", QUERY_LINE)},
            id="f-string SQL",
        ),
        pytest.param(
            changed(CLEAN, {"requirements.txt": "flask>=3.0\nflask-sqlalchemy==3.1.1\n"}),
            {("unpinned-dependency", "requirements.txt", 1)},
            id="unpinned dependency",
        ),
        pytest.param(
            changed(CLEAN, {".env": "SECRET_KEY=real\n"}),
            {("committed-env-file", ".env", None)},
            id="committed .env",
        ),
        pytest.param(
            changed(CLEAN, {"README.md": NO_TEST_SECTION}),
            {("readme-missing-test", "README.md", None)},
            id="README without a test section",
        ),
        pytest.param(
            changed(CLEAN, drop=("tests/",)),
            {("no-tests", None, None)},
            id="no tests",
        ),
    ],
)
def test_each_planted_defect_gives_exactly_its_finding(
    files: dict[str, str], expected: set[tuple[str, str | None, int | None]]
) -> None:
    assert problems(files) == expected


def test_findings_are_ordered_by_measure_then_problems_first_then_place() -> None:
    files = changed(CLEAN, {"app/__init__.py": SECRET, "wsgi.py": DEBUG_RUN}, drop=("tests/",))

    report = report_of(files)

    assert [(f.measure, f.rule) for f in report.findings] == [
        ("secrets_and_risky_sinks", "hardcoded-secret"),
        ("secrets_and_risky_sinks", "debug-mode"),
        ("dependency_hygiene", "vulnerability-check-not-run"),
        ("delivery", "no-tests"),
    ]


def test_the_json_form_has_a_stable_shape_and_serialises() -> None:
    data = report_of(CLEAN).to_json()

    assert list(data) == [
        "version",
        "problems",
        "notes",
        "files_read",
        "limit_reached",
        "structure",
        "dependencies",
        "delivery",
        "code_quality",
        "lint",
        "git_history",
        "findings",
    ]
    assert json.loads(json.dumps(data)) == data
    assert data["structure"]["app_factory"] == {"present": True, "evidence": ["app/__init__.py:13"]}
    assert data["delivery"]["readme_sections"] == {
        "setup": "README.md:3",
        "run": "README.md:7",
        "test": "README.md:11",
    }
    assert data["findings"] == [
        {
            "measure": "dependency_hygiene",
            "rule": "vulnerability-check-not-run",
            "severity": "note",
            "message": "known-vulnerability check not run: no advisory database available offline",
            "path": None,
            "line": None,
        }
    ]


def test_lint_that_did_not_run_and_missing_git_are_notes_with_their_reason() -> None:
    report = analyse(
        source_tree(CLEAN),
        GitUnavailable("the submission is not a git repository"),
        LintNotRun("ruff did not finish in 120 s"),
    )

    assert report.problems == ()
    assert {(f.rule, f.message) for f in report.notes} >= {
        ("lint-not-run", "Ruff did not run: ruff did not finish in 120 s."),
        (
            "not-a-git-repository",
            "No git history was read: the submission is not a git repository.",
        ),
    }
    assert list(report.to_json()["lint"]) == list(analyse(
        source_tree(CLEAN), CLEAN_HISTORY, NO_LINT_FINDINGS
    ).to_json()["lint"])  # fmt: skip
    assert all(f.severity is Severity.NOTE for f in report.findings)


def test_the_io_edges_and_the_pure_report_meet_on_a_real_folder(tmp_path: Path) -> None:
    for path, text in CLEAN.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    tree = read_tree(tmp_path)

    report = analyse(tree, read_git_history(tmp_path), lint_tree(tmp_path, python_code_lines(tree)))

    assert report.problems == ()
    assert report.to_json()["lint"]["ran"]
    assert report.history.is_repository is False
