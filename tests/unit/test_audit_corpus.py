"""Corpus recall: a flaw is caught when its criterion loses points; baselines lose none."""

from __future__ import annotations

from dataclasses import replace

import pytest

from grader.audit.corpus import CorpusEntry, corpus_recall, judge_corpus, parse_ground_truth
from grader.core.errors import TaskError
from grader.core.result import Outcome, Result
from grader.core.result import TestOutcome as Run
from grader.core.scoring import score_outcomes
from grader.core.task import parse_task_spec
from tests.unit.sample_results import TASK, graded_result

SPEC = parse_task_spec(TASK, "task.toml")

TRUTH = """
submission = "alice"
style = "plain Flask"

[[flaw]]
id = "F1"
title = "reads are wrong"
category = "api"
criterion = "api.read"
exploitable = true
where = "app.py:12"

[[flaw]]
id = "F2"
title = "errors are HTML"
category = "errors"
criterion = "errors.json"
"""


def result(failing: set[str] = frozenset(), status: str = "graded") -> Result:  # type: ignore[assignment]
    tests = tuple(
        Run(f"t::{criterion}", "public", criterion, Outcome.FAILED if criterion in failing
            else Outcome.PASSED, "public")
        for criterion in ("api.create", "api.read", "errors.json")
    )  # fmt: skip
    done = replace(graded_result(), tests=tests, score=score_outcomes(SPEC.rubric, tests))
    if status != "graded":
        from grader.core.result import Status

        done = replace(done, status=Status(status), score=None, message="it did not build")
    return done


def entry() -> CorpusEntry:
    return CorpusEntry("alice", parse_ground_truth(TRUTH, "ground-truth.toml", SPEC))


def test_a_flaw_is_caught_when_its_criterion_loses_points() -> None:
    recall = corpus_recall([entry()], {"alice": result()}, {"alice": result({"api.read"})})
    assert [(v.flaw.id, v.caught, v.category_caught) for v in recall.flaws] == [
        ("F1", True, True),
        ("F2", False, False),
    ]
    assert (recall.caught, recall.recall, recall.category_recall) == (1, 50.0, 50.0)
    assert recall.unfair == ()
    assert recall.not_graded == ()


def test_a_loss_elsewhere_in_the_category_counts_at_category_level_only() -> None:
    recall = corpus_recall([entry()], {"alice": result()}, {"alice": result({"api.create"})})
    f1 = recall.flaws[0]
    assert (f1.caught, f1.category_caught) == (False, True)
    assert (recall.recall, recall.category_recall) == (0.0, 50.0)


def test_every_point_a_baseline_loses_is_unfair_and_a_shared_loss_catches_nothing() -> None:
    recall = corpus_recall(
        [entry()], {"alice": result({"api.read"})}, {"alice": result({"api.read"})}
    )
    assert [(u.submission, u.criterion) for u in recall.unfair] == [("alice", "api.read")]
    assert recall.unfair[0].points == 35.0
    assert recall.flaws[0].caught is False  # the flawed version lost no more than its baseline


def test_a_version_that_was_not_graded_catches_nothing_and_is_said() -> None:
    recall = corpus_recall([entry()], {"alice": result()}, {"alice": result(status="build_failed")})
    assert recall.caught == 0
    assert not any(v.graded for v in recall.flaws)
    assert recall.not_graded == ("alice/flawed: build_failed: it did not build",)


def test_validation_allows_losses_only_where_the_flaws_are() -> None:
    ok, missed, unfair, elsewhere = judge_corpus(
        [replace(entry(), name=name) for name in ("ok", "missed", "unfair", "elsewhere")],
        {"ok": result(), "missed": result(), "unfair": result({"api.create"}),
         "elsewhere": result()},
        {"ok": result({"api.read", "errors.json"}), "missed": result({"api.read"}),
         "unfair": result({"api.read"}), "elsewhere": result({"api.read", "api.create"})},
    )  # fmt: skip
    assert ok.ok
    assert ok.missed == ()
    assert missed.ok
    assert missed.missed == ("errors",)
    assert not unfair.ok
    assert unfair.problems[0].startswith("baseline lost 35 points in api.create")
    assert elsewhere.ok  # api.create is in a category a flaw names
    assert ok.baseline_percent == 100.0


def test_validation_refuses_a_loss_in_a_category_no_flaw_names() -> None:
    only_api = TRUTH.split('[[flaw]]\nid = "F2"')[0]
    solo = CorpusEntry("solo", parse_ground_truth(only_api, "g.toml", SPEC))
    (verdict,) = judge_corpus([solo], {"solo": result()}, {"solo": result({"errors.json"})})
    assert not verdict.ok
    assert (
        "flawed lost 30 points in errors.json, whose category no flaw names"
        in (verdict.problems[0])
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('criterion = "api.read"', 'criterion = "api.nope"'), "unknown criterion 'api.nope'"),
        (('category = "api"', 'category = "nope"'), "unknown category 'nope'"),
        (('criterion = "api.read"', 'criterion = "errors.json"'), "is not in category 'api'"),
        (('id = "F2"', 'id = "F1"'), "flaw 'F1' appears more than once"),
        (("exploitable = true", 'exploitable = "yes"'), "exploitable"),
        (('title = "reads are wrong"\n', ""), "title: Field required"),
    ],
)
def test_a_bad_ground_truth_says_what_is_wrong(change: tuple[str, str], message: str) -> None:
    with pytest.raises(TaskError) as raised:
        parse_ground_truth(TRUTH.replace(*change), "corpus/alice/ground-truth.toml", SPEC)
    assert "corpus/alice/ground-truth.toml" in raised.value.message
    assert message in raised.value.message
