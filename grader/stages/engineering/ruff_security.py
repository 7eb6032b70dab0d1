"""Ruff's flake8-bandit (`S`) hits as findings of the secrets and risky-code measures.

Pure. The lint run already asks ruff for the `S` rules (isolated from the submission's
configuration, blind to its `noqa` comments); the hits that name a risk a reviewer rejects for
become findings here, under the rule ids the measures count. The other `S` rules (binding to
all interfaces, which the brief requires, asserts, random numbers...) stay lint, and so does
S608 (SQL built as text): it also flags SQL assembled from fixed fragments
(`"SELECT " + COLUMNS`), which is safe; the AST check judges string-built SQL instead,
counting module-level text constants as text.

Ruff names a hard-coded password by the variable it is assigned to; names that only hold a
kind of secret (`TOKEN_TYPE = "bearer"`, `PASSWORD_MIN_LENGTH = "8"`) are not reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from grader.stages.engineering.findings import Evidence, Finding, problem
from grader.stages.engineering.lint_summary import LintHit

MEASURE = "secrets_and_risky_sinks"

# ruff code -> (rule id the measures count, what to do instead)
RULES = {
    "S105": ("hardcoded-secret", "read it from the environment and keep the value out of the "
             "repository"),
    "S106": ("hardcoded-secret", "read it from the environment and keep the value out of the "
             "repository"),
    "S107": ("hardcoded-secret", "take no default: read it from the environment"),
    "S201": ("debug-mode", "leave debug off and enable it locally with FLASK_DEBUG=1"),
    "S102": ("eval-exec", "parse the data you need instead (json.loads, ast.literal_eval, int())"),
    "S307": ("eval-exec", "parse the data you need instead (json.loads, ast.literal_eval, int())"),
    "S301": ("unpickling", "store and read JSON instead"),
    "S506": ("unsafe-yaml-load", "use yaml.safe_load"),
    "S602": ("shell-command", "pass a list of arguments to subprocess.run without shell=True"),
    "S604": ("shell-command", "pass a list of arguments to subprocess.run without shell=True"),
    "S605": ("shell-command", "pass a list of arguments to subprocess.run without shell=True"),
}  # fmt: skip
_NAMED = re.compile(r'"([^"]+)"')
_NOT_A_SECRET = re.compile(
    r"(^|_)(type|name|field|header|prefix|url|uri|location|algorithm|expires?|length|len|min|max"
    r"|lifetime|ttl|timeout|hash|salt_rounds)($|_)",
    re.IGNORECASE,
)


def findings_from_ruff(hits: Iterable[LintHit]) -> list[Finding]:
    found = []
    for hit in hits:
        rule = RULES.get(hit.code)
        if rule is None or not _worth_reporting(hit):
            continue
        at = Evidence(hit.path, hit.line)
        found.append(
            problem(MEASURE, rule[0], f"{_said(hit)} in {at} (ruff {hit.code}); {rule[1]}.", at)
        )
    return found


def _worth_reporting(hit: LintHit) -> bool:
    if hit.code not in ("S105", "S106", "S107"):
        return True
    named = _NAMED.search(hit.message)
    return named is None or not _NOT_A_SECRET.search(named.group(1))


def _said(hit: LintHit) -> str:
    """Ruff's message without the quoted value it may carry (a password is never repeated)."""
    if hit.code in ("S105", "S106", "S107"):
        named = _NAMED.search(hit.message)
        return (
            f"A password or secret is written into the code ({named.group(1)})"
            if named
            else ("A password or secret is written into the code")
        )
    return hit.message.rstrip(".")
