"""Engineering quality, read statically: what a reviewer of a Flask take-home looks at.

Nothing of a submission is imported or executed: Python is parsed with `ast`, other files are
read as text, git is asked for its log and ruff lints the files without running them.

IO lives in two modules: `source` (the files and the git log) and `lint` (runs ruff). The rest
is pure and held to the pure-core rule by the test suite: `inputs` (the values read),
`findings`, the measures `structure`, `secrets_and_sinks`, `dependencies`, `delivery`,
`code_quality` and `history`, `lint_summary` and `report`, which combines them.
"""

from grader.stages.engineering.findings import Finding, Severity
from grader.stages.engineering.inputs import GitHistory, GitUnavailable, SourceFile, SourceTree
from grader.stages.engineering.lint import lint_tree, run_ruff
from grader.stages.engineering.lint_summary import LintNotRun, LintSummary, parse_ruff_json
from grader.stages.engineering.report import EngineeringReport, analyse
from grader.stages.engineering.source import read_git_history, read_tree

__all__ = [
    "EngineeringReport",
    "Finding",
    "GitHistory",
    "GitUnavailable",
    "LintNotRun",
    "LintSummary",
    "Severity",
    "SourceFile",
    "SourceTree",
    "analyse",
    "lint_tree",
    "parse_ruff_json",
    "read_git_history",
    "read_tree",
    "run_ruff",
]
