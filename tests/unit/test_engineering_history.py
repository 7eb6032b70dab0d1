"""`grader.stages.engineering.history`: what the commits show."""

from __future__ import annotations

from grader.stages.engineering.findings import Severity
from grader.stages.engineering.history import measure_history
from grader.stages.engineering.inputs import GitCommit, GitHistory, GitUnavailable
from tests.unit.sample_projects import CLEAN_HISTORY


def test_commits_touching_code_and_tests_are_counted() -> None:
    history = measure_history(CLEAN_HISTORY)

    assert (history.commits, history.commits_touching_code) == (2, 2)
    assert history.commits_touching_code_and_tests == 1
    assert history.tests_in_history
    assert history.findings == ()


def test_history_without_tests_or_with_one_commit_gets_notes() -> None:
    history = measure_history(GitHistory((GitCommit("a" * 40, "All of it", ("app.py",)),)))

    assert [(f.rule, f.severity) for f in history.findings] == [
        ("single-commit", Severity.NOTE),
        ("no-tests-in-history", Severity.NOTE),
    ]


def test_no_repository_is_a_note_with_the_reason() -> None:
    history = measure_history(GitUnavailable("the submission is not a git repository"))

    assert not history.is_repository
    assert [(f.rule, f.message) for f in history.findings] == [
        (
            "not-a-git-repository",
            "No git history was read: the submission is not a git repository.",
        )
    ]


def test_an_unreadable_repository_is_a_different_note() -> None:
    history = measure_history(GitUnavailable("git log failed: bad object", is_repository=True))

    assert [f.rule for f in history.findings] == ["git-history-unreadable"]
    assert history.unavailable_reason == "git log failed: bad object"
