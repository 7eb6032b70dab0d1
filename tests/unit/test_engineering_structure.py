"""`grader.stages.engineering.structure`: factory, blueprints, configuration and migrations, with
where each was seen."""

from __future__ import annotations

from grader.stages.engineering.findings import Evidence, Severity
from grader.stages.engineering.structure import measure_structure
from tests.unit.sample_projects import CLEAN, source_tree


def test_the_clean_project_shows_each_with_its_evidence() -> None:
    structure = measure_structure(source_tree(CLEAN))

    assert structure.app_factory.evidence == (Evidence("app/__init__.py", 13),)
    assert structure.blueprints.evidence == (Evidence("app/books.py", 9),)
    assert structure.blueprints_registered.evidence == (Evidence("app/__init__.py", 21),)
    assert structure.config_from_env.evidence == (
        Evidence("app/__init__.py", 15),
        Evidence("app/__init__.py", 16),
    )
    assert structure.migrations.evidence == (
        Evidence("app/extensions.py", 1),
        Evidence("migrations/alembic.ini"),
        Evidence("migrations/env.py"),
    )
    assert structure.findings == ()


def test_a_single_file_app_gets_a_note_for_each_absence_and_no_problem() -> None:
    app = 'from flask import Flask\n\napp = Flask(__name__)\napp.config["X"] = 1\n'

    structure = measure_structure(source_tree({"app.py": app}))

    assert not structure.app_factory.present
    assert [(f.rule, f.severity) for f in structure.findings] == [
        ("no-app-factory", Severity.NOTE),
        ("no-blueprints", Severity.NOTE),
        ("no-config-from-environment", Severity.NOTE),
        ("no-migrations", Severity.NOTE),
    ]


def test_a_blueprint_never_registered_is_a_problem_at_the_blueprint() -> None:
    files = {"app/api.py": 'import flask\n\napi = flask.Blueprint("api", __name__)\n'}

    findings = measure_structure(source_tree(files)).findings

    problems = [(f.rule, f.path, f.line) for f in findings if f.severity is Severity.PROBLEM]
    assert problems == [("blueprint-not-registered", "app/api.py", 3)]


def test_environment_configuration_comes_in_several_spellings() -> None:
    files = {
        "a.py": "from os import getenv\nA = getenv('A')\n",
        "b.py": "def f(app) -> None:\n    app.config.from_prefixed_env()\n",
        "c.py": "def f(app) -> None:\n    app.config.from_envvar('SETTINGS')\n",
    }

    evidence = measure_structure(source_tree(files)).config_from_env.evidence

    assert [str(e) for e in evidence] == ["a.py:2", "b.py:2", "c.py:2"]


def test_tests_are_not_evidence_of_structure() -> None:
    files = {"tests/conftest.py": "def create_app() -> None:\n    pass\n"}

    assert not measure_structure(source_tree(files)).app_factory.present
