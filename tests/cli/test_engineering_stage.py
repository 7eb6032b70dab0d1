"""`grader.stages.engineering.stage.run_engineering`: the static half on a real folder and its git
history, with the candidate's tests replaced by what their run returned."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from grader.core.result import Outcome
from grader.core.task import EngineeringSpec
from grader.stages.engineering.grading import planned_tests
from grader.stages.engineering.own_tests import OwnTests, OwnTestsNotRun
from grader.stages.engineering.own_tests_run import OwnTestsRun
from grader.stages.engineering.stage import EngineeringPlan, run_engineering
from tests.unit.sample_projects import CLEAN

SPEC = EngineeringSpec.model_validate(
    {
        "measures": [
            {"measure": "own_tests", "criterion": "c"},
            {"measure": "commits", "criterion": "c", "full_at": 2, "zero_at": 0},
            {"measure": "delivery", "criterion": "c", "require": ["dockerfile"]},
        ]
    }
)
PLAN = EngineeringPlan(SPEC, planned_tests(SPEC))


def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    for path, text in CLEAN.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text)
    return folder


def commit_all(folder: Path, message: str) -> None:
    env = {
        "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "HOME": "/nonexistent",
        "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.invalid",
        "PATH": "/usr/bin:/bin",
    }  # fmt: skip
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", message]):
        subprocess.run(["git", *args], cwd=folder, env=env, check=True, capture_output=True)


def green() -> OwnTestsRun:
    return OwnTestsRun(OwnTests(4, 0, 0, 0, (), 90.0, ()), "4 passed", 1.0)


def test_history_is_read_from_the_repository_and_the_generated_dockerfile_skipped(
    tmp_path: Path,
) -> None:
    folder = project(tmp_path)
    (folder / "Dockerfile").unlink()
    commit_all(folder, "first")
    (folder / "NOTES.md").write_text("more\n")
    commit_all(folder, "second")
    (folder / ".grader.Dockerfile").write_text("FROM python:3.11-slim\n")

    ran = run_engineering(PLAN, folder, folder, green, skip=(".grader.Dockerfile",))

    outcomes = {t.id: t for t in ran.outcomes}
    assert outcomes["engineering::own_tests"].outcome is Outcome.PASSED
    assert outcomes["engineering::commits"].outcome is Outcome.PASSED
    assert outcomes["engineering::commits"].message.startswith("2 commits")
    assert outcomes["engineering::delivery"].credit == 0.0
    assert ran.fault is None
    report = json.loads(ran.report)
    assert report["git_history"]["commits"] == 2
    assert report["own_tests"]["passed"] == 4
    assert ran.tests_log == "4 passed"


def test_tests_the_grader_cannot_run_are_a_fault_of_the_grader(tmp_path: Path) -> None:
    def broken() -> OwnTestsRun:
        return OwnTestsRun(OwnTestsNotRun("pip could not install pytest", harness=True), "", 0.1)

    ran = run_engineering(PLAN, project(tmp_path), None, broken)

    assert ran.fault == "the candidate's tests could not be run: pip could not install pytest"
    outcomes = {t.id: t for t in ran.outcomes}
    assert outcomes["engineering::own_tests"].outcome is Outcome.NOT_RUN
    assert outcomes["engineering::commits"].outcome is Outcome.NOT_RUN


def test_the_tests_are_not_run_when_no_measure_needs_them(tmp_path: Path) -> None:
    spec = EngineeringSpec.model_validate({"measures": [{"measure": "lint", "criterion": "c"}]})

    def never() -> OwnTestsRun:
        raise AssertionError("the tests were run")

    ran = run_engineering(
        EngineeringPlan(spec, planned_tests(spec)), project(tmp_path), None, never
    )

    assert [t.outcome for t in ran.outcomes] == [Outcome.PASSED]
    assert ran.tests_log == ""


def test_mypy_reads_no_configuration_of_the_submission(tmp_path: Path) -> None:
    folder = tmp_path / "project"
    folder.mkdir()
    canary = tmp_path / "plugin-ran"
    (folder / "mypy.ini").write_text(f"[mypy]\nplugins = {folder / 'evil.py'}\n")
    (folder / "evil.py").write_text(
        f"open({str(canary)!r}, 'w').close()\n\n\ndef plugin(version):\n    raise SystemExit(3)\n"
    )
    (folder / "app.py").write_text("def f(x: int) -> str:\n    return x\n")
    spec = EngineeringSpec.model_validate({"measures": [{"measure": "mypy", "criterion": "c"}]})

    ran = run_engineering(EngineeringPlan(spec, planned_tests(spec)), folder, None, green)

    (outcome,) = ran.outcomes
    assert not canary.exists()
    assert outcome.message.startswith("1 mypy error in ")
    assert "app.py:2 return-value" in outcome.message
    assert json.loads(ran.report)["mypy"]["errors"] == 1


def test_a_submitted_git_configuration_runs_nothing_on_this_host(tmp_path: Path) -> None:
    """A folder that carries its own `.git` set up as a partial clone whose `uploadpack` is a
    command: reading its history must not run it (a real `git log` does, as root)."""
    folder = project(tmp_path)
    commit_all(folder, "first")
    marker = tmp_path / "ran-on-the-host"
    for loose in (folder / ".git" / "objects").glob("??/*"):
        loose.unlink()
    with (folder / ".git" / "config").open("a") as config:
        config.write(
            "[core]\n\trepositoryformatversion = 1\n[extensions]\n\tpartialclone = origin\n"
            f'[remote "origin"]\n\turl = file://{folder}\n\tpromisor = true\n'
            f"\tuploadpack = touch {marker}; git-upload-pack\n"
        )

    ran = run_engineering(PLAN, folder, folder, green)

    assert not marker.exists()
    commits = {t.id: t for t in ran.outcomes}["engineering::commits"]
    assert "history could not be read" in commits.message
    assert ran.fault is None
