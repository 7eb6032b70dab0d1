"""How the application is put together: a factory, blueprints, configuration, migrations.

Pure. Each is present or absent with the places it was seen (test files are not evidence).
Absences are notes, not problems: a small API may do well without blueprints; the one
problem is a blueprint made and never registered, whose routes therefore do not exist.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace

from grader.stages.engineering.findings import Evidence, Finding, note, problem
from grader.stages.engineering.inputs import SourceTree, is_test_path
from grader.stages.engineering.python_source import call_name, dotted_name, python_modules

MEASURE = "structure"
MAX_EVIDENCE = 5
ENV_CALLS = frozenset({"os.getenv", "getenv", "os.environ.get", "environ.get"})
ENV_CONFIG_METHODS = frozenset({"from_prefixed_env", "from_envvar"})
MIGRATE_MODULES = frozenset({"flask_migrate", "alembic"})


@dataclass(frozen=True)
class Presence:
    present: bool
    evidence: tuple[Evidence, ...] = ()


def _presence(evidence: list[Evidence]) -> Presence:
    ordered = sorted(set(evidence), key=lambda e: (e.path, e.line or 0))
    return Presence(bool(ordered), tuple(ordered[:MAX_EVIDENCE]))


@dataclass(frozen=True)
class Structure:
    app_factory: Presence
    blueprints: Presence
    blueprints_registered: Presence
    config_from_env: Presence
    migrations: Presence
    findings: tuple[Finding, ...]


def measure_structure(tree: SourceTree) -> Structure:
    factories: list[Evidence] = []
    blueprints: list[Evidence] = []
    registered: list[Evidence] = []
    env_config: list[Evidence] = []
    migrations: list[Evidence] = [
        Evidence(f.path)
        for f in tree.files
        if f.path.rsplit("/", 1)[-1] == "alembic.ini" or _is_migrations_env(f.path)
    ]
    for file, module in python_modules(tree, generated=False):
        if is_test_path(file.path):
            continue
        for node in ast.walk(module):
            at = Evidence(file.path, getattr(node, "lineno", None))
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                if node.name == "create_app":
                    factories.append(at)
            elif isinstance(node, ast.Call):
                name = call_name(node)
                last = name.rsplit(".", 1)[-1]
                if last == "Blueprint":
                    blueprints.append(at)
                elif last == "register_blueprint":
                    registered.append(at)
                elif name in ENV_CALLS or last in ENV_CONFIG_METHODS:
                    env_config.append(at)
            elif isinstance(node, ast.Attribute) and dotted_name(node) == "os.environ":
                env_config.append(at)
            elif isinstance(node, ast.Import | ast.ImportFrom) and _imports_migrate(node):
                migrations.append(at)

    structure = Structure(
        app_factory=_presence(factories),
        blueprints=_presence(blueprints),
        blueprints_registered=_presence(registered),
        config_from_env=_presence(env_config),
        migrations=_presence(migrations),
        findings=(),
    )
    return replace(structure, findings=_findings(structure))


def _is_migrations_env(path: str) -> bool:
    parts = path.split("/")
    return len(parts) >= 2 and parts[-2] == "migrations" and parts[-1] == "env.py"


def _imports_migrate(node: ast.Import | ast.ImportFrom) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level == 0 and (node.module or "").split(".")[0] in MIGRATE_MODULES
    return any(alias.name.split(".")[0] in MIGRATE_MODULES for alias in node.names)


def _findings(structure: Structure) -> tuple[Finding, ...]:
    found = []
    if not structure.app_factory.present:
        found.append(
            note(
                MEASURE,
                "no-app-factory",
                "No application factory (def create_app) was found; a factory lets tests and "
                "deployments build an app with their own configuration.",
            )
        )
    if structure.blueprints.present and not structure.blueprints_registered.present:
        found.append(
            problem(
                MEASURE,
                "blueprint-not-registered",
                f"A Blueprint is made at {structure.blueprints.evidence[0]} but register_blueprint"
                " is never called, so its routes are not served; register it in the factory.",
                structure.blueprints.evidence[0],
            )
        )
    if not structure.blueprints.present:
        found.append(
            note(
                MEASURE,
                "no-blueprints",
                "No Flask Blueprint is used; grouping routes into blueprints keeps a growing API "
                "legible.",
            )
        )
    if not structure.config_from_env.present:
        found.append(
            note(
                MEASURE,
                "no-config-from-environment",
                "Configuration is never read from the environment (os.environ, os.getenv, "
                "app.config.from_prefixed_env); secrets and settings end up in the code.",
            )
        )
    if not structure.migrations.present:
        found.append(
            note(
                MEASURE,
                "no-migrations",
                "No database migrations were found (alembic.ini, migrations/env.py or "
                "Flask-Migrate); schema changes cannot be applied to an existing database.",
            )
        )
    return tuple(found)
