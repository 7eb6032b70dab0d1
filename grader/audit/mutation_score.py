"""What a mutant's run showed, and the mutation score of a task's suites.

Pure. The rules:

- a mutant is **killed** when a reference test or a recorded fuzz check that passes on the
  reference fails against it, when it never becomes ready (`not_ready`: the grader would give
  it no score at all), or when its run outlives its bound (`timeout`); it **survived** when
  every one of them passes;
- with fail-fast, a killed mutant is credited to the test that failed first; the per-category
  figure says how many mutants each rubric category's tests killed first, not every test
  that would have failed;
- equivalent mutants (the reviewed list), mutants the budget left unrun and mutants the audit
  could not judge (`error`, the grader's own fault) are out of the score and listed apart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from grader.audit.mutants import Mutant

NO_TEST = "(no test: did not start or timed out)"


class Verdict(StrEnum):
    KILLED = "killed"
    SURVIVED = "survived"
    NOT_READY = "not_ready"  # never answered its health path: killed
    TIMEOUT = "timeout"  # outlived its bound: killed
    ERROR = "error"  # the audit could not judge it: out of the score

    @property
    def killed(self) -> bool:
        return self in (Verdict.KILLED, Verdict.NOT_READY, Verdict.TIMEOUT)


@dataclass(frozen=True)
class MutantRun:
    mutant_id: str
    verdict: Verdict
    duration_s: float
    killed_by: str = ""  # the test (or fuzz check) that failed first
    criterion: str = ""
    tests_run: int = 0
    detail: str = ""


@dataclass(frozen=True)
class Tally:
    killed: int = 0
    survived: int = 0

    @property
    def judged(self) -> int:
        return self.killed + self.survived

    @property
    def percent(self) -> float | None:
        return round(100 * self.killed / self.judged, 1) if self.judged else None

    def add(self, killed: bool) -> Tally:
        return Tally(self.killed + killed, self.survived + (not killed))


@dataclass(frozen=True)
class MutationSummary:
    overall: Tally
    modules: dict[str, Tally]
    killed_by_category: dict[str, int]  # rubric category (or NO_TEST) -> mutants it killed
    survivors: tuple[str, ...]
    equivalent: dict[str, str]  # id -> reason
    not_run: tuple[str, ...]
    errors: tuple[str, ...]
    cost_s: float  # the time the runs took, summed over workers
    extra: dict[str, float] = field(default_factory=dict)


def summarise(
    mutants: Sequence[Mutant],
    runs: Mapping[str, MutantRun],
    equivalent: Mapping[str, str],
    criterion_category: Mapping[str, str],
) -> MutationSummary:
    overall = Tally()
    modules: dict[str, Tally] = {}
    by_category: dict[str, int] = {}
    survivors, not_run, errors = [], [], []
    equivalent_here: dict[str, str] = {}
    cost = 0.0
    for mutant in mutants:
        if mutant.id in equivalent:
            equivalent_here[mutant.id] = equivalent[mutant.id]
            continue
        run = runs.get(mutant.id)
        if run is None:
            not_run.append(mutant.id)
            continue
        cost += run.duration_s
        if run.verdict is Verdict.ERROR:
            errors.append(mutant.id)
            continue
        killed = run.verdict.killed
        overall = overall.add(killed)
        modules[mutant.module] = modules.get(mutant.module, Tally()).add(killed)
        if killed:
            category = criterion_category.get(run.criterion, NO_TEST) if run.criterion else NO_TEST
            by_category[category] = by_category.get(category, 0) + 1
        else:
            survivors.append(mutant.id)
    return MutationSummary(
        overall=overall,
        modules=dict(sorted(modules.items())),
        killed_by_category=dict(sorted(by_category.items(), key=lambda item: -item[1])),
        survivors=tuple(survivors),
        equivalent=equivalent_here,
        not_run=tuple(not_run),
        errors=tuple(errors),
        cost_s=round(cost, 1),
    )


def select_mutants(
    mutants: Sequence[Mutant], modules: Sequence[str] = (), max_mutants: int | None = None
) -> list[Mutant]:
    """The mutants of the named modules (a module matches by its path or a path prefix, all
    when none is named); at most `max_mutants` of them, a sample that is the same on every
    run and spread over the modules (the first by hash), kept in source order."""
    chosen = [
        mutant
        for mutant in mutants
        if not modules
        or any(mutant.module == m or mutant.module.startswith(m.rstrip("/") + "/") for m in modules)
    ]
    if max_mutants is not None and max_mutants < len(chosen):
        keep = {m.sha256 for m in sorted(chosen, key=lambda m: m.sha256)[:max_mutants]}
        chosen = [mutant for mutant in chosen if mutant.sha256 in keep]
    return chosen
