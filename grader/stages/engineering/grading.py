"""From the engineering report to one graded test per measure the task weights.

Pure. Each measure the task lists becomes the test `engineering::<measure>` on its criterion:

- a scaled measure earns full credit at or beyond `full_at`, none at or beyond `zero_at`,
  linear between (`credit`), and passes only at full credit;
- a checklist earns the share of its required items that are there;
- a measure that could not be taken (no git history, the harness could not run the tests) is
  `not_run` and earns nothing: points that cannot be verified are never given.

The message's first line says the figure, the thresholds and the first evidence (file and
line); the lines after it list the rest, so every lost point can be traced to the code.
"""

from __future__ import annotations

from dataclasses import dataclass

from grader.core.measures import CHECKLISTS, RISKY_RULES, SCALED
from grader.core.result import Outcome, TestOutcome
from grader.core.task import EngineeringMeasureSpec, EngineeringSpec
from grader.stages.engineering.findings import Finding, Severity
from grader.stages.engineering.lint_summary import LintHit, LintNotRun
from grader.stages.engineering.own_tests import OwnTests, OwnTestsNotRun
from grader.stages.engineering.report import EngineeringReport
from grader.stages.engineering.typecheck_summary import TypeCheckNotRun, TypeCheckSummary

SUITE_ID = "engineering"
EVIDENCE_LINES = 8
SECRETS_MEASURE = "secrets_and_risky_sinks"


@dataclass(frozen=True)
class Reading:
    """A measure as taken: its figure (None for a checklist) and the evidence behind it."""

    value: float | None
    summary: str  # the figure in words
    evidence: tuple[str, ...] = ()
    checklist: tuple[tuple[str, bool, str], ...] = ()  # (item, present, where or why not)


@dataclass(frozen=True)
class NotTaken:
    reason: str


def test_id(measure: str) -> str:
    return f"{SUITE_ID}::{measure}"


def planned_tests(spec: EngineeringSpec) -> tuple[TestOutcome, ...]:
    """One not-yet-run test per measure, as the run plans it."""
    return tuple(
        TestOutcome(
            id=test_id(m.measure),
            suite=SUITE_ID,
            criterion=m.criterion,
            outcome=Outcome.NOT_RUN,
            visibility=spec.visibility,
            weight=m.weight,
            message="not run",
        )
        for m in spec.measures
    )


def grade_engineering(
    spec: EngineeringSpec,
    report: EngineeringReport,
    own: OwnTests | OwnTestsNotRun | None,
    typecheck: TypeCheckSummary | TypeCheckNotRun | None = None,
) -> tuple[TestOutcome, ...]:
    """The graded tests, in the order the task lists its measures. `own` is None when the
    task grades neither own_tests nor coverage, so the tests were not run; `typecheck` is
    None when it does not grade mypy."""
    planned = {test.id: test for test in planned_tests(spec)}
    graded = []
    for measure in spec.measures:
        reading = read_measure(measure.measure, report, own, typecheck)
        graded.append(_graded(planned[test_id(measure.measure)], measure, reading))
    return tuple(graded)


def _graded(
    planned: TestOutcome, measure: EngineeringMeasureSpec, reading: Reading | NotTaken
) -> TestOutcome:
    if isinstance(reading, NotTaken):
        return _with(planned, Outcome.NOT_RUN, None, f"not measured: {reading.reason}")
    if measure.measure in SCALED:
        full, zero = measure.thresholds()
        assert reading.value is not None
        credit = scaled_credit(reading.value, full, zero)
        unit = SCALED[measure.measure].unit
        head = (
            f"{reading.summary} (full marks at {_bound(full, zero, unit)}, "
            f"none at {_bound(zero, full, unit)})"
        )
        lines = list(reading.evidence)
        if lines and credit < 1:
            head += f"; {lines[0]}"
    else:
        required = [item for item in reading.checklist if item[0] in measure.require]
        present = sum(1 for _, there, _ in required if there)
        credit = present / len(required)
        missing = [f"{item} missing: {why}" for item, there, why in required if not there]
        found = [f"{item}: {where}" for item, there, where in required if there]
        head = f"{present} of {len(required)} required: " + (
            "; ".join(missing) if missing else "all present"
        )
        lines = found
    body = "\n".join([head, *lines[:EVIDENCE_LINES]])
    credit = round(credit, 4)  # as stored: it alone decides whether the test passed
    return _with(planned, Outcome.PASSED if credit >= 1 else Outcome.FAILED, credit, body)


def _with(
    planned: TestOutcome, outcome: Outcome, credit: float | None, message: str
) -> TestOutcome:
    return TestOutcome(
        id=planned.id,
        suite=planned.suite,
        criterion=planned.criterion,
        outcome=outcome,
        visibility=planned.visibility,
        weight=planned.weight,
        message=message,
        credit=credit,
    )


def scaled_credit(value: float, full_at: float, zero_at: float) -> float:
    """1 at or beyond full_at, 0 at or beyond zero_at, linear between."""
    share = (value - zero_at) / (full_at - zero_at)
    return min(1.0, max(0.0, share))


def _bound(at: float, other: float, unit: str) -> str:
    sign = ">=" if at > other else "<="
    return f"{sign} {at:g}{' %' if unit == '%' else ''}"


def read_measure(
    measure: str,
    report: EngineeringReport,
    own: OwnTests | OwnTestsNotRun | None,
    typecheck: TypeCheckSummary | TypeCheckNotRun | None = None,
) -> Reading | NotTaken:
    if measure in ("own_tests", "coverage"):
        return _own_tests(measure, own)
    if measure == "mypy":
        return _mypy(typecheck)
    if measure == "lint":
        return _lint(report)
    if measure == "complexity":
        return _complexity(report)
    if measure == "type_hints":
        quality = report.code_quality
        if not quality.functions:
            return NotTaken("the submission has no Python functions")
        share = 100 * quality.fully_hinted / quality.functions
        return Reading(
            round(share, 2),
            f"{quality.fully_hinted} of {quality.functions} functions fully type-hinted "
            f"({share:.1f} %)",
        )
    if measure == "pinned_dependencies":
        return _pinned(report)
    if measure in ("secrets", "risky_code"):
        return _findings(measure, report)
    if measure == "commits":
        history = report.history
        if not history.is_repository or history.unavailable_reason:
            return NotTaken(f"no git history: {history.unavailable_reason or 'none'}")
        return Reading(history.commits, _count(history.commits, "commit"))
    if measure == "structure":
        return _structure(report)
    if measure == "delivery":
        return _delivery(report)
    raise ValueError(f"unknown engineering measure {measure!r}")  # the task model refuses it


def _own_tests(measure: str, own: OwnTests | OwnTestsNotRun | None) -> Reading | NotTaken:
    if own is None:
        return NotTaken("the candidate's tests were not run")
    if isinstance(own, OwnTestsNotRun):
        if own.harness:
            return NotTaken(own.reason)
        return Reading(0.0, f"0 (the tests did not run: {own.reason})")
    if measure == "own_tests":
        if not own.total:
            return Reading(0.0, "no tests were found and run (0 of 0 passed)")
        share = 100 * own.passed / own.total
        summary = f"{own.passed} of {own.total} of the candidate's tests passed ({share:.1f} %)"
        if own.errors:
            summary += f", {own.errors} errors"
        return Reading(round(share, 2), summary, tuple(f"failed: {f}" for f in own.failures))
    if own.coverage is None:
        return Reading(0.0, "line coverage 0 %: no lines of the candidate's code were measured")
    return Reading(
        own.coverage,
        f"line coverage {own.coverage:.1f} % of the candidate's code"
        + ("" if own.total else " (no tests ran)"),
        tuple(f"least covered: {f}" for f in own.least_covered),
    )


def _lint(report: EngineeringReport) -> Reading | NotTaken:
    lint = report.lint
    if isinstance(lint, LintNotRun):
        return NotTaken(f"ruff did not run: {lint.reason}")
    return _rate(
        "ruff finding", lint.total, lint.python_lines, lint.per_kloc, lint.top_rules, lint.examples
    )


def _mypy(typecheck: TypeCheckSummary | TypeCheckNotRun | None) -> Reading | NotTaken:
    if typecheck is None:
        return NotTaken("mypy was not run")
    if isinstance(typecheck, TypeCheckNotRun):
        return NotTaken(typecheck.reason)
    t = typecheck
    return _rate("mypy error", t.errors, t.python_lines, t.per_kloc, t.top_codes, t.examples)


def _rate(
    noun: str,
    total: int,
    lines: int,
    per_kloc: float,
    top: tuple[tuple[str, int], ...],
    examples: tuple[LintHit, ...],
) -> Reading:
    """A count of findings per 1000 lines of code, with the commonest codes and first places."""
    codes = ", ".join(f"{code} x{count}" for code, count in top[:5])
    return Reading(
        per_kloc,
        f"{_count(total, noun)} in {lines} lines, {per_kloc:g} per 1000"
        + (f" ({codes})" if codes else ""),
        tuple(str(hit) for hit in examples),
    )


def _complexity(report: EngineeringReport) -> Reading | NotTaken:
    functions = report.code_quality.most_complex
    if not functions:
        return NotTaken("the submission has no Python functions")
    top = functions[0]
    return Reading(
        top.complexity,
        f"most complex function {top.name} at {top.path}:{top.line}, complexity {top.complexity}",
        tuple(f"{f.name} at {f.path}:{f.line}: {f.complexity}" for f in functions[1:]),
    )


def _pinned(report: EngineeringReport) -> Reading | NotTaken:
    hygiene = report.dependencies
    share = hygiene.pinned_share
    if share is None:
        return NotTaken("no dependencies are declared (requirements.txt, pyproject.toml, ...)")
    pinned = sum(d.pinned for d in hygiene.dependencies)
    return Reading(
        round(100 * share, 2),
        f"{pinned} of {len(hygiene.dependencies)} declared dependencies pinned",
        tuple(
            f"not pinned: {d.requirement} at {d.at}" for d in hygiene.dependencies if not d.pinned
        ),
    )


def _findings(measure: str, report: EngineeringReport) -> Reading:
    risky = measure == "risky_code"
    found = [
        f
        for f in report.findings
        if f.measure == SECRETS_MEASURE
        and f.severity is Severity.PROBLEM
        and (f.rule in RISKY_RULES) == risky
    ]
    kind = "risky call" if risky else "hard-coded secret"
    return Reading(len(found), _count(len(found), kind), tuple(_finding_line(f) for f in found))


def _finding_line(finding: Finding) -> str:
    where = finding.path or "?"
    if finding.line is not None:
        where += f":{finding.line}"
    return f"{where} {finding.rule}: {finding.message}"


def _structure(report: EngineeringReport) -> Reading:
    s = report.structure
    blueprints = s.blueprints.present and s.blueprints_registered.present
    items = {
        "app_factory": s.app_factory,
        "config_from_env": s.config_from_env,
        "migrations": s.migrations,
    }
    checklist = [
        (name, p.present, _where(p.evidence) if p.present else CHECKLISTS["structure"].items[name])
        for name, p in items.items()
    ]
    checklist.append(
        (
            "blueprints",
            blueprints,
            _where(s.blueprints_registered.evidence)
            if blueprints
            else CHECKLISTS["structure"].items["blueprints"],
        )
    )
    return Reading(None, "structure", checklist=tuple(checklist))


def _delivery(report: EngineeringReport) -> Reading:
    d, items = report.delivery, CHECKLISTS["delivery"].items
    sections = dict(d.readme_sections)
    checklist = [
        (
            f"readme_{name}",
            sections.get(name) is not None,
            str(sections.get(name)) if sections.get(name) else items[f"readme_{name}"],
        )
        for name in ("setup", "run", "test")
    ]
    history = report.history
    checklist += [
        ("dockerfile", d.dockerfile is not None, d.dockerfile or items["dockerfile"]),
        ("ci", bool(d.ci_configs), ", ".join(d.ci_configs) or items["ci"]),
        (
            "no_env_file",
            not d.committed_env_files,
            f"committed: {', '.join(d.committed_env_files)}" if d.committed_env_files else "none",
        ),
        (
            "lock_file",
            bool(report.dependencies.lock_files),
            ", ".join(report.dependencies.lock_files) or items["lock_file"],
        ),
        (
            "tests_with_code",
            history.commits_touching_code_and_tests > 0,
            f"{history.commits_touching_code_and_tests} commits change code and tests together"
            if history.commits_touching_code_and_tests
            else (history.unavailable_reason or "no commit changes code and tests together"),
        ),
    ]
    return Reading(None, "delivery", checklist=tuple(checklist))


def _count(number: float, noun: str) -> str:
    return f"{number:g} {noun}{'' if number == 1 else 's'}"


def _where(evidence: tuple[object, ...]) -> str:
    return ", ".join(str(e) for e in evidence[:3]) or "found"
