"""Grading many submissions of one task: one run folder, side by side, interruptible.

A submission's failure never stops the others. On Ctrl-C (or SIGTERM) every container of the
run is removed at once, running gradings stop without writing a result, and the interrupt is
raised again once everything labelled with the run is gone.
"""

from __future__ import annotations

import secrets
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from grader.engine import connect, remove_labelled, require_image
from grader.events import Listener, ignore
from grader.intake import submission_name
from grader.naming import safe_name, unique_names
from grader.pipeline import (
    GradeSettings,
    GradingPlan,
    Submission,
    grade_submission,
)
from grader.result import Result
from grader.results_store import write_json_atomically


@dataclass(frozen=True)
class BatchOutcome:
    run_id: str
    run_dir: Path
    results: tuple[Result, ...]


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(2)


def name_submissions(sources: list[str]) -> list[Submission]:
    ids = unique_names([submission_name(source) for source in sources])
    return [Submission(id=i, source=source) for i, source in zip(ids, sources, strict=True)]


def grade_batch(
    sources: list[str],
    plan: GradingPlan,
    results_dir: Path,
    jobs: int = 1,
    run_id: str | None = None,
    emit: Listener = ignore,
    keep_images: bool = False,
    client: Any = None,
) -> BatchOutcome:
    run_id = safe_name(run_id, fallback="run") if run_id else new_run_id()
    run_dir = results_dir / run_id
    client = client or connect()
    for image in plan.task.spec.runtime.base_images[:1]:
        require_image(client, image)
    submissions = name_submissions(sources)
    settings = GradeSettings(run_id=run_id, run_dir=run_dir)
    write_json_atomically(run_dir / "run.json", _run_record(run_id, plan, submissions))
    cancel = threading.Event()
    results: dict[str, Result] = {}
    with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="grade") as pool:
        futures: dict[str, Future[Result]] = {
            s.id: pool.submit(grade_submission, s, plan, settings, client, emit, cancel)
            for s in submissions
        }
        try:
            for submission_id, future in futures.items():
                results[submission_id] = future.result()
        except BaseException:
            cancel.set()
            remove_labelled(client, run_id)  # stops running apps now, so workers end quickly
            pool.shutdown(wait=True, cancel_futures=True)
            remove_labelled(client, run_id)  # and whatever they made while stopping
            raise
    if not keep_images:
        remove_labelled(client, run_id)  # the images, now that no build of the run is going on
    return BatchOutcome(run_id, run_dir, tuple(results[s.id] for s in submissions))


def _run_record(run_id: str, plan: GradingPlan, submissions: list[Submission]) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "task": {"id": plan.task.id, "version": plan.task.spec.version, "sha256": plan.task.sha256},
        "suites": [suite.id for suite in plan.suites],
        "submissions": [{"id": s.id, "source": s.source} for s in submissions],
    }
