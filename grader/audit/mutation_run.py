"""Running a task's suites against mutants of its reference solution.

IO. Each mutant is judged as the grader judges a submission, where Docker is not needed: the
mutated copy is served by gunicorn on loopback (`serve`), probed on its health path, then
driven by the task's reference suites (public and hidden in one pytest run, with the grader's
plugin and `--base-url`; tests that restart the app's container skip) and by the task's
recorded fuzz cases (the fuzz stage's own replay). Engineering, which reads the source,
is left out: a mutant changes behaviour, not the shape of the code.

First the unmutated reference is judged once with every test (the baseline): only tests and
fuzz checks that pass there judge mutants, so a test that fails on the reference cannot kill
anything. Then each mutant runs fail-fast: the tests likeliest to kill it first
(`kill_order`), pytest stopped at the first failure (`-x`), the fuzz replay only when every
test passed (or first, when fuzz killed this function's previous mutants).

Results are cached under `<out>/cache/` by the mutant's hash, the hash of the solution and the
hash of the suites (the reference tests, task.toml and the fuzz files): a rerun with nothing
changed runs nothing. Workers (`jobs`) each own a copy of the solution, a port and a database.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from grader.audit.kill_order import KillHistory
from grader.audit.mutant_checks import first_loss, replay_fuzz, run_reference_tests
from grader.audit.mutants import Mutant, is_app_module
from grader.audit.mutation_score import MutantRun, Verdict
from grader.audit.serve import LiveProcesses, Served, serve, venv_for, wait_ready, wsgi_target
from grader.core.errors import GraderError
from grader.core.result import Outcome, TestOutcome
from grader.core.task import Task
from grader.stages.build.flask_dockerfile import WsgiTarget
from grader.stages.fuzz.stage import FuzzPlan, load_fuzz_plan
from grader.stages.intake.tree_hash import hash_tree
from grader.stages.reference_tests.suites import plan_suite, read_report
from grader.version import VERSION

AUDIT_FORMAT = "1"
OUTPUT_TAIL = 2000
FUZZ_PREFIX = "fuzz::"
SKIPPED_IN_COPY = ("__pycache__", "*.pyc", ".pytest_cache", ".git", "tests", "test")


@dataclass(frozen=True)
class Baseline:
    """What the unmutated reference gives: the tests that can judge a mutant."""

    judging: tuple[str, ...]  # tests and fuzz checks that pass on the reference
    excluded: dict[str, str]  # test -> its outcome on the reference, when not passed
    durations: dict[str, float]
    pytest_s: float
    fuzz_s: float


@dataclass(frozen=True)
class AuditContext:
    task: Task
    solution: Path
    python: Path
    target: WsgiTarget
    tests: tuple[TestOutcome, ...]  # every planned reference test and fuzz check
    fuzz: FuzzPlan | None
    cache: Path
    key: str  # the hash of the solution and the suites: part of every cache key
    baseline: Baseline | None = None
    live: LiveProcesses = field(default_factory=LiveProcesses)

    @property
    def criterion_of(self) -> dict[str, str]:
        return {test.id: test.criterion for test in self.tests}


@dataclass
class AuditProgress:
    """Told of each mutant as it is judged, taken from the cache, or left by the budget."""

    on_mutant: Callable[[Mutant, MutantRun | None, bool], None] = lambda m, r, c: None
    on_note: Callable[[str], None] = lambda text: None


@dataclass
class MutationRunOutcome:
    runs: dict[str, MutantRun] = field(default_factory=dict)
    cached: int = 0
    ran: int = 0
    baseline: Baseline | None = None
    wall_s: float = 0.0


def solution_modules(solution: Path) -> dict[str, str]:
    """The application's own modules of a solution: path -> text."""
    modules = {}
    for path in sorted(solution.rglob("*.py")):
        relative = path.relative_to(solution).as_posix()
        if is_app_module(relative):
            modules[relative] = path.read_text(encoding="utf-8")
    return modules


def prepare(task: Task, solution: Path, cache: Path) -> AuditContext:
    """Everything the runs need: the environment to serve with, and the tests to run."""
    if not solution.is_dir():
        raise GraderError(f"task {task.id}: no reference solution at {solution}")
    cache = cache.resolve()
    tests = tuple(test for suite in task.spec.suites for test in plan_suite(task, suite))
    fuzz = load_fuzz_plan(task)
    if fuzz is not None and fuzz.cases is None:
        fuzz = None  # cases generated from what each app serves: nothing recorded to replay
    planned = tests + (fuzz.planned if fuzz else ())
    return AuditContext(
        task=task,
        solution=solution,
        python=venv_for(solution, cache),
        target=wsgi_target(solution),
        tests=planned,
        fuzz=fuzz,
        cache=cache,
        key=_context_key(task, solution),
    )


def _context_key(task: Task, solution: Path) -> str:
    digest = hashlib.sha256(f"{AUDIT_FORMAT}\0{VERSION}\0".encode())
    digest.update(hash_tree(solution, SKIPPED_IN_COPY[:1]).encode())
    digest.update(hash_tree(task.tests_root, ("__pycache__", ".pytest_cache")).encode())
    digest.update((task.root / "task.toml").read_bytes())
    fuzz = task.spec.fuzz
    if fuzz is not None and fuzz.served_at is None:
        for name in (fuzz.spec, fuzz.cases):
            if (task.root / name).is_file():
                digest.update((task.root / name).read_bytes())
    return digest.hexdigest()


def run_mutants(
    context: AuditContext,
    mutants: Sequence[Mutant],
    *,
    jobs: int = 1,
    budget_s: float | None = None,
    progress: AuditProgress | None = None,
    known: Sequence[Mutant] = (),
) -> MutationRunOutcome:
    """Judge each mutant (from the cache where it was judged before), within `budget_s`.

    They are started in the order of their hashes, so the mutants a budget leaves unrun are
    the last by hash, and those judged are a sample that is the same on every run. The tests
    that killed cached mutants (of `mutants`, and of `known`: the others of the solution)
    are tried first on the mutants of the same functions."""
    progress = progress or AuditProgress()
    started = time.monotonic()
    outcome = MutationRunOutcome(baseline=_cached_baseline(context))
    todo = []
    for mutant in sorted(mutants, key=lambda m: m.sha256):  # a budget cut keeps a fixed sample
        cached = _read_cached(context, mutant)
        if cached is None:
            todo.append(mutant)
            continue
        outcome.runs[mutant.id] = cached
        outcome.cached += 1
        progress.on_mutant(mutant, cached, True)
    if not todo:
        outcome.wall_s = round(time.monotonic() - started, 1)
        return outcome
    with _workspaces(context.solution, jobs) as spaces:
        baseline = outcome.baseline
        if baseline is None:
            progress.on_note("judging the unmutated reference (baseline)")
            space = spaces.get()
            try:
                baseline = judge_baseline(context, space)
            finally:
                spaces.put(space)
            _write_json(context.cache / f"baseline-{context.key}.json", asdict(baseline))
        outcome.baseline = baseline
        if not any(t.startswith(FUZZ_PREFIX) for t in baseline.judging) and context.fuzz:
            progress.on_note("no fuzz check passes on the reference: fuzz judges no mutant")
        ready = _with_baseline(context, baseline)
        history = KillHistory()
        for mutant in {m.id: m for m in (*known, *mutants)}.values():
            cached = outcome.runs.get(mutant.id) or _read_cached(context, mutant)
            if cached is not None and cached.killed_by:
                history.record(mutant, cached.killed_by)
        lock = threading.Lock()

        def work(mutant: Mutant) -> None:
            over = budget_s is not None and time.monotonic() - started > budget_s
            if over or context.live.stopping.is_set():
                progress.on_mutant(mutant, None, False)
                return
            space = spaces.get()
            try:
                run = judge_mutant(ready, mutant, space, history)
            finally:
                spaces.put(space)
            if context.live.stopping.is_set():
                return  # its processes were killed under it: its verdict means nothing
            if run.verdict is not Verdict.ERROR:
                _write_json(_cache_path(context, mutant), asdict(run))
            with lock:
                outcome.runs[mutant.id] = run
                outcome.ran += 1
            progress.on_mutant(mutant, run, False)

        pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="audit")
        try:
            for future in [pool.submit(work, mutant) for mutant in todo]:
                future.result()
        except BaseException:
            context.live.stop()  # Ctrl-C: no new mutant, and the running ones end now
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
    outcome.wall_s = round(time.monotonic() - started, 1)
    return outcome


def judge_baseline(context: AuditContext, space: Path) -> Baseline:
    """Every test and fuzz check against the unmutated reference, none stopping early."""
    started = time.monotonic()
    with _served(context, space) as (served, problem):
        if problem:
            raise GraderError(f"the reference solution of {context.task.id} {problem}")
        pytest_ids = [t.id for t in context.tests if not t.id.startswith(FUZZ_PREFIX)]
        reported, stopped, _ = _run_pytest(context, served, pytest_ids, fail_fast=False)
        if stopped:
            raise GraderError(f"the reference suites did not finish on the reference: {stopped}")
        pytest_s = time.monotonic() - started
        fuzz_started = time.monotonic()
        fuzzed = _run_fuzz(context, served) if context.fuzz else []
        fuzz_s = time.monotonic() - fuzz_started
    outcomes = {test.id: test for test in (*reported, *fuzzed)}
    judging, excluded = [], {}
    for test in context.tests:
        done = outcomes.get(test.id)
        if done is not None and done.outcome is Outcome.PASSED:
            judging.append(test.id)
        else:
            excluded[test.id] = done.outcome.value if done else "no outcome"
    durations = {test.id: test.duration_s for test in reported}
    durations.update({test.id: fuzz_s for test in fuzzed})
    return Baseline(tuple(judging), excluded, durations, round(pytest_s, 2), round(fuzz_s, 2))


def judge_mutant(
    context: AuditContext, mutant: Mutant, space: Path, history: KillHistory
) -> MutantRun:
    """One mutant, fail-fast: served from `space` with its module replaced, then restored."""
    assert context.baseline is not None
    baseline = context.baseline
    started = time.monotonic()
    module = space / mutant.module
    original = module.read_bytes()
    module.write_text(mutant.mutated, encoding="utf-8")
    try:
        with _served(context, space) as (served, problem):
            if problem:
                return MutantRun(
                    mutant.id, Verdict.NOT_READY, _since(started), detail=problem[:OUTPUT_TAIL]
                )
            order = history.order(mutant, baseline.judging, baseline.durations)
            pytest_ids = [t for t in order if not t.startswith(FUZZ_PREFIX)]
            fuzz_ids = [t for t in order if t.startswith(FUZZ_PREFIX)]
            first_fuzz = next((i for i, t in enumerate(order) if t.startswith(FUZZ_PREFIX)), None)
            fuzz_first = (
                bool(fuzz_ids)
                and first_fuzz is not None
                and (not pytest_ids or first_fuzz < order.index(pytest_ids[0]))
            )
            steps = ["fuzz", "pytest"] if fuzz_first else ["pytest", "fuzz"]
            tests_run = 0
            for step in steps:
                if step == "pytest" and pytest_ids:
                    reported, stopped, timed_out = _run_pytest(
                        context, served, pytest_ids, fail_fast=True
                    )
                    tests_run += sum(t.outcome is not Outcome.NOT_RUN for t in reported)
                    if timed_out:
                        return MutantRun(
                            mutant.id,
                            Verdict.TIMEOUT,
                            _since(started),
                            tests_run=tests_run,
                            detail=stopped,
                        )
                    killer = first_loss(reported, pytest_ids, stopped)
                elif step == "fuzz" and fuzz_ids:
                    fuzzed = _run_fuzz(context, served)
                    tests_run += len(fuzzed)
                    killer = first_loss(fuzzed, fuzz_ids, "the fuzz replay ended before it")
                else:
                    continue
                if killer is not None:
                    history.record(mutant, killer.id)
                    return MutantRun(
                        mutant.id,
                        Verdict.KILLED,
                        _since(started),
                        killed_by=killer.id,
                        criterion=context.criterion_of.get(killer.id, killer.criterion),
                        tests_run=tests_run,
                        detail=(killer.message or killer.outcome.value)[:OUTPUT_TAIL],
                    )
            return MutantRun(mutant.id, Verdict.SURVIVED, _since(started), tests_run=tests_run)
    except GraderError as error:
        return MutantRun(mutant.id, Verdict.ERROR, _since(started), detail=error.message)
    finally:
        module.write_bytes(original)


@contextmanager
def _served(context: AuditContext, space: Path) -> Iterator[tuple[Served, str]]:
    runtime = context.task.spec.runtime
    with serve(context.python, space, context.target, runtime, live=context.live) as served:
        problem = wait_ready(served, runtime.health_path, runtime.startup_timeout_s)
        if problem:
            problem = f"{problem}; its log ends: {served.log_tail()[-800:]}"
        yield served, problem


def _run_pytest(
    context: AuditContext, served: Served, test_ids: Sequence[str], *, fail_fast: bool
) -> tuple[list[TestOutcome], str, bool]:
    runtime = context.task.spec.runtime
    baseline = context.baseline
    suites = len(context.task.spec.suites)
    bound = baseline.pytest_s * 3 + 60 if baseline else runtime.suite_timeout_s * suites
    return run_reference_tests(
        context.task,
        context.tests,
        served.base_url,
        test_ids,
        fail_fast=fail_fast,
        bound_s=bound,
        live=context.live,
    )


def _run_fuzz(context: AuditContext, served: Served) -> list[TestOutcome]:
    assert context.fuzz is not None
    baseline = context.baseline
    budget = min(context.fuzz.spec.budget_s, baseline.fuzz_s * 3 + 30) if baseline else None
    return replay_fuzz(context.task, context.fuzz, served, budget)


@contextmanager
def _workspaces(solution: Path, jobs: int) -> Iterator[queue.Queue[Path]]:
    """A copy of the solution per worker, in a queue the workers take them from."""
    spaces: queue.Queue[Path] = queue.Queue()
    with tempfile.TemporaryDirectory(prefix="grader-audit-") as root:
        for index in range(jobs):
            copy = Path(root) / f"worker-{index}"
            shutil.copytree(solution, copy, ignore=shutil.ignore_patterns(*SKIPPED_IN_COPY))
            spaces.put(copy)
        yield spaces


def _with_baseline(context: AuditContext, baseline: Baseline) -> AuditContext:
    from dataclasses import replace

    return replace(context, baseline=baseline)


def _since(started: float) -> float:
    return round(time.monotonic() - started, 2)


def _cache_path(context: AuditContext, mutant: Mutant) -> Path:
    key = hashlib.sha256(f"{context.key}\0{mutant.sha256}".encode()).hexdigest()
    return context.cache / "mutants" / key[:2] / f"{key}.json"


def _read_cached(context: AuditContext, mutant: Mutant) -> MutantRun | None:
    data = read_report(_cache_path(context, mutant))
    if data is None or data.get("mutant_id") != mutant.id:
        return None
    try:
        return MutantRun(**{**data, "verdict": Verdict(data["verdict"])})
    except (TypeError, ValueError, KeyError):
        return None


def _cached_baseline(context: AuditContext) -> Baseline | None:
    data = read_report(context.cache / f"baseline-{context.key}.json")
    if data is None:
        return None
    try:
        return Baseline(
            judging=tuple(data["judging"]),
            excluded=dict(data["excluded"]),
            durations=dict(data["durations"]),
            pytest_s=float(data["pytest_s"]),
            fuzz_s=float(data["fuzz_s"]),
        )
    except (TypeError, ValueError, KeyError):
        return None


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    scratch.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    scratch.replace(path)
