"""Finding and loading tasks from disk: `tasks/<id>/task.toml` and `reference_tests/<id>/`."""

from __future__ import annotations

import difflib
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from grader.core.errors import TaskError, UnknownTask
from grader.core.task import Task, parse_task_spec
from grader.stages.intake.tree_hash import hash_tree

TASK_FILE = "task.toml"
# what graders author about a task but grading never reads: its calibration solutions, its
# flaw corpus and its audit files (equivalent mutants); editing them changes no result
NOT_PART_OF_TASK_HASH = frozenset({"solutions", "corpus", "audit", "__pycache__", ".pytest_cache"})


@dataclass(frozen=True)
class TaskLocation:
    """Where tasks and their reference tests live (siblings in this repository's layout)."""

    tasks_dir: Path
    tests_dir: Path

    @classmethod
    def find(cls, tasks_dir: Path | None = None) -> TaskLocation:
        """`tasks_dir`, else $GRADER_TASKS_DIR, else ./tasks, else the tasks beside the package."""
        if tasks_dir is None:
            env = os.environ.get("GRADER_TASKS_DIR")
            candidates = [Path(env)] if env else [Path("tasks"), _repo_root() / "tasks"]
            tasks_dir = next((p for p in candidates if p.is_dir()), candidates[0])
        tasks_dir = tasks_dir.resolve()
        return cls(tasks_dir=tasks_dir, tests_dir=tasks_dir.parent / "reference_tests")


def _repo_root() -> Path:
    return Path(__file__).resolve().parents[2]  # grader/runs/task_files.py -> the checkout


def load_task(reference: str, location: TaskLocation) -> Task:
    """A task by id (a folder under the tasks dir) or by the path of its folder."""
    as_path = Path(reference)
    folder = as_path if (as_path / TASK_FILE).is_file() else location.tasks_dir / reference
    toml_path = folder / TASK_FILE
    if not toml_path.is_file():
        raise UnknownTask(unknown_task_message(reference, toml_path, list_task_ids(location)))
    try:
        text = toml_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise TaskError(f"{toml_path}: cannot be read: {error}") from None
    spec = parse_task_spec(text, str(toml_path))
    if spec.id != folder.name:
        raise TaskError(f"{toml_path}: id {spec.id!r} does not match its folder {folder.name!r}")
    tests_root = folder.parent.parent / "reference_tests" / spec.id
    if not tests_root.is_dir():
        tests_root = location.tests_dir / spec.id
    for suite in spec.suites:
        if not (tests_root / suite.path).is_dir():
            raise TaskError(
                f"{toml_path}: suite {suite.id!r}: folder {tests_root / suite.path} does not exist"
            )
    digest = hash_tree(folder, NOT_PART_OF_TASK_HASH) + hash_tree(tests_root, NOT_PART_OF_TASK_HASH)
    sha256 = hashlib.sha256(digest.encode()).hexdigest()
    return Task(spec=spec, root=folder.resolve(), tests_root=tests_root.resolve(), sha256=sha256)


def list_task_ids(location: TaskLocation) -> list[str]:
    if not location.tasks_dir.is_dir():
        return []
    return sorted(p.name for p in location.tasks_dir.iterdir() if (p / TASK_FILE).is_file())


def unknown_task_message(reference: str, toml_path: Path, known: list[str]) -> str:
    """No such task, with the closest known ids (as click suggests commands) and all of them."""
    close = difflib.get_close_matches(reference, known, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    listed = ", ".join(known) or "none"
    return f"no task {reference!r}{hint} ({toml_path} does not exist; tasks: {listed})"
