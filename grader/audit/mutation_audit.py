"""`grader tasks audit TASK`: the mutation analysis of a task's suites, from one call.

IO: reads the reference solution and the reviewed equivalent list, runs the mutants
(`mutation_run`), scores them (`mutation_score`) and writes `mutation.json` and
`mutation.md` into the output folder (`results/audit-<task>/` by default).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from grader.audit.equivalents import (
    EQUIVALENT_FILE,
    EquivalentList,
    match_equivalents,
    parse_equivalents,
)
from grader.audit.mutants import enumerate_mutants
from grader.audit.mutation_report import mutation_document, write_mutation_report
from grader.audit.mutation_run import AuditProgress, prepare, run_mutants, solution_modules
from grader.audit.mutation_score import MutationSummary, select_mutants, summarise
from grader.core.errors import CommandLineError, GraderError, TaskError
from grader.core.task import Task

REFERENCE = "solutions/reference"


@dataclass(frozen=True)
class MutationAudit:
    document: dict[str, Any]
    summary: MutationSummary
    json_path: Path
    markdown_path: Path


def default_out(task: Task) -> Path:
    return Path("results") / f"audit-{task.id}"


def load_equivalents(task: Task) -> EquivalentList:
    path = task.root / EQUIVALENT_FILE
    if not path.is_file():
        return EquivalentList()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise TaskError(f"{path}: cannot be read: {error}") from None
    return parse_equivalents(text, str(path))


def audit_mutations(
    task: Task,
    out: Path,
    *,
    jobs: int = 1,
    budget_s: float | None = None,
    max_mutants: int | None = None,
    modules: Sequence[str] = (),
    only: Sequence[str] = (),
    cache: Path | None = None,
    progress: AuditProgress | None = None,
) -> MutationAudit:
    """`only`: mutant ids to judge (all selected when empty), such as the survivors of the last
    audit, to see what a change to the suites kills."""
    solution = task.root / REFERENCE
    if not solution.is_dir():
        raise TaskError(f"task {task.id} has no reference solution ({solution})")
    try:
        import cosmic_ray  # noqa: F401
    except ImportError:
        raise GraderError(
            "the audit needs Cosmic Ray: pip install 'grader[audit]' (or cosmic-ray)"
        ) from None
    equivalents = load_equivalents(task)
    enumerated = enumerate_mutants(solution_modules(solution))
    if modules and not select_mutants(enumerated, modules):
        known = ", ".join(sorted({m.module for m in enumerated}))
        raise CommandLineError(f"--module {', '.join(modules)}: no such module (modules: {known})")
    mutants = select_mutants(enumerated, modules, max_mutants)
    if only:
        unknown = sorted(set(only) - {mutant.id for mutant in enumerated})
        if unknown:
            raise CommandLineError(f"--mutant {', '.join(unknown)}: no such mutant")
        mutants = [mutant for mutant in mutants if mutant.id in set(only)]
    equivalence = match_equivalents(equivalents, enumerated)
    to_run = [mutant for mutant in mutants if mutant.id not in equivalence.reasons]
    context = prepare(task, solution, cache or out / "cache")
    ran = run_mutants(
        context, to_run, jobs=jobs, budget_s=budget_s, progress=progress, known=enumerated
    )
    criterion_category = task.spec.rubric.category_of()
    summary = summarise(mutants, ran.runs, equivalence.reasons, criterion_category)
    mutant_s = round(sum(run.duration_s for run in ran.runs.values()), 1)
    judged = len(ran.runs)
    sample = []
    if only:
        sample.append(f"{len(mutants)} mutants named with --mutant")
    if modules:
        sample.append(f"modules {', '.join(modules)}")
    if max_mutants is not None and max_mutants < len(select_mutants(enumerated, modules)):
        sample.append(f"a fixed sample of {max_mutants}: the first by mutant hash")
    if summary.not_run and budget_s is not None:
        sample.append(
            f"{len(summary.not_run)} left unrun by the budget of {budget_s:g} s: the last by "
            "mutant hash"
        )
    document = mutation_document(
        task_id=task.id,
        engine=_engine(),
        enumerated=len(enumerated),
        mutants=mutants,
        runs=ran.runs,
        summary=summary,
        stale_equivalents=equivalence.stale,
        excluded_tests=ran.baseline.excluded if ran.baseline else {},
        cost={
            "wall_s": ran.wall_s,
            "mutant_s": mutant_s,
            "per_mutant_s": round(mutant_s / judged, 2) if judged else 0.0,
            "ran": ran.ran,
            "cached": ran.cached,
            "jobs": jobs,
            "baseline_pytest_s": ran.baseline.pytest_s if ran.baseline else 0.0,
            "baseline_fuzz_s": ran.baseline.fuzz_s if ran.baseline else 0.0,
        },
        sample="; ".join(sample),
    )
    json_path, markdown_path = write_mutation_report(out, document)
    return MutationAudit(document, summary, json_path, markdown_path)


def _engine() -> str:
    try:
        return f"cosmic-ray {version('cosmic-ray')}"
    except PackageNotFoundError:
        return "cosmic-ray"
