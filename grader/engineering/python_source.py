"""Candidate Python as syntax trees: parsed with `ast`, never imported or run.

Pure. A file that does not parse has no tree; `code_quality` reports it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import lru_cache

from grader.engineering.inputs import SourceFile, SourceTree, is_generated_path, is_test_path

PARSED_FILES_KEPT = 512  # the measures parse each file once; a batch must not keep them all


@lru_cache(maxsize=PARSED_FILES_KEPT)
def parse_python(file: SourceFile) -> ast.Module | None:
    if file.text is None:
        return None
    try:
        return ast.parse(file.text, filename=file.path)
    except (SyntaxError, ValueError):
        return None


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
