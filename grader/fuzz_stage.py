"""The fuzz stage of a grading: the task's recorded cases replayed against the running app.

IO around the pure `fuzz_verdict`: reads the task's OpenAPI document and case file (refusing
cases recorded from another version of the document), replays them, and keeps a log of every
case and every distinct failure beside the result.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from grader.errors import TaskError
from grader.fuzz_cases import CaseFile, load_cases, spec_digest
from grader.fuzz_replay import replay
from grader.fuzz_verdict import distinct_failures, fuzz_outcomes, plan_fuzz, summary
from grader.result import TestOutcome
from grader.task import FuzzSpec, Task

SUITE_ID = "fuzz"


@dataclass(frozen=True)
class FuzzPlan:
    spec: FuzzSpec
    spec_path: Path
    cases: CaseFile
    planned: tuple[TestOutcome, ...]


@dataclass(frozen=True)
class FuzzRun:
    outcomes: tuple[TestOutcome, ...]
    log: str
    summary: str
    stopped: str
    duration_s: float


def load_fuzz_plan(task: Task) -> FuzzPlan | None:
    fuzz = task.spec.fuzz
    if fuzz is None:
        return None
    spec_path, cases_path = task.root / fuzz.spec, task.root / fuzz.cases
    try:
        spec_text = spec_path.read_bytes()
        cases_text = cases_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise TaskError(
            f"task {task.id}: fuzz: {error}; record the cases with "
            f"`grader tasks record-fuzz {task.id}`"
        ) from None
    cases = load_cases(cases_text, str(cases_path))
    if cases.spec_sha256 != spec_digest(spec_text):
        raise TaskError(
            f"{cases_path}: recorded from another version of {fuzz.spec}; record them again "
            f"with `grader tasks record-fuzz {task.id}`"
        )
    return FuzzPlan(fuzz, spec_path, cases, plan_fuzz(cases, fuzz))


def run_fuzz(plan: FuzzPlan, base_url: str, port: int, app_alive: Callable[[], bool]) -> FuzzRun:
    replayed = replay(plan.spec_path, plan.cases, plan.spec, base_url, app_alive)
    failures = distinct_failures(replayed.runs, port)
    outcomes = fuzz_outcomes(
        plan.planned, replayed.runs, failures, replayed.token_problem, replayed.secured
    )
    line = summary(failures, replayed.runs)
    if replayed.token_problem:
        line += f"; {replayed.token_problem}"
    log = {
        "summary": line,
        "stopped": replayed.stopped,
        "duration_s": replayed.duration_s,
        "failures": [asdict(failure) for failure in failures],
        "cases": [
            {
                "id": run.case_id,
                "operation": run.operation,
                "sent": f"{run.method} {run.url}",
                "status": run.status,
                "findings": [finding.check for finding in run.findings],
                **({"skipped": run.skipped} if run.skipped else {}),
            }
            for run in replayed.runs
        ],
    }
    return FuzzRun(
        outcomes,
        json.dumps(log, indent=1, ensure_ascii=False) + "\n",
        line,
        replayed.stopped,
        replayed.duration_s,
    )
