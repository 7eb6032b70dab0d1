"""Grading a task's own solutions and judging them against its calibration table."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.core.calibration import (
    CalibrationSpec,
    VariantVerdict,
    folder_problems,
    judge,
    parse_calibration,
)
from grader.core.events import Listener, ignore
from grader.core.result import Result
from grader.core.task import Task
from grader.pipeline import plan_grading
from grader.runs.batch import grade_batch, new_run_id

CALIBRATION_FILE = "calibration.toml"


@dataclass(frozen=True)
class Calibration:
    verdicts: tuple[VariantVerdict, ...]
    problems: tuple[str, ...]  # about the table and the folders, before any grading
    results: dict[str, Result]
    run_dir: Path

    @property
    def ok(self) -> bool:
        return not self.problems and all(verdict.ok for verdict in self.verdicts)


def load_calibration(task: Task) -> CalibrationSpec | None:
    path = task.root / CALIBRATION_FILE
    if not path.is_file():
        return None
    return parse_calibration(path.read_text(encoding="utf-8"), str(path), task.spec)


def calibrate(
    task: Task,
    spec: CalibrationSpec,
    results_dir: Path,
    jobs: int = 1,
    emit: Listener = ignore,
    client: Any = None,
) -> Calibration:
    solutions = task.root / "solutions"
    folders = (
        sorted(p.name for p in solutions.iterdir() if p.is_dir()) if solutions.is_dir() else []
    )
    named = [folder for folder in folders if folder in {v.name for v in spec.variant}]
    outcome = grade_batch(
        [str(solutions / folder) for folder in named],
        plan_grading(task),
        results_dir,
        jobs=jobs,
        run_id=f"calibrate-{task.id}-{new_run_id()}",
        emit=emit,
        client=client,
    )
    results = dict(zip(named, outcome.results, strict=True))
    return Calibration(
        verdicts=tuple(judge(spec, results)),
        problems=tuple(folder_problems(spec, folders)),
        results=results,
        run_dir=outcome.run_dir,
    )
