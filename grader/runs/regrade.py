"""`grader regrade RUN_DIR`: grade a run's submissions again, as they were, against the task
as it is now (for example a new version of its tests), and show what moved.

Each submission is regraded from the snapshot kept beside its result (exactly what was graded
then), or from its original source where a result has no snapshot. The new run is a sibling
folder `<run>-regrade-<time>`; the old one is left as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.core.errors import GraderError
from grader.core.events import Listener, ignore
from grader.core.result import Result
from grader.core.result_diff import ScoreChange, compare_results
from grader.core.task import Task
from grader.pipeline import GradingPlan, plan_grading, selectable_suite_ids
from grader.runs.batch import BatchGrader, BatchOutcome, grade_batch, new_run_id
from grader.runs.run_record import RESULT_FILE, read_result, read_run_record


@dataclass(frozen=True)
class Regrade:
    run_dir: Path
    changes: tuple[ScoreChange, ...]
    not_regraded: tuple[str, ...]  # submissions of the old run with no result to compare


def regrade(
    run_dir: Path,
    task: Task,
    jobs: int = 1,
    emit: Listener = ignore,
    client: Any = None,
    grade_many: BatchGrader | None = None,
) -> Regrade:
    """Regrade on this machine (`jobs` side by side), or with `grade_many` (on workers)."""
    record = read_run_record(run_dir)
    before: list[tuple[str, Result]] = []
    missing = []
    for submission in record.submissions:
        try:
            before.append((submission.source, read_result(run_dir / submission.id / RESULT_FILE)))
        except (OSError, ValueError):
            missing.append(submission.id)
    if not before:
        raise GraderError(f"{run_dir} has no result to regrade")
    suites = record.selected(tuple(s.id for s in task.spec.suites), selectable_suite_ids(task))
    sources = [_graded_source(run_dir, source, result) for source, result in before]
    if grade_many is None:

        def grade_many(
            sources: list[str], plan: GradingPlan, results_dir: Path, run_id: str, emit: Listener
        ) -> BatchOutcome:
            return grade_batch(
                sources, plan, results_dir, jobs=jobs, run_id=run_id, emit=emit, client=client
            )

    outcome = grade_many(
        sources,
        plan_grading(task, suites),
        run_dir.parent,
        f"{record.run_id}-regrade-{new_run_id()}",
        emit,
    )
    changes = tuple(
        compare_results(old, new) for (_, old), new in zip(before, outcome.results, strict=True)
    )
    return Regrade(outcome.run_dir, changes, tuple(missing))


def _graded_source(run_dir: Path, source: str, result: Result) -> str:
    snapshot = result.submission.snapshot
    if snapshot and (run_dir / result.submission.id / snapshot).is_file():
        return str(run_dir / result.submission.id / snapshot)
    return source
