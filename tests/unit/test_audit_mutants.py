"""The mutants of a solution's modules: which files, which ids, which diffs."""

from __future__ import annotations

import pytest

from grader.audit.mutants import enumerate_mutants, is_app_module, mutant_hash

MODULE = """\
def limit(n):
    if n > 10:
        return 10
    return n
"""


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("app/routes.py", True),
        ("library/api/loans.py", True),
        ("app/__init__.py", True),
        ("tests/test_routes.py", False),
        ("app/tests/helpers.py", False),
        ("test_app.py", False),
        ("conftest.py", False),
        ("setup.py", False),
        ("README.md", False),
        (".venv/lib/site.py", False),
    ],
)
def test_only_the_applications_own_modules_are_mutated(path: str, expected: bool) -> None:
    assert is_app_module(path) is expected


def test_each_mutant_names_its_module_operator_and_occurrence() -> None:
    mutants = enumerate_mutants({"app/limits.py": MODULE})
    ids = [mutant.id for mutant in mutants]
    assert len(ids) == len(set(ids))
    assert "app/limits.py:ReplaceComparisonOperator_Gt_Lt:0" in ids
    assert "app/limits.py:NumberReplacer:0" in ids  # 10 -> 11
    assert "app/limits.py:NumberReplacer:3" in ids  # the second 10 -> 9
    flipped = next(m for m in mutants if m.id == "app/limits.py:ReplaceComparisonOperator_Gt_Lt:0")
    assert flipped.line == 2
    assert flipped.function == "limit"
    assert "-    if n > 10:\n+    if n < 10:\n" in flipped.diff
    assert flipped.mutated == MODULE.replace("n > 10", "n < 10")
    assert flipped.sha256 == mutant_hash("app/limits.py", flipped.mutated)


def test_enumeration_is_the_same_on_every_run() -> None:
    first = enumerate_mutants({"a.py": MODULE, "b.py": "X = 1 + 2\n"})
    again = enumerate_mutants({"b.py": "X = 1 + 2\n", "a.py": MODULE})
    assert [(m.id, m.sha256) for m in first] == [(m.id, m.sha256) for m in again]
    assert [m.module for m in first] == sorted(m.module for m in first)


def test_a_module_that_does_not_parse_has_no_mutants_and_stops_nothing() -> None:
    mutants = enumerate_mutants({"bad.py": "def (:\n", "good.py": "X = 1\n"})
    assert {m.module for m in mutants} == {"good.py"}
