"""The pure core imports no I/O library and opens no file: checked on its source with `ast`."""

from __future__ import annotations

import ast
import importlib.util
import pkgutil
from pathlib import Path

import pytest

import grader.core

PURE_MODULES = (
    "grader.core.task",
    "grader.core.task_checks",
    "grader.core.scoring",
    "grader.core.result",
    "grader.core.events",
    "grader.stages.build.flask_dockerfile",
    "grader.core.naming",
    "grader.core.calibration",
    "grader.reports.feedback",
    "grader.stages.probe.listening",
    "grader.stages.build.dockerfile_policy",
    "grader.stages.build.dockerfile_reader",
    "grader.core.result_diff",
    "grader.stages.fuzz.cases",
    "grader.stages.fuzz.verdict",
    "grader.reports.views",
    "grader.reports.untrusted_text",
    "grader.reports.figures",
    "grader.reports.markdown",
    "grader.reports.junit",
    "grader.reports.csv_export",
    "grader.reports.gradescope",
    "grader.reports.candidate_words",
    "grader.reports.action_outputs",
    "grader.stages.engineering.inputs",
    "grader.stages.engineering.findings",
    "grader.stages.engineering.python_source",
    "grader.stages.engineering.structure",
    "grader.stages.engineering.secrets_and_sinks",
    "grader.stages.engineering.dependencies",
    "grader.stages.engineering.delivery",
    "grader.stages.engineering.code_quality",
    "grader.stages.engineering.history",
    "grader.stages.engineering.lint_summary",
    "grader.stages.engineering.ruff_security",
    "grader.stages.engineering.report",
    "grader.core.measures",
    "grader.core.errors",
    "grader.stages.engineering.own_tests",
    "grader.stages.engineering.grading",
    "grader.stages.engineering.typecheck_summary",
)
FORBIDDEN = frozenset(
    {"docker", "httpx", "subprocess", "jinja2", "requests", "socket", "shutil", "os"}
)
FILE_CALLS = frozenset({"open", "read_text", "read_bytes", "write_text", "write_bytes"})


def source_tree(module: str) -> ast.Module:
    spec = importlib.util.find_spec(module)
    assert spec is not None, module
    assert spec.origin is not None, module
    return ast.parse(Path(spec.origin).read_text(encoding="utf-8"), filename=spec.origin)


def _is_dynamic_import(call: ast.Call) -> bool:
    if isinstance(call.func, ast.Name):
        return call.func.id == "__import__"
    return isinstance(call.func, ast.Attribute) and call.func.attr == "import_module"


def imported_roots(tree: ast.Module) -> set[str]:
    """Top-level packages imported anywhere in the module, also inside functions."""
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and _is_dynamic_import(node):
            roots.add("<dynamic import>")
    return roots


def file_calls(tree: ast.Module) -> list[str]:
    """`open(...)`, `x.open(...)`, `path.read_text(...)` and the like, with their line."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = (
            node.func.id
            if isinstance(node.func, ast.Name)
            else node.func.attr
            if isinstance(node.func, ast.Attribute)
            else None
        )
        if name in FILE_CALLS:
            found.append(f"{name}() at line {node.lineno}")
    return found


def grader_imports(tree: ast.Module) -> set[str]:
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(a.name for a in node.names if a.name.startswith("grader."))
        elif isinstance(node, ast.ImportFrom) and node.module == "grader":
            modules.update(f"grader.{a.name}" for a in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("grader."):
            modules.add(str(node.module))
    return modules


CORE = tuple(f"grader.core.{info.name}" for info in pkgutil.iter_modules(grader.core.__path__))


def test_every_module_of_the_core_is_checked():
    assert CORE
    assert set(CORE) <= set(PURE_MODULES)


@pytest.mark.parametrize("module", CORE)
def test_the_core_imports_nothing_of_the_grader_outside_it(module):
    assert all(name.startswith("grader.core.") for name in grader_imports(source_tree(module)))


@pytest.mark.parametrize("module", PURE_MODULES)
def test_pure_module_depends_only_on_pure_grader_modules(module):
    allowed = set(PURE_MODULES) | {"grader.core.errors"}

    assert grader_imports(source_tree(module)) <= allowed


def test_the_error_module_the_core_uses_is_pure_too():
    tree = source_tree("grader.core.errors")

    assert not imported_roots(tree) & FORBIDDEN
    assert file_calls(tree) == []
    assert grader_imports(tree) == set()


@pytest.mark.parametrize("module", PURE_MODULES)
def test_pure_module_imports_no_io_library(module):
    roots = imported_roots(source_tree(module))

    assert not roots & (FORBIDDEN | {"<dynamic import>"}), f"{module} imports {roots & FORBIDDEN}"


@pytest.mark.parametrize("module", PURE_MODULES)
def test_pure_module_opens_no_file(module):
    assert file_calls(source_tree(module)) == []


def test_the_checks_catch_what_they_look_for():
    impure = ast.parse(
        "import os.path\n"
        "from shutil import rmtree\n"
        "def f():\n"
        "    import subprocess\n"
        "    return open('x').read() + Path('y').read_text()\n"
    )

    assert {"os", "shutil", "subprocess"} <= imported_roots(impure)
    assert "<dynamic import>" in imported_roots(ast.parse("importlib.import_module('os')\n"))
    assert "<dynamic import>" in imported_roots(ast.parse("__import__('socket')\n"))
    assert sorted(file_calls(impure)) == ["open() at line 5", "read_text() at line 5"]
    assert grader_imports(
        ast.parse(
            "from grader.core.task import X\nimport grader.runs.kit\nfrom grader import cli\n"
        )
    ) == {"grader.core.task", "grader.runs.kit", "grader.cli"}
