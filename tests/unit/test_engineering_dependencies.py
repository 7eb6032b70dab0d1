"""`engineering.dependencies`: pins, lock files and the vulnerability check not run."""

from __future__ import annotations

from grader.stages.engineering.dependencies import VULNERABILITY_NOTE, measure_dependencies
from grader.stages.engineering.findings import Severity
from tests.unit.sample_projects import source_tree


def pins(files: dict[str, str]) -> list[tuple[str, bool, str]]:
    hygiene = measure_dependencies(source_tree(files))
    return [(d.name, d.pinned, str(d.at)) for d in hygiene.dependencies]


def rules(files: dict[str, str]) -> list[tuple[str, Severity]]:
    return [(f.rule, f.severity) for f in measure_dependencies(source_tree(files)).findings]


def test_requirements_lines_are_read_as_pip_reads_them() -> None:
    requirements = (
        "# web\n"
        "-r base.txt\n"
        "flask[async]==3.0.3 ; python_version >= '3.11'  # pinned\n"
        "requests>=2\n"
        "gunicorn\n"
        "black==24.*\n"
        "pytest === 8.3.2\n"
        "-e .\n"
        "lib @ git+https://example.com/lib.git@" + "a" * 40 + "\n"
        "other @ git+https://example.com/other.git\n"
    )

    assert pins({"requirements-dev.txt": requirements}) == [
        ("flask", True, "requirements-dev.txt:3"),
        ("requests", False, "requirements-dev.txt:4"),
        ("gunicorn", False, "requirements-dev.txt:5"),
        ("black", False, "requirements-dev.txt:6"),
        ("pytest", True, "requirements-dev.txt:7"),
        ("lib", True, "requirements-dev.txt:9"),
        ("other", False, "requirements-dev.txt:10"),
    ]


def test_requirements_compiled_with_hashes_are_a_lock() -> None:
    compiled = "flask==3.0.3 \\\n    --hash=sha256:" + "0" * 64 + "\n"

    hygiene = measure_dependencies(source_tree({"requirements.txt": compiled}))

    assert pins({"requirements.txt": compiled}) == [("flask", True, "requirements.txt:1")]
    assert hygiene.lock_files == ("requirements.txt",)
    assert rules({"requirements.txt": compiled}) == [("vulnerability-check-not-run", Severity.NOTE)]


def test_pyproject_dependencies_are_found_at_their_line() -> None:
    pyproject = (
        '[project]\nname = "app"\ndependencies = [\n  "flask==3.0.3",\n  "sqlalchemy>=2",\n]\n'
        '[tool.poetry.dependencies]\npython = "^3.11"\npydantic = "2.8.2"\nhttpx = "^0.27"\n'
    )

    assert pins({"pyproject.toml": pyproject}) == [
        ("flask", True, "pyproject.toml:4"),
        ("sqlalchemy", False, "pyproject.toml:5"),
        ("pydantic", True, "pyproject.toml:9"),
        ("httpx", False, "pyproject.toml:10"),
    ]


def test_pipfile_packages_are_read() -> None:
    pipfile = '[packages]\nflask = "==3.0.3"\nrequests = "*"\n'

    assert pins({"Pipfile": pipfile}) == [
        ("flask", True, "Pipfile:2"),
        ("requests", False, "Pipfile:3"),
    ]


def test_an_unpinned_dependency_is_a_problem_that_says_what_to_write() -> None:
    hygiene = measure_dependencies(
        source_tree({"requirements.txt": "flask>=3\n", "poetry.lock": ""})
    )

    (unpinned, vulnerabilities) = hygiene.findings
    assert (unpinned.rule, unpinned.path, unpinned.line) == (
        "unpinned-dependency",
        "requirements.txt",
        1,
    )
    assert unpinned.message == (
        "flask>=3 in requirements.txt:1 is not pinned to one version; "
        "pin the version you tested with (flask==...)."
    )
    assert vulnerabilities.message == VULNERABILITY_NOTE
    assert hygiene.pinned_share == 0.0


def test_no_declaration_is_a_problem_and_no_lock_a_note() -> None:
    assert rules({"app.py": ""}) == [
        ("no-dependency-declaration", Severity.PROBLEM),
        ("vulnerability-check-not-run", Severity.NOTE),
    ]
    assert rules({"requirements.txt": "flask==3.0.3\n"}) == [
        ("no-lock-file", Severity.NOTE),
        ("vulnerability-check-not-run", Severity.NOTE),
    ]


def test_a_pyproject_that_is_not_toml_is_a_problem_not_a_crash() -> None:
    assert rules({"pyproject.toml": "[project\n"})[:2] == [
        ("invalid-toml", Severity.PROBLEM),
        ("no-dependency-declaration", Severity.PROBLEM),
    ]
