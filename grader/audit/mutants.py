"""The mutants of a solution's modules, made with Cosmic Ray's operators.

Pure: it receives each module's text and returns every mutant, each with its mutated text and
unified diff. A mutant is named by where and how it changes the code
(`notes/store.py:ReplaceComparisonOperator_Eq_NotEq:2`, the module, the operator and the
occurrence of that operator in the module), and identified by a hash of its module path and
mutated text, which stays the same as long as the code it changes does.

Which files are the application's own code is decided by `app_modules`: Python files of the
solution, outside its tests and outside files that only configure tools.
"""

from __future__ import annotations

import difflib
import hashlib
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

TEST_FOLDERS = frozenset({"tests", "test", "testing"})
NOT_APP_FILES = frozenset({"setup.py", "conftest.py", "noxfile.py", "fabfile.py"})


@dataclass(frozen=True)
class Mutant:
    id: str  # module:operator:occurrence
    module: str  # posix path inside the solution
    operator: str  # Cosmic Ray's operator name, e.g. core/NumberReplacer
    occurrence: int
    line: int
    function: str  # the enclosing function or class; "" at module level
    sha256: str  # of the module path and the mutated text
    mutated: str
    diff: str


def is_app_module(path: str) -> bool:
    """A Python file of the application: not a test, not a tool's configuration."""
    parts = PurePosixPath(path).parts
    name = parts[-1]
    if not name.endswith(".py") or name in NOT_APP_FILES:
        return False
    if name.startswith("test_") or name.endswith("_test.py"):
        return False
    return not any(part in TEST_FOLDERS or part.startswith(".") for part in parts[:-1])


def mutant_id(module: str, operator: str, occurrence: int) -> str:
    return f"{module}:{operator.removeprefix('core/')}:{occurrence}"


def mutant_hash(module: str, mutated: str) -> str:
    return hashlib.sha256(f"{module}\0{mutated}".encode()).hexdigest()


def enumerate_mutants(modules: Mapping[str, str]) -> list[Mutant]:
    """Every mutant of every module (path -> text), in module, operator, occurrence order.

    A module Cosmic Ray cannot parse, an occurrence it cannot apply, and a change that is no
    longer valid Python (`f(**kw)` made `f(<<kw)`: an incompetent mutant, which no server
    would even import) give no mutant."""
    mutants: list[Mutant] = []
    operators = _operators()
    for module in sorted(modules):
        text = modules[module]
        nodes = _nodes(text)
        for name, operator in operators:
            for occurrence, (line, function) in enumerate(_positions(nodes, operator)):
                mutated = _mutate(text, operator, occurrence)
                if mutated is None or mutated == text or not _compiles(mutated, module):
                    continue
                mutants.append(
                    Mutant(
                        id=mutant_id(module, name, occurrence),
                        module=module,
                        operator=name,
                        occurrence=occurrence,
                        line=line,
                        function=function,
                        sha256=mutant_hash(module, mutated),
                        mutated=mutated,
                        diff=unified_diff(module, text, mutated),
                    )
                )
    return mutants


def unified_diff(module: str, before: str, after: str) -> str:
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=f"a/{module}",
            tofile=f"b/{module}",
            n=1,
        )
    )


def _operators() -> list[tuple[str, Any]]:
    """Every operator Cosmic Ray ships that needs no arguments, by name."""
    import cosmic_ray.plugins

    found = []
    for name in sorted(cosmic_ray.plugins.operator_names()):
        operator_class = cosmic_ray.plugins.get_operator(name)
        if not operator_class.arguments():
            found.append((str(name), operator_class()))
    return found


def _nodes(text: str) -> list[Any]:
    """The module's parso nodes in Cosmic Ray's walking order; none if parso gives up."""
    from cosmic_ray.ast import ast_nodes, get_ast

    try:
        return list(ast_nodes(get_ast(text)))
    except Exception:
        return []


def _positions(nodes: list[Any], operator: Any) -> Iterator[tuple[int, str]]:
    """(line, enclosing definition) of each place the operator can change, in the order
    Cosmic Ray counts its occurrences."""
    from cosmic_ray.ast.ast_query import ASTQuery

    for node in nodes:
        for start, _end in operator.mutation_positions(node):
            yield int(start[0]), str(ASTQuery(node).get_definition_name() or "")


def _compiles(text: str, module: str) -> bool:
    """Whether the text is valid Python (compiled only, never run)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # `x is 1` compiles, with a SyntaxWarning
        try:
            compile(text, module, "exec", dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
    return True


def _mutate(text: str, operator: Any, occurrence: int) -> str | None:
    from cosmic_ray.mutating import mutate_code

    try:
        mutated = mutate_code(text, operator, occurrence)
    except Exception:  # an operator that cannot apply here makes no mutant
        return None
    return str(mutated) if mutated is not None else None
