"""The engineering stage: read the submission as a reviewer would, run its own tests, grade.

The static half reads the submission's files (never importing them), its git history when it
came as a repository, and lints it with ruff; the dynamic half is a callable the pipeline
gives, which runs the candidate's tests in their sandboxed image (`own_tests_run`). Only the
measures the task lists are graded, and the candidate's tests run only when one of them needs
them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from grader.core.errors import TaskError
from grader.core.result import Outcome, TestOutcome
from grader.core.task import EngineeringSpec, Task
from grader.stages import AppUnderTest, StageResult
from grader.stages.engineering import (
    GitUnavailable,
    analyse,
    lint_tree,
    read_git_history,
    read_tree,
)
from grader.stages.engineering.code_quality import python_code_lines
from grader.stages.engineering.grading import SUITE_ID, grade_engineering, planned_tests
from grader.stages.engineering.own_tests import OwnTests, OwnTestsNotRun
from grader.stages.engineering.own_tests_run import OwnTestsRun, run_own_tests
from grader.stages.engineering.typecheck import typecheck_tree
from grader.stages.engineering.typecheck_summary import TypeCheckSummary

__all__ = [
    "SUITE_ID",
    "EngineeringPlan",
    "EngineeringRun",
    "EngineeringStage",
    "load_engineering_plan",
]

DYNAMIC_MEASURES = frozenset({"own_tests", "coverage"})


@dataclass(frozen=True)
class EngineeringPlan:
    spec: EngineeringSpec
    planned: tuple[TestOutcome, ...]

    @property
    def runs_own_tests(self) -> bool:
        return any(m.measure in DYNAMIC_MEASURES for m in self.spec.measures)

    @property
    def runs_mypy(self) -> bool:
        return any(m.measure == "mypy" for m in self.spec.measures)


@dataclass(frozen=True)
class EngineeringRun:
    outcomes: tuple[TestOutcome, ...]
    report: str  # the full engineering report, JSON
    tests_log: str  # what the candidate's tests printed ("" when they were not run)
    summary: str
    fault: str | None = None  # the grader could not run the candidate's tests at all


def load_engineering_plan(task: Task) -> EngineeringPlan | None:
    spec = task.spec.engineering
    return None if spec is None else EngineeringPlan(spec, planned_tests(spec))


def run_engineering(
    plan: EngineeringPlan,
    source: Path,
    history: Path | None,
    run_tests: Callable[[], OwnTestsRun],
    skip: tuple[str, ...] = (),
) -> EngineeringRun:
    """`skip`: files the grader itself wrote into the tree (a generated Dockerfile)."""
    read = read_tree(source)
    tree = replace(read, files=tuple(f for f in read.files if f.path not in skip))
    git = (
        read_git_history(history)
        if history is not None
        else GitUnavailable("the submission is not a git repository")
    )
    lines = python_code_lines(tree)
    report = analyse(tree, git, lint_tree(source, lines))
    typecheck = typecheck_tree(source, tree, lines) if plan.runs_mypy else None
    own = run_tests() if plan.runs_own_tests else None
    outcomes = grade_engineering(plan.spec, report, own.result if own else None, typecheck)
    data = report.to_json()
    if typecheck is not None:
        data["mypy"] = (
            {
                "ran": True,
                "errors": typecheck.errors,
                "per_kloc": typecheck.per_kloc,
                "top_codes": [{"code": c, "count": n} for c, n in typecheck.top_codes],
                "examples": [str(hit) for hit in typecheck.examples],
            }
            if isinstance(typecheck, TypeCheckSummary)
            else {"ran": False, "reason": typecheck.reason}
        )
    if own is not None:
        data["own_tests"] = _own_tests_json(own)
    earned = sum(t.weight * t.earned for t in outcomes)
    total = sum(t.weight for t in outcomes)
    passed = sum(1 for t in outcomes if t.outcome is Outcome.PASSED)
    summary = (
        f"{passed}/{len(outcomes)} measures at full marks, "
        f"{100 * earned / total:.0f} % of the weight earned"
    )
    if own is not None and isinstance(own.result, OwnTests):
        summary += f"; own tests {own.result.passed}/{own.result.total} in {own.duration_s:.1f} s"
    fault = None
    if own is not None and isinstance(own.result, OwnTestsNotRun) and own.result.harness:
        fault = f"the candidate's tests could not be run: {own.result.reason}"
    return EngineeringRun(
        outcomes, json.dumps(data, indent=2), own.log if own is not None else "", summary, fault
    )


def _own_tests_json(own: OwnTestsRun) -> dict[str, object]:
    result = own.result
    base: dict[str, object] = {"duration_s": round(own.duration_s, 3)}
    if isinstance(result, OwnTests):
        return {
            **base,
            "ran": True,
            "passed": result.passed,
            "failed": result.failed,
            "errors": result.errors,
            "skipped": result.skipped,
            "failures": list(result.failures),
            "coverage_percent": result.coverage,
            "least_covered": [str(f) for f in result.least_covered],
        }
    return {**base, "ran": False, "reason": result.reason}


class EngineeringStage:
    """The engineering stage as one of the pipeline's stages (`grader.stages`)."""

    id = SUITE_ID
    needs_source = True
    task_section = "engineering"

    def in_task(self, task: Task) -> bool:
        return task.spec.engineering is not None

    def is_public(self, task: Task) -> bool:
        spec = task.spec.engineering
        return spec is not None and spec.visibility == "public"

    def kit_files(self, task: Task) -> tuple[str, ...]:
        return ()

    def plan(self, task: Task) -> EngineeringPlan:
        plan = load_engineering_plan(task)
        if plan is None:
            raise TaskError(f"task {task.id} has no [engineering] section")
        return plan

    def run(self, plan: EngineeringPlan, app: AppUnderTest) -> StageResult:
        timeout_s = plan.spec.test_timeout_s

        def run_tests() -> OwnTestsRun:
            return run_own_tests(
                app.client, app.image_id, app.runtime, app.source, app.workdir, app.name,
                dict(app.labels), timeout_s,
            )  # fmt: skip

        measured = run_engineering(plan, app.source, app.history, run_tests, skip=app.generated)
        logs = {SUITE_ID: measured.report}
        if measured.tests_log:
            logs["own-tests"] = measured.tests_log
        return StageResult(
            measured.outcomes,
            measured.summary,
            logs,
            stopped=measured.fault or "",
            fault=measured.fault,
        )
