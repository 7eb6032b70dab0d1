"""`build.choose_dockerfile`: the submission's own Dockerfile, or one generated into the tree."""

from __future__ import annotations

from pathlib import Path

from grader.core.task import RuntimeSpec
from grader.stages.build.image import GENERATED_DOCKERFILE, BuildFailure, choose_dockerfile

FACTORY = "from flask import Flask\n\ndef create_app():\n    return Flask(__name__)\n"


def test_a_dockerfile_of_its_own_is_used(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM python:3.11-slim\n")
    assert choose_dockerfile(tmp_path, RuntimeSpec()) == "Dockerfile"
    assert not (tmp_path / GENERATED_DOCKERFILE).exists()


def test_a_plain_flask_project_gets_one_generated(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(FACTORY)
    (tmp_path / "requirements.txt").write_text("flask\n")
    assert choose_dockerfile(tmp_path, RuntimeSpec(port=5000)) == GENERATED_DOCKERFILE
    text = (tmp_path / GENERATED_DOCKERFILE).read_text()
    assert '"0.0.0.0:5000"' in text
    assert '"app:create_app()"' in text


def test_no_app_found_is_a_build_failure_that_says_where_it_looked(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("print('no flask here')\n")
    failure = choose_dockerfile(tmp_path, RuntimeSpec())
    assert isinstance(failure, BuildFailure)
    assert "create_app()" in failure.reason
    assert "app.py" in failure.reason


def test_the_generated_file_is_never_written_through_a_planted_link(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "app.py").write_text(FACTORY)
    (tree / "victim.txt").write_text("untouched")
    (tree / GENERATED_DOCKERFILE).symlink_to("victim.txt")

    assert choose_dockerfile(tree, RuntimeSpec()) == GENERATED_DOCKERFILE

    assert (tree / "victim.txt").read_text() == "untouched"
    assert not (tree / GENERATED_DOCKERFILE).is_symlink()
