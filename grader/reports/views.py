"""What a report shows and to whom: the grader's view of a result, or the candidate's.

Pure. Every renderer (HTML, leaderboard, Markdown, JUnit, CSV, Gradescope) takes a
`ReportView`, never a `Result`, so whatever `candidate_view` leaves out cannot reach any of them.

The grader view is the whole result. The candidate view keeps the public tests as they are and
shows hidden tests only as figures per category (tests passed, points earned of how many); no
hidden test's id, name or message survives, not even inside a lost-point reason or a log:

- hidden tests are dropped from the test list; a criterion shows only its public part;
- lost-point reasons are kept only for public tests;
- logs: the build log, the logs of public suites, and the app's log only when no hidden test
  ran (otherwise it shows what the hidden tests sent); never a hidden suite's or the harness's;
- every free text left (message, stage details, logs, public messages) has any hidden test id,
  name or message line replaced by `[hidden test]`, in case some text quoted one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from grader.core.result import (
    CategoryScore,
    CriterionScore,
    Outcome,
    RedFlag,
    Result,
    StageRecord,
    Status,
    TaskInfo,
)
from grader.reports.candidate_words import stage_for_candidate
from grader.reports.untrusted_text import clean, last_lines

PRECISION = 4
LOG_LINES = 150
LOG_LINE_LIMIT = 400
HIDDEN_MARK = "[hidden test]"
MIN_SECRET_LINE = 12  # shorter message lines ("assert x") are too common to hide everywhere
_CREDENTIALS = re.compile(r"://[^/@\s]*@")  # user:token@ in a git URL is never shown


class Audience(StrEnum):
    GRADER = "grader"
    CANDIDATE = "candidate"


@dataclass(frozen=True)
class Totals:
    points: float
    max_points: float
    percent: float
    before_red_flags: float | None = None  # the percent the task's red-flag rule lowered


@dataclass(frozen=True)
class TestLine:
    """One test as a report shows it, with the points it earned of the share it was worth."""

    id: str
    suite: str
    visibility: str
    outcome: Outcome
    category_id: str
    category_title: str
    criterion_id: str
    criterion_title: str
    points: float
    max_points: float
    duration_s: float
    message: str

    @property
    def name(self) -> str:
        """The test function (with its parameters), without the file."""
        return self.id.rsplit("::", 1)[-1]

    @property
    def file(self) -> str:
        """The test's file, relative to the task's reference tests."""
        return self.id.rsplit("::", 1)[0] if "::" in self.id else ""

    @property
    def passed(self) -> bool:
        return self.outcome is Outcome.PASSED


@dataclass(frozen=True)
class HiddenFigures:
    """How a category's hidden tests went, in figures only."""

    tests_passed: int
    tests_total: int
    points: float
    max_points: float


@dataclass(frozen=True)
class CriterionView:
    id: str
    title: str
    points: float
    max_points: float
    tests_passed: int
    tests_total: int
    lost: tuple[str, ...]
    hint: str = ""  # the task's advice, for when points were lost


@dataclass(frozen=True)
class CategoryView:
    id: str
    title: str
    points: float
    max_points: float
    criteria: tuple[CriterionView, ...]
    hidden: HiddenFigures | None

    @property
    def fraction(self) -> float:
        return self.points / self.max_points if self.max_points else 0.0


@dataclass(frozen=True)
class LogExcerpt:
    name: str
    path: str  # relative to the submission's folder, as result.json names it
    text: str  # the last lines, cleaned
    lines_left_out: int

    @property
    def line_count(self) -> int:
        return len(self.text.splitlines())


@dataclass(frozen=True)
class ReportView:
    audience: Audience
    submission_id: str
    source: str
    submission_sha256: str | None
    task: TaskInfo
    grader_version: str
    status: Status
    message: str
    total: Totals | None  # None only for harness_error: no score, never a zero
    categories: tuple[CategoryView, ...]
    tests: tuple[TestLine, ...]
    stages: tuple[StageRecord, ...]
    suites: tuple[str, ...]
    logs: tuple[LogExcerpt, ...]
    started_at: str
    finished_at: str
    hidden_tests_left_out: int = 0
    red_flags: tuple[RedFlag, ...] = ()  # critical criteria that lost points: shown first

    @property
    def is_candidate(self) -> bool:
        return self.audience is Audience.CANDIDATE

    def category(self, category_id: str) -> CategoryView | None:
        return next((c for c in self.categories if c.id == category_id), None)


@dataclass(frozen=True)
class CategoryColumn:
    id: str
    title: str


def ranked_views(views: Sequence[ReportView]) -> list[ReportView]:
    """Highest total first, every submission with a red flag below every one without;
    submissions without a score last; ties by submission id."""
    return sorted(views, key=rank_key)


def rank_key(view: ReportView) -> tuple[bool, bool, float, str]:
    """The order of every ranking: scored first, unflagged first, then by total and id."""
    return (
        view.total is None,
        bool(view.red_flags),
        -(view.total.percent if view.total else 0.0),
        view.submission_id,
    )


def category_columns(views: Sequence[ReportView]) -> list[CategoryColumn]:
    """Every category scored in a run, in the order they first appear."""
    columns: dict[str, CategoryColumn] = {}
    for view in views:
        for category in view.categories:
            columns.setdefault(category.id, CategoryColumn(category.id, category.title))
    return list(columns.values())


def view_for(
    result: Result, audience: Audience, logs: Mapping[str, str] | None = None
) -> ReportView:
    if audience is Audience.CANDIDATE:
        return candidate_view(result, logs)
    return grader_view(result, logs)


def grader_view(result: Result, logs: Mapping[str, str] | None = None) -> ReportView:
    """Everything in the result. `logs` maps a log's name to its text (the tail is kept)."""
    lines = _test_lines(result)
    categories = tuple(
        CategoryView(
            id=category.id,
            title=category.title,
            points=category.points,
            max_points=category.max_points,
            criteria=tuple(_criterion_view(c) for c in category.criteria),
            hidden=hidden_figures([t for t in lines if t.category_id == category.id]),
        )
        for category in _categories(result)
    )
    return _view(
        result,
        Audience.GRADER,
        message=clean(result.message),
        categories=categories,
        tests=lines,
        stages=result.stages,
        logs=_excerpts(result, logs or {}, set(result.logs), _Redact(None)),
    )


def candidate_view(result: Result, logs: Mapping[str, str] | None = None) -> ReportView:
    """The result as a candidate may see it: public tests in full, hidden ones as figures."""
    lines = _test_lines(result)
    public = tuple(t for t in lines if t.visibility == "public")
    hidden = [t for t in lines if t.visibility != "public"]
    redact = _redactor(result)
    categories = tuple(
        CategoryView(
            id=category.id,
            title=category.title,
            points=category.points,
            max_points=category.max_points,
            criteria=tuple(
                _public_criterion(criterion, public, redact)
                for criterion in category.criteria
                if any(t.criterion_id == criterion.id for t in public)
            ),
            hidden=hidden_figures([t for t in hidden if t.category_id == category.id]),
        )
        for category in _categories(result)
    )
    tests = tuple(_redacted_line(line, redact) for line in public)
    stages = tuple(
        stage_for_candidate(StageRecord(s.name, s.status, s.duration_s, redact(clean(s.detail))))
        for s in result.stages
    )
    return _view(
        result,
        Audience.CANDIDATE,
        message=redact(clean(result.message)),
        categories=categories,
        tests=tests,
        stages=stages,
        logs=_excerpts(result, logs or {}, _candidate_logs(result), redact),
        hidden_tests_left_out=len(hidden),
    )


def _view(
    result: Result,
    audience: Audience,
    *,
    message: str,
    categories: tuple[CategoryView, ...],
    tests: tuple[TestLine, ...],
    stages: tuple[StageRecord, ...],
    logs: tuple[LogExcerpt, ...],
    hidden_tests_left_out: int = 0,
) -> ReportView:
    score = result.score
    return ReportView(
        audience=audience,
        submission_id=result.submission.id,
        source=_CREDENTIALS.sub("://", result.submission.source),
        submission_sha256=result.submission.sha256,
        task=result.task,
        grader_version=result.grader_version,
        status=result.status,
        message=message,
        total=Totals(score.points, score.max_points, score.percent, score.before_red_flags)
        if score
        else None,
        categories=categories,
        tests=tests,
        stages=stages,
        suites=result.suites,
        logs=logs,
        started_at=result.started_at,
        finished_at=result.finished_at,
        hidden_tests_left_out=hidden_tests_left_out,
        red_flags=score.red_flags if score else (),
    )


def red_flag_line(view: ReportView) -> str:
    """One line naming the red flags and what they did to the total; empty without any."""
    if not view.red_flags:
        return ""
    names = "; ".join(flag.title for flag in view.red_flags)
    total = view.total
    lowered = (
        f" (total lowered from {total.before_red_flags:.1f} % to {total.percent:.1f} %)"
        if total and total.before_red_flags is not None
        else ""
    )
    count = len(view.red_flags)
    return f"{count} red flag{'s' if count > 1 else ''}: {names}{lowered}"


def _categories(result: Result) -> tuple[CategoryScore, ...]:
    return result.score.categories if result.score else ()


def _test_lines(result: Result) -> tuple[TestLine, ...]:
    """Each test with its category and the points scoring gave it of its share."""
    where = {
        criterion.id: (category, criterion)
        for category in _categories(result)
        for criterion in category.criteria
    }
    points = result.score.test_points() if result.score else {}
    lines = []
    for test in result.tests:
        category, criterion = where.get(test.criterion, (None, None))
        scored = points.get(test.id)
        lines.append(
            TestLine(
                id=test.id,
                suite=test.suite,
                visibility=test.visibility,
                outcome=test.outcome,
                category_id=category.id if category else "",
                category_title=category.title if category else "",
                criterion_id=test.criterion,
                criterion_title=criterion.title if criterion else "",
                points=scored.points if scored else 0.0,
                max_points=scored.max_points if scored else 0.0,
                duration_s=test.duration_s,
                message=clean(test.message),
            )
        )
    return tuple(lines)


def _criterion_view(criterion: CriterionScore) -> CriterionView:
    return CriterionView(
        id=criterion.id,
        title=criterion.title,
        points=criterion.points,
        max_points=criterion.max_points,
        tests_passed=criterion.tests_passed,
        tests_total=criterion.tests_total,
        lost=tuple(clean(loss.describe()) for loss in criterion.lost),
        hint=clean(criterion.hint),
    )


def hidden_figures(lines: Sequence[TestLine]) -> HiddenFigures | None:
    """How the hidden tests among `lines` went, in figures only (None when there is none)."""
    hidden = [t for t in lines if t.visibility != "public"]
    if not hidden:
        return None
    return HiddenFigures(
        tests_passed=sum(1 for t in hidden if t.passed),
        tests_total=len(hidden),
        points=round(sum(t.points for t in hidden), PRECISION),
        max_points=round(sum(t.max_points for t in hidden), PRECISION),
    )


def _public_criterion(
    criterion: CriterionScore, public: tuple[TestLine, ...], redact: _Redact
) -> CriterionView:
    mine = [t for t in public if t.criterion_id == criterion.id]
    return CriterionView(
        id=criterion.id,
        title=criterion.title,
        points=round(sum(t.points for t in mine), PRECISION),
        max_points=round(sum(t.max_points for t in mine), PRECISION),
        tests_passed=sum(1 for t in mine if t.passed),
        tests_total=len(mine),
        lost=tuple(
            redact(clean(loss.describe())) for loss in criterion.lost if loss.visibility == "public"
        ),
        hint=clean(criterion.hint),
    )


def _redacted_line(line: TestLine, redact: _Redact) -> TestLine:
    return replace(line, message=redact(line.message))


def _candidate_logs(result: Result) -> set[str]:
    suites: dict[str, set[str]] = defaultdict(set)
    for test in result.tests:
        suites[test.suite].add(test.visibility)
    allowed = {"build"} | {f"tests-{suite}" for suite, seen in suites.items() if seen == {"public"}}
    hidden_ran = any(
        t.visibility != "public" and t.outcome is not Outcome.NOT_RUN for t in result.tests
    )
    if not hidden_ran:
        allowed.add("app")
    return allowed


def _excerpts(
    result: Result, logs: Mapping[str, str], allowed: set[str], redact: _Redact
) -> tuple[LogExcerpt, ...]:
    order = {"build": 0, "app": 1} | {
        f"tests-{suite}": 2 + index for index, suite in enumerate(result.suites)
    }
    names = sorted(
        (name for name in result.logs if name in allowed and name in logs),
        key=lambda name: (order.get(name, len(order) + 2), name),
    )
    excerpts = []
    for name in names:
        text, left_out = last_lines(logs[name], LOG_LINES, LOG_LINE_LIMIT)
        excerpts.append(LogExcerpt(name, result.logs[name], redact(text), left_out))
    return tuple(excerpts)


class _Redact:
    """Replaces hidden test ids, names and message lines in free text."""

    def __init__(self, pattern: re.Pattern[str] | None) -> None:
        self.pattern = pattern

    def __call__(self, text: str) -> str:
        return self.pattern.sub(HIDDEN_MARK, text) if self.pattern and text else text


def _redactor(result: Result) -> _Redact:
    hidden = [t for t in result.tests if t.visibility != "public"]
    public_text = "\n".join(clean(t.message) for t in result.tests if t.visibility == "public")
    names = {t.id.rsplit("::", 1)[-1] for t in hidden} | {
        t.id.rsplit("::", 1)[-1].split("[", 1)[0] for t in hidden
    }
    texts = {t.id for t in hidden} | {
        line.strip()
        for t in hidden
        for line in clean(t.message).splitlines()
        if len(line.strip()) >= MIN_SECRET_LINE and line.strip() not in public_text
    }
    parts = [re.escape(text) for text in _longest_first(texts)] + [
        rf"(?<![\w]){re.escape(name)}(?![\w])" for name in _longest_first(names) if name
    ]
    return _Redact(re.compile("|".join(parts)) if parts else None)


def _longest_first(texts: Iterable[str]) -> list[str]:
    return sorted(texts, key=lambda text: (-len(text), text))
