"""`grader.stages.engineering.delivery`: README sections, Dockerfile, CI, committed .env, tests."""

from __future__ import annotations

from grader.stages.engineering.delivery import measure_delivery
from grader.stages.engineering.findings import Evidence, Severity
from tests.unit.sample_projects import CLEAN, changed, source_tree


def rules(files: dict[str, str]) -> list[tuple[str, str | None, Severity]]:
    return [(f.rule, f.path, f.severity) for f in measure_delivery(source_tree(files)).findings]


def test_the_clean_project_delivers_everything() -> None:
    delivery = measure_delivery(source_tree(CLEAN))

    assert delivery.readme == "README.md"
    assert delivery.dockerfile == "Dockerfile"
    assert delivery.ci_configs == (".github/workflows/ci.yml",)
    assert delivery.committed_env_files == ()
    assert delivery.test_files == ("tests/conftest.py", "tests/test_books.py")
    assert delivery.findings == ()


def test_sections_are_found_under_underlined_headings_or_in_the_text() -> None:
    readme = (
        "Library API\n===========\n\nInstallation\n------------\n\n"
        "pip install -r requirements.txt\n\nStart it with flask run, then call pytest.\n"
    )

    delivery = measure_delivery(source_tree({"README.rst": readme}))

    assert delivery.readme_sections == (
        ("setup", Evidence("README.rst", 4)),
        ("run", Evidence("README.rst", 9)),
        ("test", Evidence("README.rst", 9)),
    )


def test_each_missing_section_is_its_own_problem() -> None:
    files = changed(CLEAN, {"README.md": "# Library API\n\nA small API for books.\n"})

    assert rules(files) == [
        ("readme-missing-setup", "README.md", Severity.PROBLEM),
        ("readme-missing-run", "README.md", Severity.PROBLEM),
        ("readme-missing-test", "README.md", Severity.PROBLEM),
    ]


def test_a_bare_project_lacks_readme_and_tests_and_gets_notes_for_the_rest() -> None:
    assert rules({"app.py": ""}) == [
        ("no-readme", None, Severity.PROBLEM),
        ("no-dockerfile", None, Severity.NOTE),
        ("no-ci", None, Severity.NOTE),
        ("no-tests", None, Severity.PROBLEM),
    ]


def test_env_files_are_problems_but_their_examples_are_not() -> None:
    files = changed(
        CLEAN,
        {
            ".env.production": "X=1\n",
            "app/.env": "X=1\n",
            ".env.sample": "X=\n",
            ".env.template": "X=\n",
            ".flaskenv": "FLASK_APP=app\n",
        },
    )

    assert rules(files) == [
        ("committed-env-file", ".env.production", Severity.PROBLEM),
        ("committed-env-file", "app/.env", Severity.PROBLEM),
    ]


def test_test_files_outside_a_tests_folder_count() -> None:
    files = changed(CLEAN, {"app/books_test.py": "", "test_app.py": ""}, drop=("tests/",))

    assert measure_delivery(source_tree(files)).test_files == ("app/books_test.py", "test_app.py")
