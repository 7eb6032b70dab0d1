"""`build.flask_dockerfile`: find a Flask app's WSGI target and write a Dockerfile for it."""

from __future__ import annotations

import functools
import json

import pytest

from grader.stages.build.flask_dockerfile import (
    WsgiTarget,
    candidate_paths,
    find_wsgi_target,
    render_dockerfile,
)

FACTORY = """
from flask import Flask


def create_app(config=None):
    app = Flask(__name__)
    return app
"""

MODULE_APP = """
from flask import Flask

app = Flask(__name__)


@app.get("/health")
def health():
    return {"status": "ok"}
"""


def test_factory_in_a_package_init_is_found():
    target = find_wsgi_target({"notes/__init__.py": FACTORY})

    assert target == WsgiTarget("notes", "create_app", is_factory=True)
    assert str(target) == "notes:create_app()"


def test_module_level_app_is_found():
    target = find_wsgi_target({"app.py": MODULE_APP})

    assert target == WsgiTarget("app", "app", is_factory=False)
    assert str(target) == "app:app"


def test_annotated_application_and_imported_app_are_found():
    annotated = find_wsgi_target({"wsgi.py": "from flask import Flask\napplication: Flask = x\n"})
    imported = find_wsgi_target({"main.py": "from notes.server import app\n"})

    assert str(annotated) == "wsgi:application"
    assert str(imported) == "main:app"


def test_module_app_is_preferred_to_a_factory_in_the_same_module():
    target = find_wsgi_target({"app.py": FACTORY + "\napp = create_app()\n"})

    assert str(target) == "app:app"


def test_first_module_in_the_given_order_wins():
    sources = {"wsgi.py": FACTORY, "app.py": MODULE_APP}

    assert str(find_wsgi_target(sources)) == "wsgi:create_app()"
    assert str(find_wsgi_target(dict(reversed(sources.items())))) == "app:app"


def test_modules_without_a_target_are_passed_over():
    sources = {"wsgi.py": "import os\n", "src/__init__.py": MODULE_APP}

    assert str(find_wsgi_target(sources)) == "src:app"


def test_syntax_errors_are_ignored():
    sources = {"app.py": "def broken(:\n    app = 1\n", "main.py": MODULE_APP}

    assert str(find_wsgi_target(sources)) == "main:app"


def test_null_bytes_are_ignored():
    assert find_wsgi_target({"app.py": "app = 1\0\n"}) is None


@pytest.mark.parametrize(
    "sources",
    [
        {},
        {"app.py": "x = 1\n"},
        {"app.py": "def main():\n    app = make()\n"},  # not at module level
        {"app.py": "class Server:\n    app = None\n"},
        {"app.py": "def broken(:\n"},
    ],
)
def test_no_target_gives_none(sources):
    assert find_wsgi_target(sources) is None


def test_candidate_paths_order():
    paths = candidate_paths(
        top_level=["run.py", "app.py", "README.md", "wsgi.py", "helpers.py"],
        packages=["zeta", "src", "alpha", "app"],
    )

    assert paths == [
        "wsgi.py",
        "app.py",
        "run.py",
        "app/__init__.py",
        "src/__init__.py",
        "alpha/__init__.py",
        "zeta/__init__.py",
        "helpers.py",  # any other top-level module, last
    ]


def cmd_of(dockerfile: str) -> list[str]:
    [line] = [line for line in dockerfile.splitlines() if line.startswith("CMD ")]
    return json.loads(line.removeprefix("CMD "))


def test_dockerfile_serves_the_target_with_gunicorn_on_the_port():
    target = WsgiTarget("notes", "create_app", is_factory=True)

    text = render_dockerfile(
        target,
        base_image="python:3.12-slim",
        port=5050,
        has_requirements=False,
        has_pyproject=False,
    )

    lines = text.splitlines()
    assert "FROM python:3.12-slim" in lines
    assert "EXPOSE 5050" in lines
    command = cmd_of(text)
    assert command[0] == "gunicorn"
    assert command[command.index("--bind") + 1] == "0.0.0.0:5050"
    assert command[-1] == "notes:create_app()"


def test_a_task_serves_by_two_processes_and_an_arbitrary_repository_by_one():
    target = WsgiTarget("app", "app", is_factory=False)
    render = functools.partial(
        render_dockerfile, target, base_image="python:3.11-slim", port=8000,
        has_requirements=True, has_pyproject=False,
    )  # fmt: skip

    task, repository = cmd_of(render()), cmd_of(render(one_process=True))

    assert task[task.index("--workers") + 1] == "2"
    assert "--threads" not in task
    assert repository[repository.index("--workers") + 1] == "1"
    assert repository[repository.index("--threads") + 1] == "4"


def test_requirements_are_installed_before_the_sources_are_copied():
    text = render_dockerfile(
        WsgiTarget("app", "app", is_factory=False),
        base_image="python:3.11-slim",
        port=8000,
        has_requirements=True,
        has_pyproject=True,
    )

    lines = text.splitlines()
    copy_requirements = lines.index("COPY requirements.txt ./")
    install = next(i for i, line in enumerate(lines) if line.startswith("RUN pip install -r"))
    copy_all = lines.index("COPY . .")
    assert lines.index("FROM python:3.11-slim") < copy_requirements < install < copy_all
    assert "gunicorn" in lines[install]
    assert lines.count("COPY . .") == 1
    assert cmd_of(text)[-1] == "app:app"


def test_pyproject_is_installed_after_the_sources_are_copied():
    text = render_dockerfile(
        WsgiTarget("app", "app", is_factory=False),
        base_image="python:3.11-slim",
        port=8000,
        has_requirements=False,
        has_pyproject=True,
    )

    lines = text.splitlines()
    assert "requirements.txt" not in text
    assert lines.index("COPY . .") < lines.index("RUN pip install . gunicorn")


def test_without_dependencies_flask_and_gunicorn_are_installed():
    text = render_dockerfile(
        WsgiTarget("app", "app", is_factory=False),
        base_image="python:3.11-slim",
        port=8000,
        has_requirements=False,
        has_pyproject=False,
    )

    lines = text.splitlines()
    assert lines.index("COPY . .") < lines.index("RUN pip install flask gunicorn")


def test_a_module_too_deep_to_parse_is_passed_over() -> None:
    deep = "x = " + "-" * 100_000 + "1\napp = None\n"
    sources = {"app.py": deep, "wsgi.py": "from app import create_app\napp = create_app()\n"}

    assert find_wsgi_target(sources) == WsgiTarget("wsgi", "app", is_factory=False)
