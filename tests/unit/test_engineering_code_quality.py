"""`engineering.code_quality`: type hints, complexity, lines of code, unparsable files."""

from __future__ import annotations

import ast

import pytest

from grader.stages.engineering.code_quality import (
    complexity,
    measure_code_quality,
    python_code_lines,
)
from grader.stages.engineering.findings import Severity
from tests.unit.sample_projects import source_tree


def complexity_of(code: str) -> int:
    function = ast.parse(code).body[0]
    assert isinstance(function, ast.FunctionDef)
    return complexity(function)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("def f():\n    return 1\n", 1),
        ("def f(a):\n    if a:\n        return 1\n    elif a > 2:\n        return 2\n", 3),
        ("def f(a):\n    for x in a:\n        while x:\n            x -= 1\n", 3),
        ("def f(a, b, c):\n    return a and b and c or 1\n", 4),
        ("def f(a):\n    return [x for x in a if x if x > 1]\n", 3),
        ("def f(a):\n    try:\n        pass\n    except A:\n        pass\n"
         "    except B:\n        pass\n", 3),
        ("def f(a):\n    assert a\n    return 1 if a else 2\n", 3),
        ("def f(a):\n    match a:\n        case 1:\n            pass\n"
         "        case _:\n            pass\n", 3),
        ("def f(a):\n    def g(b):\n        if b:\n            pass\n    return g\n", 1),
    ],
)  # fmt: skip
def test_complexity_counts_the_decision_points_of_the_function_itself(
    code: str, expected: int
) -> None:
    assert complexity_of(code) == expected


def test_type_hints_count_a_function_only_when_fully_hinted() -> None:
    code = (
        "class Repo:\n"
        "    def __init__(self, db: str):\n"  # hinted: mypy needs no return on __init__
        "        self.db = db\n"
        "    def find(self, id: int) -> str:\n"  # hinted
        "        return ''\n"
        "    @classmethod\n"
        "    def make(cls) -> 'Repo':\n"  # hinted
        "        return cls('x')\n"
        "def half(a: int, b) -> int:\n"  # not: b
        "    return a\n"
        "def no_return(a: int):\n"  # not: return
        "    return a\n"
        "def star(*args: int, **kwargs) -> None:\n"  # not: kwargs
        "    pass\n"
    )

    quality = measure_code_quality(source_tree({"app/repo.py": code}))

    assert (quality.functions, quality.fully_hinted) == (6, 3)
    assert quality.type_hint_coverage == 0.5
    assert quality.findings == ()


def test_the_most_complex_functions_are_listed_with_name_file_and_line() -> None:
    branches = "".join(f"        if a == {i}:\n            return {i}\n" for i in range(11))
    code = (
        "def simple() -> None:\n    pass\n\nclass View:\n    def big(self, a: int) -> int:\n"
        + branches
        + "        return 0\n"
    )

    quality = measure_code_quality(source_tree({"app/views.py": code}))

    top = [(f.name, f.path, f.line, f.complexity) for f in quality.most_complex]
    assert top == [("View.big", "app/views.py", 5, 12), ("simple", "app/views.py", 1, 1)]
    assert [(f.rule, f.line, f.severity) for f in quality.findings] == [
        ("complex-function", 5, Severity.NOTE)
    ]


def test_only_five_functions_are_listed() -> None:
    code = "".join(f"def f{i}() -> None:\n    pass\n" for i in range(8))

    assert len(measure_code_quality(source_tree({"a.py": code})).most_complex) == 5


def test_lines_of_code_leave_out_blanks_comments_tests_and_migrations() -> None:
    files = {
        "app/a.py": "# comment\n\nx = 1\n    # indented comment\ny = 2  # trailing\n",
        "tests/test_a.py": "x = 1\n",
        "migrations/versions/001.py": "x = 1\n",
        "notes.txt": "x = 1\n",
    }

    assert python_code_lines(source_tree(files)) == 2


def test_a_file_that_does_not_parse_is_a_problem_at_its_line() -> None:
    files = {"app/ok.py": "x = 1\n", "app/broken.py": "x = 1\ndef f(:\n    pass\n"}

    quality = measure_code_quality(source_tree(files))

    assert [(f.rule, f.path, f.line, f.severity) for f in quality.findings] == [
        ("syntax-error", "app/broken.py", 2, Severity.PROBLEM)
    ]


def test_few_type_hints_is_a_note() -> None:
    code = "def a(x):\n    pass\ndef b(x):\n    pass\ndef c(x: int) -> None:\n    pass\n"

    quality = measure_code_quality(source_tree({"app.py": code}))

    assert [(f.rule, f.severity) for f in quality.findings] == [("few-type-hints", Severity.NOTE)]
    assert quality.findings[0].message.startswith("Only 1 of 3 functions are fully type-hinted")
