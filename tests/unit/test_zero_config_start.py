"""Zero-config start of any repository (`grade --spec`): the app found in autoapp.py, manage.py
or any top-level module, requirements read through -r includes or from Pipfile.lock or a
package file, a Dockerfile.* when there is no Dockerfile, and ready at any answer when no
health path is known."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from grader.core.task import RuntimeSpec
from grader.sandbox.container import ContainerState
from grader.stages.build.dockerfile_policy import policy_problems
from grader.stages.build.flask_dockerfile import (
    PIPFILE_REQUIREMENTS,
    includes_others,
    pipfile_lock_requirements,
    requirements_file,
)
from grader.stages.build.image import GENERATED_DOCKERFILE, choose_dockerfile, generate_dockerfile
from grader.stages.probe.probe import NotReady, Ready, probe_until_ready
from tests.conftest import REPO

REPOSITORY = REPO / "tests" / "scenarios" / "spec_repository"
ANY = RuntimeSpec(any_repository=True)


def generated(tree: Path) -> str:
    return (tree / GENERATED_DOCKERFILE).read_text(encoding="utf-8")


def test_requirements_files_are_ranked_production_first() -> None:
    assert requirements_file(["requirements.txt", "requirements/prod.txt"]) == "requirements.txt"
    assert requirements_file(["requirements/dev.txt", "requirements/prod.txt"]) == (
        "requirements/prod.txt"
    )
    assert requirements_file(["requirements-dev.txt", "requirements-base.txt"]) == (
        "requirements-base.txt"
    )
    assert requirements_file(["setup.py"]) is None


def test_a_requirements_file_that_reads_others_is_told_apart() -> None:
    assert includes_others("-r requirements/prod.txt\n")
    assert includes_others("flask\n--requirement=base.txt\n")
    assert includes_others("-e .\n")
    assert not includes_others("flask==3.0  # -r in a comment\nrequests\n")


def test_a_pipfile_lock_gives_its_pinned_default_packages() -> None:
    lock = {
        "default": {
            "flask": {"version": "==3.0.0"},
            "gunicorn": {"version": "==21.2.0"},
            "mine": {"git": "https://example.invalid/x.git"},
            "bad name;rm": {"version": "==1"},
        },
        "develop": {"pytest": {"version": "==8.0"}},
    }
    assert pipfile_lock_requirements(json.dumps(lock)) == "flask==3.0.0\ngunicorn==21.2.0\n"
    assert pipfile_lock_requirements("not json") is None


def test_autoapp_with_requirements_that_include_others(tmp_path: Path) -> None:
    tree = tmp_path / "repo"
    shutil.copytree(REPOSITORY, tree)
    (tree / "Dockerfile").unlink()
    assert choose_dockerfile(tree, ANY) == GENERATED_DOCKERFILE
    text = generated(tree)
    assert '"autoapp:app"' in text
    lines = text.splitlines()
    assert lines.index("COPY . .") < lines.index('RUN pip install -r "requirements.txt" gunicorn')


def test_manage_py_and_any_other_module_are_looked_in(tmp_path: Path) -> None:
    (tmp_path / "manage.py").write_text("from flask import Flask\napp = Flask('x')\n")
    assert generate_dockerfile(tmp_path, ANY) == GENERATED_DOCKERFILE
    assert '"manage:app"' in generated(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes_api.py").write_text("def create_app():\n    pass\n")
    assert generate_dockerfile(other, ANY) == GENERATED_DOCKERFILE
    assert '"notes_api:create_app()"' in generated(other)


def test_pipfile_lock_and_package_files_are_installed(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("from flask import Flask\napp = Flask('x')\n")
    (tmp_path / "Pipfile.lock").write_text(
        json.dumps({"default": {"flask": {"version": "==3.0.0"}}})
    )
    assert generate_dockerfile(tmp_path, ANY) == GENERATED_DOCKERFILE
    assert (tmp_path / PIPFILE_REQUIREMENTS).read_text() == "flask==3.0.0\n"
    assert f'RUN pip install -r "{PIPFILE_REQUIREMENTS}" gunicorn' in generated(tmp_path)
    (tmp_path / "setup.cfg").write_text("[metadata]\nname = x\n")
    assert generate_dockerfile(tmp_path, ANY) == GENERATED_DOCKERFILE
    assert "RUN pip install . gunicorn" in generated(tmp_path)


def test_a_dockerfile_variant_is_used_only_for_any_repository(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("from flask import Flask\napp = Flask('x')\n")
    (tmp_path / "Dockerfile.dev").write_text("FROM python:3.11-slim\n")
    (tmp_path / "Dockerfile.backend").write_text("FROM python:3.11-slim\n")
    assert choose_dockerfile(tmp_path, ANY) == "Dockerfile.backend"
    assert choose_dockerfile(tmp_path, RuntimeSpec()) == GENERATED_DOCKERFILE


def test_the_scenario_dockerfile_is_one_the_policy_refuses() -> None:
    text = (REPOSITORY / "Dockerfile").read_text(encoding="utf-8")
    assert policy_problems(text, RuntimeSpec().base_images)


@contextmanager
def answering(status: int) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


def running() -> ContainerState:
    return ContainerState(running=True, exit_code=None, oom_killed=False)


def test_with_no_known_health_path_any_answer_below_500_is_ready() -> None:
    with answering(404) as url:
        assert isinstance(probe_until_ready(url, "/", 2, 8000, running, any_answer=True), Ready)
        assert isinstance(probe_until_ready(url, "/", 1, 8000, running), NotReady)
    with answering(503) as url:
        assert isinstance(probe_until_ready(url, "/", 1, 8000, running, any_answer=True), NotReady)


def test_a_connexion_3_app_is_served_by_uvicorn(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "import connexion\napp = connexion.FlaskApp(__name__)\napp.add_api('spec.yaml')\n"
    )
    (tmp_path / "requirements.txt").write_text("connexion[flask,uvicorn]==3.3.0\n")
    assert generate_dockerfile(tmp_path, ANY) == GENERATED_DOCKERFILE
    text = generated(tmp_path)
    assert "RUN pip install -r requirements.txt uvicorn" in text
    assert '"uvicorn", "--host", "0.0.0.0", "--port", "8000", "app:app"' in text
    (tmp_path / "requirements.txt").write_text("connexion==2.14.2\n")  # connexion 2: WSGI
    assert generate_dockerfile(tmp_path, ANY) == GENERATED_DOCKERFILE
    assert '"gunicorn"' in generated(tmp_path)
