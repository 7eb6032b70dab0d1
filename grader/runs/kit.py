"""The candidate kit: what a team sends a candidate, with nothing hidden in it.

`grader tasks export-kit TASK OUT` writes a folder and a zip of it: the brief, the OpenAPI
document, the public reference tests with their conftest, a public-only task file, the check
configuration `.grader.toml`, a wheel of the grader itself (`grader-kit/wheels/`), a GitLab
CI job (`grader-kit/ci/gitlab-ci.yml`) and a starter README with the exact command that
installs the wheel. Hidden suites and solutions never go
in: only what is listed here is copied, nothing is filtered out of a bigger copy (the wheel
holds the `grader` package only: no task, no reference test).
"""

from __future__ import annotations

import shutil
import zipfile
from importlib import resources
from pathlib import Path

import tomli_w

from grader.core.errors import GraderError
from grader.core.task import Task
from grader.runs.check import CHECK_CONFIG, public_plan
from grader.runs.kit_wheel import grader_wheel, install_command
from grader.stages.ordered import stages_of

KIT_FOLDER = "grader-kit"
CANDIDATE_FILES = ("BRIEF.md", "openapi.yaml", "openapi.json")
GITLAB_CI = "gitlab-ci.yml"  # the GitLab CI job, kept beside this module
SHARED_TEST_FILES = ("conftest.py",)


def export_kit(task: Task, out: Path, wheel: Path | None = None) -> Path:
    """Write the kit into `out` (which must not exist) and `out`.zip; returns the zip's path.

    `wheel`: a wheel of the grader built before, else one is built from this checkout."""
    if out.exists():
        raise GraderError(f"{out} already exists; choose a new folder for the kit")
    public = tuple(suite for suite in task.spec.suites if suite.visibility == "public")
    hidden_checks = public_plan(task, hidden_checks=None).hidden_checks

    out.mkdir(parents=True)
    for name in CANDIDATE_FILES:
        if (task.root / name).is_file():
            shutil.copy2(task.root / name, out / name)
    task_folder = out / KIT_FOLDER / "tasks" / task.id
    tests_folder = out / KIT_FOLDER / "reference_tests" / task.id
    task_folder.mkdir(parents=True)
    tests_folder.mkdir(parents=True)
    hidden_stages = {s.task_section: None for s in stages_of(task) if not s.is_public(task)}
    public_spec = task.spec.model_copy(update={"suites": public, **hidden_stages})
    data = public_spec.model_dump(mode="json", exclude_none=True, by_alias=True)
    for stage in stages_of(task):  # a public stage runs in the self-check too
        for name in stage.kit_files(task) if stage.is_public(task) else ():
            (task_folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(task.root / name, task_folder / name)
    (task_folder / "task.toml").write_text(tomli_w.dumps(data), encoding="utf-8")
    for name in SHARED_TEST_FILES:
        if (task.tests_root / name).is_file():
            shutil.copy2(task.tests_root / name, tests_folder / name)
    for suite in public:
        shutil.copytree(
            task.suite_dir(suite),
            tests_folder / suite.path,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache"),
        )
    config = {"task": f"{KIT_FOLDER}/tasks/{task.id}", "hidden_checks": hidden_checks}
    (out / CHECK_CONFIG).write_text(tomli_w.dumps(config), encoding="utf-8")
    (out / KIT_FOLDER / "ci").mkdir()
    job = resources.files("grader.runs").joinpath(GITLAB_CI).read_text(encoding="utf-8")
    (out / KIT_FOLDER / "ci" / GITLAB_CI).write_text(job, encoding="utf-8")
    built = grader_wheel(out / KIT_FOLDER / "wheels", wheel)
    readme = _starter_readme(task, hidden_checks, install_command(built.relative_to(out)))
    (out / "README.md").write_text(readme, encoding="utf-8")
    return _zip(out)


def _zip(folder: Path) -> Path:
    archive = folder.with_name(folder.name + ".zip")
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                bundle.write(path, Path(folder.name) / path.relative_to(folder))
    return archive


def _starter_readme(task: Task, hidden_checks: int, install: str) -> str:
    spec = task.spec
    port = spec.runtime.port
    return f"""# {spec.title}

Read BRIEF.md first: it says what to build and how it is evaluated.

## Checking your work

The public checks run the same way the grader runs them. Install the grader from the wheel
in this kit (Python 3.11 or newer; its dependencies come from PyPI), from this folder:

    {install}

(not `pip install grader`: that name on PyPI is another project). Then either:

    grader check --url http://127.0.0.1:{port}    # against your running dev server
    grader check .                                # builds and runs your repo in Docker

or run the public tests directly with pytest:

    pytest {KIT_FOLDER}/reference_tests/{spec.id} --base-url http://127.0.0.1:{port}

{hidden_checks} more checks run when you submit. Keep `{CHECK_CONFIG}` and `{KIT_FOLDER}/`
at the root of your repository.

To run the checks on every push in GitLab CI, copy `{KIT_FOLDER}/ci/gitlab-ci.yml` to
`.gitlab-ci.yml` (it needs a runner that allows the `docker:dind` service).
"""
