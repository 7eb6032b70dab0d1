"""The engineering measures a task can grade, what each one reads and its default thresholds.

Pure data. A *scaled* measure is a number with two thresholds: full marks at `full_at`, none at
`zero_at`, linear between; whichever of the two is larger says whether more is better (line
coverage) or worse (lint findings). A *checklist* measure is a set of things that must be
there; it earns the share of `require` that is.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scaled:
    what: str  # names the number in a sentence: "line coverage of the candidate's code"
    unit: str  # "%" or "" (a count or a rate)
    full_at: float
    zero_at: float


@dataclass(frozen=True)
class Checklist:
    what: str
    items: dict[str, str]  # item -> what it means, as the report says it


SCALED: dict[str, Scaled] = {
    "own_tests": Scaled("share of the candidate's own tests that pass", "%", 100, 0),
    "coverage": Scaled("line coverage of the candidate's code by their own tests", "%", 80, 0),
    "lint": Scaled("ruff findings per 1000 lines of code", "", 5, 50),
    "complexity": Scaled("cyclomatic complexity of the most complex function", "", 10, 25),
    "type_hints": Scaled("share of functions with full type hints", "%", 80, 0),
    "mypy": Scaled("mypy errors per 1000 lines (its default checks)", "", 0, 20),
    "pinned_dependencies": Scaled("share of declared dependencies pinned", "%", 100, 0),
    "secrets": Scaled("hard-coded secrets", "", 0, 1),
    "risky_code": Scaled(
        "risky calls (debug mode, eval/exec, unpickling, unsafe YAML, shell commands, "
        "SQL built from strings)",
        "",
        0,
        1,
    ),
    "commits": Scaled("commits in the repository's history", "", 5, 1),
}

CHECKLISTS: dict[str, Checklist] = {
    "structure": Checklist(
        "the structure of a maintainable Flask app",
        {
            "app_factory": "an application factory (create_app)",
            "blueprints": "routes grouped in blueprints that are registered on the app",
            "config_from_env": "configuration read from the environment",
            "migrations": "database migrations (Alembic or Flask-Migrate)",
        },
    ),
    "delivery": Checklist(
        "what a reviewer needs to run the work",
        {
            "readme_setup": "a README that says how to install the dependencies",
            "readme_run": "a README that says how to start the app",
            "readme_test": "a README that says how to run the tests",
            "dockerfile": "a Dockerfile",
            "ci": "a CI configuration that runs on each push",
            "no_env_file": "no .env file with real settings committed",
            "lock_file": "a lock or constraints file for indirect dependencies",
            "tests_with_code": "tests committed together with the code they test (git history)",
        },
    ),
}

MEASURES = (*SCALED, *CHECKLISTS)

# The secrets-and-sinks rules that are risky calls; every other problem there is a secret.
RISKY_RULES = frozenset(
    {
        "debug-mode",
        "eval-exec",
        "unpickling",
        "unsafe-yaml-load",
        "shell-command",
        "sql-string-formatting",
    }
)
