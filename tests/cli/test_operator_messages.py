"""An operator's mistakes: said at once, with exit 2 and a message that names the mistake.

No Docker is needed: each of these is refused before any engine is asked or any run folder
made (a Docker-free machine would otherwise answer with "no Docker engine").
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from grader.core.errors import TaskError
from grader.core.task import parse_task_spec
from grader.version import VERSION
from tests.conftest import REPO

NO_ENGINE = {"DOCKER_HOST": "unix:///nonexistent/docker.sock"}


def grader(*arguments: str, cwd: Path = REPO, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "grader", *arguments], capture_output=True, text=True,
        timeout=120, cwd=cwd, env={**os.environ, **NO_ENGINE, **env},
    )  # fmt: skip


def assert_said(done: subprocess.CompletedProcess[str], *phrases: str, code: int = 2) -> None:
    assert done.returncode == code, done.stdout + done.stderr
    for phrase in phrases:
        assert phrase in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_a_path_that_does_not_exist_is_refused_before_grading(tmp_path: Path) -> None:
    done = grader("grade", "/nonexistent/path", str(tmp_path), "--task", "notes-api",
                  "--out", str(tmp_path / "results"))  # fmt: skip

    assert_said(done, "nothing was graded", "/nonexistent/path: no such folder or archive")
    assert not (tmp_path / "results").exists()


def test_a_file_that_is_no_archive_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")

    done = grader("grade", str(tmp_path / "notes.txt"), "--task", "notes-api")

    assert_said(done, "neither a folder nor a .zip")


def git(*arguments: str, cwd: Path) -> None:
    subprocess.run(["git", *arguments], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, "GIT_CONFIG_GLOBAL": "/dev/null"})  # fmt: skip


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "app.py").write_text("print('hello')\n")
    git("init", "-q", "-b", "main", cwd=repo)
    git("add", ".", cwd=repo)
    git("-c", "user.name=a", "-c", "user.email=a@b", "commit", "-qm", "one", cwd=repo)
    return repo


def test_a_git_ref_the_repository_does_not_have_is_refused(repository: Path) -> None:
    done = grader("grade", f"file://{repository}#mian", "--task", "notes-api")

    assert_said(done, "the repository has no branch or tag 'mian'")


def test_a_git_ref_that_is_no_plain_name_is_refused(repository: Path) -> None:
    done = grader("grade", f"file://{repository}#main..evil", "--task", "notes-api")

    assert_said(done, "is not a plain branch, tag or commit name")


def test_a_task_name_typo_suggests_the_task(tmp_path: Path) -> None:
    done = grader("grade", str(tmp_path), "--task", "notes-ap")

    assert_said(done, "no task 'notes-ap'; did you mean 'notes-api'?")


def test_a_task_file_problem_speaks_without_pydantic_prefixes(tmp_path: Path) -> None:
    text = (REPO / "tasks" / "notes-api" / "task.toml").read_text()
    with pytest.raises(TaskError) as raised:
        parse_task_spec(text.replace("weight = 40", "weight = 45", 1), "task.toml")

    assert "Value error" not in raised.value.message
    assert "category weights sum to 105" in raised.value.message


def test_tasks_list_shows_the_problem_itself(tmp_path: Path) -> None:
    tasks = tmp_path / "tasks"
    (tasks / "broken").mkdir(parents=True)
    (tasks / "broken" / "task.toml").write_text('id = "broken"\nversion = "1"\nflavour = 1\n')

    done = grader("tasks", "list", "--tasks-dir", str(tasks))

    assert done.returncode == 0, done.stderr
    assert "broken\tINVALID\t" in done.stdout
    assert "flavour: unknown key" in done.stdout


def test_resuming_a_run_that_does_not_exist_names_it(tmp_path: Path) -> None:
    done = grader("grade", "--task", "notes-api", "--resume", "--run-id", "nope",
                  "--out", str(tmp_path))  # fmt: skip

    assert_said(done, f"no run 'nope' to resume in {tmp_path}")
    assert "Errno" not in done.stderr


def test_a_run_id_is_named_as_its_folder_is(tmp_path: Path) -> None:
    done = grader("grade", "--task", "notes-api", "--resume", "--run-id", "Mixed-Case",
                  "--out", str(tmp_path))  # fmt: skip

    assert_said(done, f"no run 'mixed-case' to resume in {tmp_path}")


def test_check_url_without_a_scheme_shows_how_to_write_it() -> None:
    done = grader("check", "--task", "notes-api", "--url", "localhost:9")

    assert_said(done, "--url localhost:9: write the whole address", "http://localhost:9")


def test_check_url_where_nothing_listens_blames_that_address() -> None:
    done = grader("check", "--task", "notes-api", "--url", "http://127.0.0.1:9")

    assert done.returncode == 3, done.stdout + done.stderr
    assert "no connection was accepted at 127.0.0.1:9" in done.stdout
    assert "8000" not in done.stdout


def test_short_help_everywhere() -> None:
    for command in ([], ["grade"], ["tasks"], ["tasks", "list"], ["report"], ["clean"]):
        done = grader(*command, "-h")
        assert done.returncode == 0, (command, done.stderr)
        assert done.stdout.startswith("Usage: "), command


def test_version_answers_without_loading_the_cli() -> None:
    code = (
        "import sys; sys.argv = ['grader', '--version']\n"
        "from grader.cli.launch import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted({'click', 'rich', 'docker', 'httpx', 'pydantic'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [f"grader, version {VERSION}", "[]"]
