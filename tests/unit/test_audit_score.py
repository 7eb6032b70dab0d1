"""The mutation score: what counts, what is left out, which tests run first."""

from __future__ import annotations

from grader.audit.kill_order import KillHistory
from grader.audit.mutants import Mutant
from grader.audit.mutation_score import (
    NO_TEST,
    MutantRun,
    Verdict,
    select_mutants,
    summarise,
)


def mutant(module: str, n: int, function: str = "f") -> Mutant:
    return Mutant(
        id=f"{module}:Op:{n}",
        module=module,
        operator="core/Op",
        occurrence=n,
        line=n + 1,
        function=function,
        sha256=f"{n:02d}{module}".encode().hex().ljust(64, "0"),
        mutated="",
        diff="",
    )


CATEGORIES = {"crud.read": "crud", "auth.login": "auth"}


def test_the_score_counts_killed_over_judged_and_leaves_the_rest_apart() -> None:
    mutants = [mutant("app/a.py", i) for i in range(4)] + [mutant("app/b.py", i) for i in range(4)]
    runs = {
        "app/a.py:Op:0": MutantRun("app/a.py:Op:0", Verdict.KILLED, 1.0, "t1", "crud.read"),
        "app/a.py:Op:1": MutantRun("app/a.py:Op:1", Verdict.SURVIVED, 2.0),
        "app/a.py:Op:2": MutantRun("app/a.py:Op:2", Verdict.NOT_READY, 0.5),
        "app/b.py:Op:0": MutantRun("app/b.py:Op:0", Verdict.TIMEOUT, 9.0),
        "app/b.py:Op:1": MutantRun("app/b.py:Op:1", Verdict.KILLED, 1.0, "t2", "auth.login"),
        "app/b.py:Op:2": MutantRun("app/b.py:Op:2", Verdict.ERROR, 0.1, detail="pytest died"),
        # equivalent, though a run exists: the reviewed list wins
        "app/b.py:Op:3": MutantRun("app/b.py:Op:3", Verdict.SURVIVED, 1.0),
    }
    summary = summarise(mutants, runs, {"app/b.py:Op:3": "unreachable bound"}, CATEGORIES)
    assert (summary.overall.killed, summary.overall.survived) == (4, 1)
    assert summary.overall.percent == 80.0
    assert summary.modules["app/a.py"].percent == round(200 / 3, 1)
    assert summary.modules["app/b.py"].percent == 100.0
    assert summary.killed_by_category == {NO_TEST: 2, "crud": 1, "auth": 1}
    assert summary.survivors == ("app/a.py:Op:1",)
    assert summary.equivalent == {"app/b.py:Op:3": "unreachable bound"}
    assert summary.not_run == ("app/a.py:Op:3",)
    assert summary.errors == ("app/b.py:Op:2",)
    assert summary.cost_s == 13.6


def test_nothing_judged_has_no_score() -> None:
    summary = summarise([mutant("a.py", 0)], {}, {}, CATEGORIES)
    assert summary.overall.percent is None
    assert summary.not_run == ("a.py:Op:0",)


def test_a_sample_is_fixed_spread_and_kept_in_source_order() -> None:
    mutants = [mutant(f"app/m{i % 3}.py", i) for i in range(30)]
    sample = select_mutants(mutants, max_mutants=10)
    assert len(sample) == 10
    assert {m.id for m in select_mutants(mutants[::-1], max_mutants=10)} == {m.id for m in sample}
    assert [m for m in mutants if m in sample] == sample
    assert sample == select_mutants(mutants, max_mutants=10)
    assert len({m.module for m in sample}) > 1


def test_a_module_filter_takes_a_file_or_a_folder() -> None:
    mutants = [mutant("lib/api/a.py", 0), mutant("lib/api/b.py", 0), mutant("lib/c.py", 0)]
    assert [m.module for m in select_mutants(mutants, ["lib/api"])] == [
        "lib/api/a.py",
        "lib/api/b.py",
    ]
    assert [m.module for m in select_mutants(mutants, ["lib/c.py"])] == ["lib/c.py"]
    assert select_mutants(mutants, ["lib/ap"]) == []


def test_the_likeliest_killers_run_first_then_the_quickest() -> None:
    history = KillHistory()
    tests = ["slow", "quick", "other", "module-killer", "function-killer"]
    durations = {"slow": 5.0, "quick": 0.1, "other": 1.0, "module-killer": 2.0}
    a_f, a_g, b_h = mutant("a.py", 0, "f"), mutant("a.py", 1, "g"), mutant("b.py", 0, "h")
    assert history.order(a_f, tests, durations)[:3] == ["function-killer", "quick", "other"]
    history.record(a_g, "module-killer")
    history.record(a_f, "function-killer")
    history.record(b_h, "slow")
    history.record(b_h, "slow")
    order = history.order(mutant("a.py", 2, "f"), tests, durations)
    assert order == ["function-killer", "module-killer", "slow", "quick", "other"]
    assert history.order(mutant("c.py", 0, "k"), tests, durations)[0] == "slow"
    assert sorted(order) == sorted(tests)


def test_the_first_loss_is_the_first_failure_in_run_order_or_a_test_a_stop_left_unrun() -> None:
    from grader.audit.mutant_checks import first_loss
    from grader.core.result import Outcome
    from grader.core.result import TestOutcome as Run

    def run(test_id: str, outcome: Outcome) -> Run:
        return Run(test_id, "hidden", "crud.read", outcome, "hidden")

    reported = [run("a", Outcome.PASSED), run("b", Outcome.ERROR), run("c", Outcome.FAILED),
                run("d", Outcome.NOT_RUN)]  # fmt: skip
    loss = first_loss(reported, ["a", "c", "b", "d"], "")
    assert loss is not None
    assert loss.id == "c"
    assert first_loss(reported[:1] + reported[3:], ["a", "d"], "") is None  # -x stopped it
    stopped = first_loss(reported[:1] + reported[3:], ["a", "d"], "the app stopped answering")
    assert stopped is not None
    assert (stopped.id, stopped.message) == ("d", "the app stopped answering")
