"""Code quality read from the syntax tree: type hints, complexity, size, files that do not parse.

Pure. Only the candidate's own code counts: test files and generated migrations are left out.

- A function is fully hinted when every parameter but a leading `self`/`cls` and its return
  are annotated (as mypy does, an `__init__` with a hinted parameter needs no return hint).
- Cyclomatic complexity is 1 plus each decision point in the function's own body (nested
  functions are measured on their own): if/elif, for, while, conditional expressions, except
  clauses, each extra operand of `and`/`or`, comprehension conditions, match cases, asserts.
- Lines of code are the non-blank lines that are not comments.
- A file that is not valid Python is a problem; one too deeply nested to analyse is a note
  (every measure that walks syntax trees leaves it out; each such file but a test is named).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from grader.stages.engineering.findings import Evidence, Finding, note, problem
from grader.stages.engineering.inputs import SourceTree, is_own_code, is_test_path
from grader.stages.engineering.python_source import TOO_DEEP, Unparsed, python_modules, read_python

MEASURE = "code_quality"
TOP_COMPLEX = 5
COMPLEXITY_NOTE_OVER = 10
HINT_NOTE_UNDER = 0.5
Function = ast.FunctionDef | ast.AsyncFunctionDef
DECISIONS = (
    ast.If, ast.For, ast.AsyncFor, ast.While, ast.IfExp, ast.ExceptHandler, ast.Assert,
    ast.match_case,
)  # fmt: skip


@dataclass(frozen=True)
class FunctionComplexity:
    name: str  # qualified: `Repository.find`, `create_app.index`
    path: str
    line: int
    complexity: int


@dataclass(frozen=True)
class CodeQuality:
    python_lines: int
    functions: int
    fully_hinted: int
    most_complex: tuple[FunctionComplexity, ...]
    findings: tuple[Finding, ...]

    @property
    def type_hint_coverage(self) -> float | None:
        return self.fully_hinted / self.functions if self.functions else None


def python_code_lines(tree: SourceTree) -> int:
    return sum(
        _code_lines(file.text)
        for file in tree.python_files()
        if file.text is not None and is_own_code(file.path)
    )


def measure_code_quality(tree: SourceTree) -> CodeQuality:
    found = list(_unparsed(tree))
    complexities: list[FunctionComplexity] = []
    functions = fully_hinted = 0
    for file, module in python_modules(tree, tests=False, generated=False):
        for name, function in _functions(module, ""):
            functions += 1
            fully_hinted += _fully_hinted(function)
            complexities.append(
                FunctionComplexity(name, file.path, function.lineno, complexity(function))
            )
    complexities.sort(key=lambda f: (-f.complexity, f.path, f.line))
    for measured in complexities:
        if measured.complexity > COMPLEXITY_NOTE_OVER:
            at = Evidence(measured.path, measured.line)
            found.append(
                note(
                    MEASURE,
                    "complex-function",
                    f"{measured.name} at {at} has a cyclomatic complexity of "
                    f"{measured.complexity} (over {COMPLEXITY_NOTE_OVER}); split it into "
                    "smaller functions.",
                    at,
                )
            )
    if functions and fully_hinted / functions < HINT_NOTE_UNDER:
        found.append(
            note(
                MEASURE,
                "few-type-hints",
                f"Only {fully_hinted} of {functions} functions are fully type-hinted; hints "
                "document the code and let mypy check it.",
            )
        )
    return CodeQuality(
        python_lines=python_code_lines(tree),
        functions=functions,
        fully_hinted=fully_hinted,
        most_complex=tuple(complexities[:TOP_COMPLEX]),
        findings=tuple(found),
    )


def complexity(function: Function) -> int:
    points = 1
    for node in _own_nodes(function):
        if isinstance(node, DECISIONS):
            points += 1
        elif isinstance(node, ast.BoolOp):
            points += len(node.values) - 1
        elif isinstance(node, ast.comprehension):
            points += len(node.ifs)
    return points


def _own_nodes(function: Function) -> Iterator[ast.AST]:
    """The nodes of a function's body, without those of functions or classes inside it."""
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            stack.extend(ast.iter_child_nodes(node))


def _functions(node: ast.AST, prefix: str) -> Iterator[tuple[str, Function]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            yield f"{prefix}{child.name}", child
            yield from _functions(child, f"{prefix}{child.name}.")
        elif isinstance(child, ast.ClassDef):
            yield from _functions(child, f"{prefix}{child.name}.")
        else:
            yield from _functions(child, prefix)


def _fully_hinted(function: Function) -> bool:
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    if positional and positional[0].arg in ("self", "cls"):
        positional = positional[1:]
    parameters = [*positional, *arguments.kwonlyargs]
    parameters += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
    if any(parameter.annotation is None for parameter in parameters):
        return False
    if function.returns is not None:
        return True
    return function.name == "__init__" and bool(parameters)


def _code_lines(text: str) -> int:
    return sum(
        1 for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
    )


def _unparsed(tree: SourceTree) -> Iterator[Finding]:
    for file in tree.python_files():
        unparsed = read_python(file)
        if not isinstance(unparsed, Unparsed):
            continue
        at = Evidence(file.path, unparsed.line)
        if unparsed.rule == TOO_DEEP and not is_test_path(file.path):
            message = f"{at} {unparsed.reason}; the measures that read its code leave it out."
            yield note(MEASURE, TOO_DEEP, message, at)
        elif unparsed.rule != TOO_DEEP and is_own_code(file.path):
            yield problem(MEASURE, unparsed.rule, f"{at} {unparsed.reason}.", at)
