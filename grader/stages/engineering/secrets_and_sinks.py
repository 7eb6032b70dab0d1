"""Secrets written into the code, and calls a reviewer reads as a risk.

Pure. Three sources, merged (one finding per rule and line):

- ruff's flake8-bandit rules (the `S` hits of the lint run, `ruff_security`): hard-coded
  passwords, debug mode, eval/exec, unpickling, unsafe YAML, shell commands, SQL built as text;
- detect-secrets' pattern plugins, in every text file, tests included: cloud keys, private
  keys, service tokens;
- what both miss, in Python (test files aside), parsed with `ast`: secrets given as config dict
  items or keywords (a value that is itself the name of a setting, as in
  `{"JWT_SECRET": "JWT_SECRET"}`, is not a secret), secrets read from the environment with a
  literal fallback (`os.environ.get("JWT_SECRET", "dev")`, `getenv(...) or "dev"`, outside a
  development or test config class), `DEBUG = True` and `run(debug=True)` on an app ruff cannot
  trace to `Flask(...)`, SQL fragments built by formatting and passed to `execute`/`text`.

Messages name where, never the secret itself.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from typing import Any

from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

from grader.stages.engineering.findings import Evidence, Finding, problem
from grader.stages.engineering.inputs import SourceTree, is_test_path
from grader.stages.engineering.lint_summary import LintHit
from grader.stages.engineering.python_source import (
    call_name,
    is_true,
    keyword,
    python_modules,
    string_value,
)
from grader.stages.engineering.ruff_security import findings_from_ruff

MEASURE = "secrets_and_risky_sinks"
SECRET_NAME = re.compile(r"secret|passw(or)?d|token|api_?key", re.IGNORECASE)
NOT_A_SECRET = re.compile(
    r"(^|_)(type|name|field|header|prefix|url|uri|location|algorithm|expires?|length|len|min|max"
    r"|lifetime|ttl|timeout|hash|salt_rounds)($|_)",
    re.IGNORECASE,
)
ENV_GETS = frozenset({"os.environ.get", "os.getenv", "os.environ.setdefault"})
SQL_CALLS = frozenset({"execute", "executemany", "executescript", "exec_driver_sql", "text"})
SETTING_NAME = re.compile(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)*")
DEVELOPMENT_CLASS = re.compile(r"dev|test|local", re.IGNORECASE)


# detect-secrets' plugins that match a known format; its entropy and keyword plugins are left
# out (the AST checks judge names, and random test data would raise them).
TOKEN_PLUGINS = (
    "AWSKeyDetector", "ArtifactoryDetector", "AzureStorageKeyDetector", "DiscordBotTokenDetector",
    "GitHubTokenDetector", "GitLabTokenDetector", "MailchimpDetector", "NpmDetector",
    "OpenAIDetector", "PrivateKeyDetector", "PypiTokenDetector", "SendGridDetector",
    "SlackDetector", "SquareOAuthDetector", "StripeDetector", "TelegramBotTokenDetector",
    "TwilioKeyDetector",
)  # fmt: skip


def find_secrets_and_risky_sinks(
    tree: SourceTree, ruff_hits: Sequence[LintHit] = ()
) -> tuple[Finding, ...]:
    """Findings of the AST checks, of ruff's bandit rules (`ruff_hits`: the lint run's `S`
    hits) and of detect-secrets, one per rule and line (the first source's message kept)."""
    found: list[Finding] = []
    for file, module in python_modules(tree):
        if not is_test_path(file.path):
            scanner = _Scanner(file.path, _import_aliases(module), _text_constants(module))
            scanner.visit(module)
            found.extend(scanner.found)
    found.extend(findings_from_ruff(ruff_hits))
    found.extend(_token_findings(tree))
    seen: set[tuple[str, str | None, int | None]] = set()
    unique = []
    for finding in found:
        key = (finding.rule, finding.path, finding.line)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return tuple(unique)


def is_secret_name(name: str) -> bool:
    return bool(SECRET_NAME.search(name)) and not NOT_A_SECRET.search(name)


def _import_aliases(module: ast.Module) -> dict[str, str]:
    """Local names of what is imported: `pk` -> `pickle`, `loads` -> `pickle.loads`."""
    aliases: dict[str, str] = {}
    for node in ast.walk(module):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


class _Scanner(ast.NodeVisitor):
    def __init__(self, path: str, aliases: dict[str, str], constants: frozenset[str]) -> None:
        self.path = path
        self.aliases = aliases
        self.constants = constants
        self.found: list[Finding] = []
        self.classes: list[str] = []
        self.formatted: list[dict[str, tuple[str, int]]] = [{}]  # per scope: name -> (how, line)

    def at(self, node: ast.AST) -> Evidence:
        return Evidence(self.path, getattr(node, "lineno", None))

    def qualified(self, call: ast.Call) -> str:
        name = call_name(call)
        head, _, rest = name.partition(".")
        if head in self.aliases:
            return f"{self.aliases[head]}.{rest}" if rest else self.aliases[head]
        return name

    # scopes

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.classes.append(node.name)
        self.generic_visit(node)
        self.classes.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.formatted.append({})
        self.generic_visit(node)
        self.formatted.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    # assignments: secrets, DEBUG = True, SQL kept in a variable

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self.assigned(target, node.value, node)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.assigned(node.target, node.value, node)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if isinstance(node.target, ast.Name) and isinstance(node.op, ast.Add):
            how = _formatting(node.value, self.constants) or (
                "+ concatenation" if node.target.id in self.formatted[-1] else None
            )
            if how:
                self.formatted[-1][node.target.id] = (how, node.lineno)
        self.generic_visit(node)

    def assigned(self, target: ast.expr, value: ast.expr, node: ast.stmt) -> None:
        name = _target_name(target)
        if name is None:
            return
        self.named_value(name, value, self.at(node))
        if isinstance(target, ast.Name):
            how = _formatting(value, self.constants)
            if how:
                self.formatted[-1][name] = (how, node.lineno)
            else:
                self.formatted[-1].pop(name, None)

    def visit_Dict(self, node: ast.Dict) -> None:
        for key, value in zip(node.keys, node.values, strict=True):
            name = string_value(key)
            if name is not None and (name.isupper() or "secret" in name.lower()):
                self.named_value(name, value, self.at(value))
        self.generic_visit(node)

    def named_value(self, name: str, value: ast.expr, at: Evidence) -> None:
        if is_secret_name(name):
            if _looks_like_a_secret(string_value(value)):
                self.found.append(
                    problem(
                        MEASURE,
                        "hardcoded-secret",
                        f"{name} is a literal in {at}; read it from the environment "
                        f'(os.environ["{name.upper()}"]) and keep the value out of the repository.',
                        at,
                    )
                )
            elif _or_literal(value) and not self.in_development_config():
                self.found.append(_fallback(name, at))
        elif name.upper() == "DEBUG" and is_true(value) and not self.in_development_config():
            self.found.append(
                problem(
                    MEASURE,
                    "debug-mode",
                    f"Debug mode is switched on in {at}; the debugger lets anyone who reaches it "
                    "run code. Leave it off and enable it locally with FLASK_DEBUG=1.",
                    at,
                )
            )

    def in_development_config(self) -> bool:
        return any(DEVELOPMENT_CLASS.search(name) for name in self.classes)

    # calls

    def visit_Call(self, node: ast.Call) -> None:
        name = self.qualified(node)
        last = name.rsplit(".", 1)[-1]
        at = self.at(node)
        for argument in node.keywords:
            if argument.arg is not None and not (last == "run" and argument.arg == "debug"):
                self.named_value(argument.arg, argument.value, at)
        if name in ENV_GETS:
            self.env_fallback(node, at)
        if last == "run" and is_true(keyword(node, "debug")):
            self.found.append(
                problem(
                    MEASURE,
                    "debug-mode",
                    f"run(debug=True) in {at} serves the Werkzeug debugger, which lets anyone who "
                    "reaches it run code; leave debug off and use FLASK_DEBUG=1 locally.",
                    at,
                )
            )
        if last in SQL_CALLS and node.args:
            self.sql(last, node.args[0], at)
        self.generic_visit(node)

    def env_fallback(self, node: ast.Call, at: Evidence) -> None:
        variable = string_value(node.args[0]) if node.args else None
        default = node.args[1] if len(node.args) > 1 else keyword(node, "default")
        if (
            variable
            and is_secret_name(variable)
            and string_value(default)
            and not self.in_development_config()
        ):
            self.found.append(_fallback(variable, at))

    def sql(self, call: str, query: ast.expr, at: Evidence) -> None:
        how = _formatting(query, self.constants)
        where, built = "", at
        if how is None and isinstance(query, ast.Name):
            kept = next((s[query.id] for s in reversed(self.formatted) if query.id in s), None)
            if kept:
                how, line = kept
                where, built = f" (built at line {line})", Evidence(at.path, line)
        if how:
            self.found.append(  # found where it is built, as ruff's S608 names it
                problem(
                    MEASURE,
                    "sql-string-formatting",
                    f"SQL built with {how}{where} is passed to {call}() in {at}; pass the values "
                    'as bound parameters (execute(sql, params), text("... :name")).',
                    built,
                )
            )


def _fallback(name: str, at: Evidence) -> Finding:
    return problem(
        MEASURE,
        "secret-env-fallback",
        f"{name} falls back to a literal in {at} when the environment does not set it; fail at "
        "start-up instead, so no deployment runs with a known value.",
        at,
    )


def _looks_like_a_secret(value: str | None) -> bool:
    """Not empty, and not the name of a setting (`"JWT_SECRET": "JWT_SECRET"` maps names)."""
    return bool(value) and not SETTING_NAME.fullmatch(value or "")


def _or_literal(value: ast.expr) -> bool:
    """`os.environ.get("X") or "dev"`: a literal used when the first part is empty."""
    return (
        isinstance(value, ast.BoolOp)
        and isinstance(value.op, ast.Or)
        and any(string_value(v) for v in value.values)
    )


def _target_name(target: ast.expr) -> str | None:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.Subscript):
        return string_value(target.slice)
    return None


def _formatting(node: ast.expr, constants: frozenset[str] = frozenset()) -> str | None:
    """How a string is built from values, if it is: the f-string, % or .format or + it uses.
    Names in `constants` (module-level text constants) are text, not values: SQL assembled
    from fixed fragments is not built from input."""
    if isinstance(node, ast.JoinedStr):
        values = [v.value for v in node.values if isinstance(v, ast.FormattedValue)]
        return "an f-string" if any(not _is_text(v, constants) for v in values) else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return "% formatting" if _is_text(node.left, constants) else None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return (
            ".format()"
            if node.func.attr == "format" and _is_text(node.func.value, constants)
            else None
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        leaves = _added(node)
        has_text = any(_is_text(leaf, constants) for leaf in leaves)
        fixed = all(_is_text(leaf, constants) for leaf in leaves)
        return "+ concatenation" if has_text and not fixed else None
    return None


def _is_text(node: ast.expr, constants: frozenset[str] = frozenset()) -> bool:
    if isinstance(node, ast.Name):
        return node.id in constants
    if isinstance(node, ast.JoinedStr):
        return _formatting(node, constants) is None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return all(_is_text(leaf, constants) for leaf in _added(node))
    return string_value(node) is not None


def _text_constants(module: ast.Module) -> frozenset[str]:
    """Module-level names bound once, to text made only of literals and such names."""
    bound: dict[str, int] = {}
    for statement in module.body:
        targets = statement.targets if isinstance(statement, ast.Assign) else []
        for target in targets:
            if isinstance(target, ast.Name):
                bound[target.id] = bound.get(target.id, 0) + 1
    constants: set[str] = set()
    for statement in module.body:
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and bound[statement.targets[0].id] == 1
            and _is_text(statement.value, frozenset(constants))
        ):
            constants.add(statement.targets[0].id)
    return frozenset(constants)


def _added(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _added(node.left) + _added(node.right)
    return [node]


def _token_findings(tree: SourceTree) -> list[Finding]:
    """detect-secrets' plugins, called line by line (its `allowlist` pragmas are not read)."""
    mapping: dict[str, Any] = get_mapping_from_secret_type_to_class()
    classes = {plugin.__name__: plugin for plugin in mapping.values()}
    detectors = [classes[name]() for name in TOKEN_PLUGINS]
    found = []
    for file in tree.files:
        if file.text is None:
            continue
        for number, line in enumerate(file.text.splitlines(), start=1):
            kinds = {
                secret.type
                for detector in detectors
                for secret in detector.analyze_line(file.path, line, number)
            }
            for kind in sorted(kinds):
                at = Evidence(file.path, number)
                found.append(
                    problem(
                        MEASURE,
                        _rule_of(kind),
                        f"{_article(kind)} {kind} is committed in {at}; revoke it, remove it "
                        "from the history and read it from the environment.",
                        at,
                    )
                )
    return found


def _rule_of(kind: str) -> str:
    """detect-secrets' type ("AWS Access Key") as a rule id ("aws-access-key")."""
    return re.sub(r"[^a-z0-9]+", "-", kind.lower()).strip("-")


def _article(kind: str) -> str:
    return "An" if kind[:1].upper() in "AEIOU" else "A"
