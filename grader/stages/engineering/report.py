"""The engineering report: every static measure of one submission, and its JSON form.

Pure: `analyse` takes what `source` and `lint` read and returns one frozen value; `to_json`
gives plain data with a stable key order, for result.json. Findings are listed measure by
measure, problems before notes, then by file and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from grader.stages.engineering.code_quality import CodeQuality, measure_code_quality
from grader.stages.engineering.delivery import Delivery, measure_delivery
from grader.stages.engineering.dependencies import DependencyHygiene, measure_dependencies
from grader.stages.engineering.findings import Evidence, Finding, Severity, note
from grader.stages.engineering.history import HistoryFacts, measure_history
from grader.stages.engineering.inputs import GitHistory, GitUnavailable, SourceTree
from grader.stages.engineering.lint_summary import LintNotRun, LintSummary
from grader.stages.engineering.secrets_and_sinks import find_secrets_and_risky_sinks
from grader.stages.engineering.structure import Presence, Structure, measure_structure

REPORT_VERSION = "1"
MEASURES = (
    "source",
    "structure",
    "secrets_and_risky_sinks",
    "dependency_hygiene",
    "delivery",
    "code_quality",
    "git_history",
)


@dataclass(frozen=True)
class EngineeringReport:
    files_read: int
    limit_reached: str | None
    structure: Structure
    dependencies: DependencyHygiene
    delivery: Delivery
    code_quality: CodeQuality
    lint: LintSummary | LintNotRun
    history: HistoryFacts
    findings: tuple[Finding, ...]

    @property
    def problems(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.PROBLEM)

    @property
    def notes(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.NOTE)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": REPORT_VERSION,
            "problems": len(self.problems),
            "notes": len(self.notes),
            "files_read": self.files_read,
            "limit_reached": self.limit_reached,
            "structure": _structure_json(self.structure),
            "dependencies": _dependencies_json(self.dependencies),
            "delivery": _delivery_json(self.delivery),
            "code_quality": _code_quality_json(self.code_quality),
            "lint": _lint_json(self.lint),
            "git_history": _history_json(self.history),
            "findings": [finding.to_json() for finding in self.findings],
        }


def analyse(
    tree: SourceTree, git: GitHistory | GitUnavailable, lint: LintSummary | LintNotRun
) -> EngineeringReport:
    structure = measure_structure(tree)
    dependencies = measure_dependencies(tree)
    delivery = measure_delivery(tree)
    code_quality = measure_code_quality(tree)
    history = measure_history(git)
    findings = [
        *structure.findings,
        *find_secrets_and_risky_sinks(tree, lint.security if isinstance(lint, LintSummary) else ()),
        *dependencies.findings,
        *delivery.findings,
        *code_quality.findings,
        *history.findings,
    ]
    if tree.limit_reached:
        findings.append(
            note("source", "tree-not-read-in-full", f"Measured in part: {tree.limit_reached}.")
        )
    if isinstance(lint, LintNotRun):
        findings.append(note("code_quality", "lint-not-run", f"Ruff did not run: {lint.reason}."))
    return EngineeringReport(
        files_read=len(tree.files),
        limit_reached=tree.limit_reached,
        structure=structure,
        dependencies=dependencies,
        delivery=delivery,
        code_quality=code_quality,
        lint=lint,
        history=history,
        findings=tuple(sorted(findings, key=_order)),
    )


def _order(finding: Finding) -> tuple[int, int, str, int, str]:
    return (
        MEASURES.index(finding.measure),
        0 if finding.severity is Severity.PROBLEM else 1,
        finding.path or "",
        finding.line or 0,
        finding.rule,
    )


def _where(evidence: Evidence | None) -> str | None:
    return None if evidence is None else str(evidence)


def _presence_json(presence: Presence) -> dict[str, Any]:
    return {"present": presence.present, "evidence": [str(e) for e in presence.evidence]}


def _structure_json(structure: Structure) -> dict[str, Any]:
    return {
        "app_factory": _presence_json(structure.app_factory),
        "blueprints": _presence_json(structure.blueprints),
        "blueprints_registered": _presence_json(structure.blueprints_registered),
        "config_from_env": _presence_json(structure.config_from_env),
        "migrations": _presence_json(structure.migrations),
    }


def _dependencies_json(hygiene: DependencyHygiene) -> dict[str, Any]:
    share = hygiene.pinned_share
    return {
        "declared": len(hygiene.dependencies),
        "pinned": sum(d.pinned for d in hygiene.dependencies),
        "pinned_share": None if share is None else round(share, 4),
        "unpinned": [
            {"requirement": d.requirement, "at": str(d.at)}
            for d in hygiene.dependencies
            if not d.pinned
        ],
        "lock_files": list(hygiene.lock_files),
        "vulnerability_check": "not_run",
    }


def _delivery_json(delivery: Delivery) -> dict[str, Any]:
    return {
        "readme": delivery.readme,
        "readme_sections": {name: _where(at) for name, at in delivery.readme_sections},
        "dockerfile": delivery.dockerfile,
        "ci_configs": list(delivery.ci_configs),
        "committed_env_files": list(delivery.committed_env_files),
        "test_files": len(delivery.test_files),
    }


def _code_quality_json(quality: CodeQuality) -> dict[str, Any]:
    coverage = quality.type_hint_coverage
    return {
        "python_lines": quality.python_lines,
        "functions": quality.functions,
        "fully_hinted": quality.fully_hinted,
        "type_hint_coverage": None if coverage is None else round(coverage, 4),
        "most_complex": [
            {"name": f.name, "path": f.path, "line": f.line, "complexity": f.complexity}
            for f in quality.most_complex
        ],
    }


def _lint_json(lint: LintSummary | LintNotRun) -> dict[str, Any]:
    if isinstance(lint, LintNotRun):
        return {
            "ran": False,
            "reason": lint.reason,
            "python_lines": None,
            "total": None,
            "per_kloc": None,
            "families": {},
            "top_rules": [],
            "examples": [],
        }
    return {
        "ran": True,
        "reason": None,
        "python_lines": lint.python_lines,
        "total": lint.total,
        "per_kloc": lint.per_kloc,
        "families": {f.family: {"count": f.count, "per_kloc": f.per_kloc} for f in lint.families},
        "top_rules": [{"code": code, "count": count} for code, count in lint.top_rules],
        "examples": [str(hit) for hit in lint.examples],
    }


def _history_json(history: HistoryFacts) -> dict[str, Any]:
    return {
        "is_repository": history.is_repository,
        "unavailable_reason": history.unavailable_reason,
        "commits": history.commits,
        "commits_touching_code": history.commits_touching_code,
        "commits_touching_code_and_tests": history.commits_touching_code_and_tests,
        "tests_in_history": history.tests_in_history,
    }
