"""Candidate Python as syntax trees: parsed with `ast`, never imported or run.

Pure. A file that does not parse has no tree, and neither has a valid file nested deeper than
`MAX_SYNTAX_DEPTH` (`x = 1 + 1 + ...` with thousands of terms): the measures walk trees
recursively, a few Python frames per level, and must stay well inside the recursion limit
wherever they run. `code_quality` reports both kinds of file.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from grader.stages.engineering.inputs import SourceFile, SourceTree, is_generated_path, is_test_path

PARSED_FILES_KEPT = 512  # the measures parse each file once; a batch must not keep them all
MAX_SYNTAX_DEPTH = 250  # at most 3 frames a level (visit, visit_Call, generic_visit): < 1000
SYNTAX_ERROR = "syntax-error"
TOO_DEEP = "too-deeply-nested"


@dataclass(frozen=True)
class Unparsed:
    """Why a Python file has no tree: it is not valid Python, or it is too deep to walk."""

    rule: str  # SYNTAX_ERROR or TOO_DEEP
    reason: str
    line: int | None = None


@lru_cache(maxsize=PARSED_FILES_KEPT)
def read_python(file: SourceFile) -> ast.Module | Unparsed | None:
    """The file's syntax tree, why it has none, or None for a file not read as text."""
    if file.text is None:
        return None
    try:
        module = ast.parse(file.text, filename=file.path)
    except SyntaxError as error:
        return Unparsed(SYNTAX_ERROR, f"is not valid Python: {error.msg}", error.lineno)
    except ValueError as error:  # a NUL byte, which `source` already reads as binary
        return Unparsed(SYNTAX_ERROR, f"cannot be parsed: {error}")
    except (RecursionError, MemoryError):  # what the parser raises when the nesting beats it
        return Unparsed(TOO_DEEP, "is too deeply nested to analyse: Python's parser gave up")
    if _deeper_than(module, MAX_SYNTAX_DEPTH):
        return Unparsed(
            TOO_DEEP, f"is too deeply nested to analyse: over {MAX_SYNTAX_DEPTH} levels of syntax"
        )
    return module


def parse_python(file: SourceFile) -> ast.Module | None:
    module = read_python(file)
    return module if isinstance(module, ast.Module) else None


def _deeper_than(root: ast.AST, limit: int) -> bool:
    """Whether any node lies more than `limit` levels down (walked without recursion)."""
    pending = [(root, 1)]
    while pending:
        node, depth = pending.pop()
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return False


def python_modules(
    tree: SourceTree, *, tests: bool = True, generated: bool = True
) -> Iterator[tuple[SourceFile, ast.Module]]:
    """Each Python file that parses, with its tree; tests and migrations unless left out."""
    for file in tree.python_files():
        if (not tests and is_test_path(file.path)) or (
            not generated and is_generated_path(file.path)
        ):
            continue
        module = parse_python(file)
        if module is not None:
            yield file, module


def dotted_name(node: ast.expr) -> str | None:
    """`os.environ.get` for the expression `os.environ.get`; None for anything not a name."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted_name(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def call_name(call: ast.Call) -> str:
    """The called name, dotted when it can be (`subprocess.run`), else its last attribute."""
    name = dotted_name(call.func)
    if name is not None:
        return name
    return call.func.attr if isinstance(call.func, ast.Attribute) else ""


def string_value(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def is_true(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True
