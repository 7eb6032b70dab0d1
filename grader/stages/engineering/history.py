"""What the git history shows: how many commits, and whether tests grew with the code.

Pure. Code is Python outside tests and migrations. A submission that is not a git repository,
or whose history git could not read, gets a note saying so; nothing here is a problem, since a
take-home may well be sent as an archive.
"""

from __future__ import annotations

from dataclasses import dataclass

from grader.stages.engineering.findings import Finding, note
from grader.stages.engineering.inputs import GitHistory, GitUnavailable, is_own_code, is_test_path

MEASURE = "git_history"


@dataclass(frozen=True)
class HistoryFacts:
    is_repository: bool
    unavailable_reason: str | None
    commits: int
    commits_touching_code: int
    commits_touching_code_and_tests: int
    tests_in_history: bool
    findings: tuple[Finding, ...]


def measure_history(git: GitHistory | GitUnavailable) -> HistoryFacts:
    if isinstance(git, GitUnavailable):
        rule = "git-history-unreadable" if git.is_repository else "not-a-git-repository"
        return HistoryFacts(
            is_repository=git.is_repository,
            unavailable_reason=git.reason,
            commits=0,
            commits_touching_code=0,
            commits_touching_code_and_tests=0,
            tests_in_history=False,
            findings=(note(MEASURE, rule, f"No git history was read: {git.reason}."),),
        )
    touching_code = [c for c in git.commits if any(is_own_code(f) for f in c.files)]
    with_tests = [c for c in touching_code if any(is_test_path(f) for f in c.files)]
    tests_in_history = any(is_test_path(f) for c in git.commits for f in c.files)
    found = []
    if len(git.commits) <= 1:
        found.append(
            note(
                MEASURE,
                "single-commit" if git.commits else "no-commits",
                f"The history has {len(git.commits)} commit(s); small commits with plain "
                "messages show a reviewer how the work progressed.",
            )
        )
    if touching_code and not tests_in_history:
        found.append(
            note(
                MEASURE,
                "no-tests-in-history",
                f"None of the {len(git.commits)} commits adds or changes a test.",
            )
        )
    return HistoryFacts(
        is_repository=True,
        unavailable_reason=None,
        commits=len(git.commits),
        commits_touching_code=len(touching_code),
        commits_touching_code_and_tests=len(with_tests),
        tests_in_history=tests_in_history,
        findings=tuple(found),
    )
