"""The fuzz stage of a grading: the task's recorded cases replayed against the running app.

IO around the pure `fuzz.verdict`: reads the task's OpenAPI document and case file (refusing
cases recorded from another version of the document), replays them, and keeps a log of every
case and every distinct failure beside the result.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import httpx

from grader.bounded_client import BoundedClient, within
from grader.core.errors import TaskError
from grader.core.result import Outcome, TestOutcome
from grader.core.task import FuzzSpec, Task
from grader.stages import AppUnderTest, StageResult
from grader.stages.fuzz.cases import CaseFile, load_cases, spec_digest
from grader.stages.fuzz.coverage import inconclusive_reason, measure_coverage
from grader.stages.fuzz.record import record
from grader.stages.fuzz.replay import Replay, replay
from grader.stages.fuzz.verdict import KINDS, distinct_failures, fuzz_outcomes, plan_fuzz, summary
from grader.stages.fuzz.verdict import test_id as fuzz_test_id

SUITE_ID = "fuzz"
SERVED_SPEC_LIMIT = 5 * 1024 * 1024
NOT_TESTED_SHOWN = 5  # parts the cases could not cover, named in the stage's summary


@dataclass(frozen=True)
class FuzzPlan:
    """The task's recorded cases; or, when the app serves its own document (`served_at`),
    nothing yet: the cases are generated from what each submission serves."""

    spec: FuzzSpec
    spec_path: Path | None
    cases: CaseFile | None
    planned: tuple[TestOutcome, ...]
    generation_s: float | None = None  # how long generating the cases took, when known


@dataclass(frozen=True)
class FuzzRun:
    outcomes: tuple[TestOutcome, ...]
    log: str
    summary: str
    stopped: str
    inconclusive: str = ""  # why too little was reached to trust a score; '' when enough
    files: dict[str, bytes] = field(default_factory=dict)  # bodies the curl lines read


def load_fuzz_plan(task: Task) -> FuzzPlan | None:
    fuzz = task.spec.fuzz
    if fuzz is None:
        return None
    if fuzz.served_at is not None:
        return FuzzPlan(fuzz, None, None, ())
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
    return FuzzPlan(fuzz, spec_path, cases, plan_fuzz(cases, fuzz), _generation_s(cases_path))


def _generation_s(cases_path: Path) -> float | None:
    """The time the cases took to generate, where the recorder left it (`grade --spec`)."""
    try:
        return float(cases_path.with_suffix(".seconds").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def run_fuzz(
    plan: FuzzPlan,
    base_url: str,
    port: int,
    app_alive: Callable[[], bool],
    workdir: Path,
    *,
    budget_s: float | None = None,
    health_path: str = "",
) -> FuzzRun:
    """Replay the cases, for at most the stage's budget or `budget_s` (what is left of the
    submission's), whichever is less; `health_path` is asked when the app falls silent."""
    if plan.cases is None or plan.spec_path is None:
        bounded = within(budget_s) if budget_s is not None else contextlib.nullcontext()
        with bounded:
            fetched = _fetch_served_spec(plan.spec, base_url, workdir)
        if isinstance(fetched, str):
            return FuzzRun((), json.dumps({"stopped": fetched}) + "\n", fetched, fetched)
        plan = fetched
    assert plan.cases is not None
    assert plan.spec_path is not None
    replayed = replay(
        plan.spec_path,
        plan.cases,
        plan.spec,
        base_url,
        app_alive,
        budget_s=budget_s,
        health_path=health_path,
    )
    failures = distinct_failures(replayed.runs, port)
    coverage = measure_coverage(
        plan.cases.operations(), replayed.runs, replayed.secured, replayed.has_token
    )
    outcomes = _with_stop_reason(
        fuzz_outcomes(
            plan.planned,
            replayed.runs,
            failures,
            replayed.token_problem,
            replayed.secured,
            coverage.locked,
        ),
        plan.cases,
        replayed,
    )
    line = summary(failures, replayed.runs)
    if replayed.base_path:
        line += f"; base path {replayed.base_path}"
    if replayed.token_problem:
        line += f"; {replayed.token_problem}"
    if replayed.login:
        line += f"; {replayed.login}"
    line += f"; {coverage.describe()}"
    if plan.cases.not_tested:
        listed = "; ".join(f"{op}: {why}" for op, why in plan.cases.not_tested[:NOT_TESTED_SHOWN])
        more = len(plan.cases.not_tested) - NOT_TESTED_SHOWN
        line += f"; not tested: {listed}" + (
            f"; and {more} more in the fuzz log" if more > 0 else ""
        )
    if plan.generation_s is not None:
        line += f"; cases generated in {plan.generation_s:.1f} s"
    inconclusive = ""
    if plan.spec.inconclusive_when_unexplored:
        inconclusive = inconclusive_reason(
            coverage,
            bugs_found=any(f.kind == "bug" for f in failures),
            base_path=replayed.base_path,
            has_token=replayed.has_token,
            statuses={
                run.status
                for run in replayed.runs
                if run.operation in coverage.refused and not run.skipped
            },
        )
    log = {
        "summary": line,
        "stopped": replayed.stopped,
        "base_path": replayed.base_path,
        "not_tested": [list(item) for item in plan.cases.not_tested],
        "generation_s": plan.generation_s,
        "coverage": {
            "operations": len(coverage.operations),
            "reached_2xx": sorted(coverage.reached),
            "only_401_403_404": sorted(coverage.refused),
            "not_explored_without_login": sorted(coverage.locked),
        },
        "inconclusive": inconclusive,
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
    bodies = {run.case_id: run.body for run in replayed.runs if run.body is not None}
    files = {
        failure.body_file: bodies[failure.case_id]
        for failure in failures
        if failure.body_file and failure.case_id in bodies
    }
    return FuzzRun(
        outcomes,
        json.dumps(log, indent=1, ensure_ascii=False) + "\n",
        line,
        replayed.stopped,
        inconclusive,
        files,
    )


def _with_stop_reason(
    outcomes: tuple[TestOutcome, ...], cases: CaseFile, replayed: Replay
) -> tuple[TestOutcome, ...]:
    """The tests of operations the replay never reached, told why it stopped."""
    if not replayed.stopped:
        return outcomes
    sent = {run.operation for run in replayed.runs if not run.skipped}
    locked_out = replayed.secured if replayed.token_problem else frozenset()
    unreached = {
        fuzz_test_id(kind, operation)
        for operation in cases.operations()
        if operation not in sent and operation not in locked_out
        for kind, _ in KINDS
    }
    return tuple(
        replace(test, message=f"not reached: {replayed.stopped}")
        if test.id in unreached and test.outcome is Outcome.NOT_RUN
        else test
        for test in outcomes
    )


def _fetch_served_spec(fuzz: FuzzSpec, base_url: str, workdir: Path) -> FuzzPlan | str:
    """The document the app serves at `served_at`, with cases generated from it; or why not."""
    assert fuzz.served_at is not None
    client = BoundedClient(max_bytes=SERVED_SPEC_LIMIT, total_s=30, timeout=httpx.Timeout(10))
    try:
        with client:
            response = client.get(base_url.rstrip("/") + fuzz.served_at)
    except httpx.HTTPError as error:
        return f"the app's document at {fuzz.served_at} could not be read: {error}"
    if response.status_code != 200:
        return f"the app answered {response.status_code} for its document at {fuzz.served_at}"
    spec_path = workdir / "served-openapi.yaml"  # YAML reads JSON too
    spec_path.write_bytes(response.content)
    started = time.monotonic()
    try:
        cases = record(spec_path, fuzz.positive_examples, fuzz.negative_examples,
                       with_battery=fuzz.battery)  # fmt: skip
    except TaskError as error:
        return f"the app's document at {fuzz.served_at} is not usable: {error.message}"
    if not cases.cases:
        return f"the app's document at {fuzz.served_at} has no operation to call"
    generation_s = round(time.monotonic() - started, 3)
    return FuzzPlan(fuzz, spec_path, cases, plan_fuzz(cases, fuzz), generation_s)


class FuzzStage:
    """The fuzz stage as one of the pipeline's stages (`grader.stages`)."""

    id = SUITE_ID
    needs_source = False
    task_section = "fuzz"

    def in_task(self, task: Task) -> bool:
        return task.spec.fuzz is not None

    def is_public(self, task: Task) -> bool:
        return task.spec.fuzz is not None and task.spec.fuzz.visibility == "public"

    def kit_files(self, task: Task) -> tuple[str, ...]:
        fuzz = task.spec.fuzz
        return () if fuzz is None or fuzz.served_at is not None else (fuzz.spec, fuzz.cases)

    def plan(self, task: Task) -> FuzzPlan:
        plan = load_fuzz_plan(task)
        if plan is None:
            raise TaskError(f"task {task.id} has no [fuzz] section")
        return plan

    def run(self, plan: FuzzPlan, app: AppUnderTest) -> StageResult:
        fuzzed = run_fuzz(
            plan,
            app.base_url,
            app.runtime.port,
            app.is_running,
            app.workdir,
            budget_s=app.budget_s,
            health_path=app.runtime.health_path,
        )
        return StageResult(
            fuzzed.outcomes,
            fuzzed.summary,
            {SUITE_ID: fuzzed.log},
            stopped=fuzzed.stopped,
            inconclusive=fuzzed.inconclusive,
            files=fuzzed.files,
        )
