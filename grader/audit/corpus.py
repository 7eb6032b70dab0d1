"""A task's flaw corpus and what the grader caught of it.

Pure: ground-truth text in, a model out; results in, recall out. A corpus lives in
`tasks/<id>/corpus/<name>/`: `baseline/` (a flawless submission), `flawed/` (the same with
planted flaws) and `ground-truth.toml`:

    submission = "NAME"
    style = "plain Flask"
    [[flaw]]
    id = "F1"
    title = "a member reads another member's loans"
    category = "auth"
    criterion = "auth.ownership"
    exploitable = true
    where = "app/loans.py:42"
    brief = "the sentence of BRIEF.md it breaks"
    request = "GET /loans/7 with the other member's token"
    expected = "404"
    actual = "200 with the loan"
    public_checks_catch = false

The rules:

- a flaw is **caught** when its criterion scores fewer points in the flawed version than in
  the baseline (than full marks, when the baseline was not graded); at category level, when
  its category does;
- an **unfair loss** is any point the baseline loses: the baseline is flawless by definition;
- for `grader tasks validate`, the baseline must keep full marks, and the flawed version may
  lose points only in the categories its flaws name (robustness or engineering too, only
  where a flaw names them); a named category that keeps full marks is a missed flaw, shown
  but not a failure of the task (that is what recall measures).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from grader.core.errors import TaskError
from grader.core.result import Result, Status
from grader.core.task import TaskSpec, parse_toml_file

CORPUS_FOLDER = "corpus"
GROUND_TRUTH = "ground-truth.toml"
BASELINE, FLAWED = "baseline", "flawed"
POINTS_EPSILON = 1e-9


class FlawSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    category: str = Field(min_length=1)
    criterion: str = Field(min_length=1)
    exploitable: bool = False
    where: str = ""
    brief: str = ""
    request: str = ""
    expected: str = ""
    actual: str = ""
    public_checks_catch: bool = False


class GroundTruth(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    submission: str = Field(min_length=1)
    style: str = ""
    flaw: tuple[FlawSpec, ...] = Field(min_length=1)

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(flaw.category for flaw in self.flaw))


def parse_ground_truth(text: str, source: str, task: TaskSpec) -> GroundTruth:
    """The ground truth, each flaw's category and criterion checked against the rubric."""
    truth = parse_toml_file(GroundTruth, text, source)
    criterion_category = task.rubric.category_of()
    categories = {category.id for category in task.rubric.categories}
    problems = []
    seen: set[str] = set()
    for flaw in truth.flaw:
        if flaw.id in seen:
            problems.append(f"flaw {flaw.id!r} appears more than once")
        seen.add(flaw.id)
        if flaw.category not in categories:
            problems.append(f"flaw {flaw.id}: unknown category {flaw.category!r}")
        elif flaw.criterion not in criterion_category:
            problems.append(f"flaw {flaw.id}: unknown criterion {flaw.criterion!r}")
        elif criterion_category[flaw.criterion] != flaw.category:
            problems.append(
                f"flaw {flaw.id}: criterion {flaw.criterion!r} is not in category {flaw.category!r}"
            )
    if problems:
        raise TaskError(f"{source}: " + "; ".join(problems))
    return truth


@dataclass(frozen=True)
class CorpusEntry:
    name: str  # the folder under corpus/
    truth: GroundTruth


@dataclass(frozen=True)
class FlawVerdict:
    submission: str
    flaw: FlawSpec
    caught: bool  # its criterion lost points
    category_caught: bool  # its category lost points
    graded: bool  # both versions were graded, so the verdict means something


@dataclass(frozen=True)
class PointsLost:
    submission: str
    version: str  # baseline or flawed
    category: str
    criterion: str
    points: float
    why: str


@dataclass(frozen=True)
class CorpusRecall:
    flaws: tuple[FlawVerdict, ...]
    unfair: tuple[PointsLost, ...]  # every point a baseline lost
    not_graded: tuple[str, ...]  # "<name>/<version>: status: message"

    @property
    def caught(self) -> int:
        return sum(verdict.caught for verdict in self.flaws)

    @property
    def category_caught(self) -> int:
        return sum(verdict.category_caught for verdict in self.flaws)

    @property
    def recall(self) -> float | None:
        return round(100 * self.caught / len(self.flaws), 1) if self.flaws else None

    @property
    def category_recall(self) -> float | None:
        return round(100 * self.category_caught / len(self.flaws), 1) if self.flaws else None


def criterion_points(result: Result | None) -> dict[str, tuple[float, float]] | None:
    """criterion -> (points, max points); None when the result has no score."""
    if result is None or result.status is not Status.GRADED or result.score is None:
        return None
    return {
        criterion.id: (criterion.points, criterion.max_points)
        for category in result.score.categories
        for criterion in category.criteria
    }


def category_points(result: Result | None) -> dict[str, tuple[float, float]] | None:
    if result is None or result.status is not Status.GRADED or result.score is None:
        return None
    return {c.id: (c.points, c.max_points) for c in result.score.categories}


def points_lost(name: str, version: str, result: Result | None) -> list[PointsLost]:
    """Every criterion of a graded result that scored below full marks."""
    if result is None or result.score is None or result.status is not Status.GRADED:
        return []
    return [
        PointsLost(
            name,
            version,
            category.id,
            criterion.id,
            round(criterion.max_points - criterion.points, 3),
            criterion.lost[0].describe() if criterion.lost else "",
        )
        for category in result.score.categories
        for criterion in category.criteria
        if criterion.points < criterion.max_points - POINTS_EPSILON
    ]


def corpus_recall(
    entries: Sequence[CorpusEntry],
    baselines: Mapping[str, Result],
    flawed: Mapping[str, Result],
) -> CorpusRecall:
    verdicts, unfair, not_graded = [], [], []
    for entry in entries:
        base, bad = baselines.get(entry.name), flawed.get(entry.name)
        for version, result in ((BASELINE, base), (FLAWED, bad)):
            if criterion_points(result) is None:
                why = f"{result.status.value}: {result.message}" if result else "not graded"
                not_graded.append(f"{entry.name}/{version}: {why}")
        unfair += points_lost(entry.name, BASELINE, base)
        base_criteria, bad_criteria = criterion_points(base), criterion_points(bad)
        base_categories, bad_categories = category_points(base), category_points(bad)
        for flaw in entry.truth.flaw:
            graded = bad_criteria is not None and base_criteria is not None
            verdicts.append(
                FlawVerdict(
                    entry.name,
                    flaw,
                    caught=_lost(bad_criteria, base_criteria, flaw.criterion),
                    category_caught=_lost(bad_categories, base_categories, flaw.category),
                    graded=graded,
                )
            )
    return CorpusRecall(tuple(verdicts), tuple(unfair), tuple(not_graded))


def _lost(
    flawed: Mapping[str, tuple[float, float]] | None,
    baseline: Mapping[str, tuple[float, float]] | None,
    key: str,
) -> bool:
    if flawed is None or key not in flawed:
        return False
    points, max_points = flawed[key]
    reference = baseline[key][0] if baseline and key in baseline else max_points
    return points < reference - POINTS_EPSILON


@dataclass(frozen=True)
class CorpusVerdict:
    """For `grader tasks validate`: one corpus submission's two versions judged."""

    name: str
    baseline_percent: float | None
    flawed_percent: float | None
    allowed: tuple[str, ...]  # the categories the flawed version may lose points in
    missed: tuple[str, ...]  # named categories that kept full marks (recall, not a failure)
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def judge_corpus(
    entries: Sequence[CorpusEntry],
    baselines: Mapping[str, Result],
    flawed: Mapping[str, Result],
) -> list[CorpusVerdict]:
    verdicts = []
    for entry in entries:
        base, bad = baselines.get(entry.name), flawed.get(entry.name)
        problems = []
        for version, result in ((BASELINE, base), (FLAWED, bad)):
            if criterion_points(result) is None:
                why = f"{result.status.value}: {result.message}" if result else "not graded"
                problems.append(f"{version} was not graded: {why}")
        problems += [
            f"baseline lost {loss.points:g} points in {loss.criterion}: {loss.why}"
            for loss in points_lost(entry.name, BASELINE, base)
        ]
        allowed = entry.truth.categories
        problems += [
            f"flawed lost {loss.points:g} points in {loss.criterion}, whose category no flaw "
            f"names: {loss.why}"
            for loss in points_lost(entry.name, FLAWED, bad)
            if loss.category not in allowed
        ]
        lost_categories = {loss.category for loss in points_lost(entry.name, FLAWED, bad)}
        missed = tuple(c for c in allowed if c not in lost_categories) if bad else ()
        verdicts.append(
            CorpusVerdict(
                entry.name,
                _percent(base),
                _percent(bad),
                allowed,
                missed,
                tuple(problems),
            )
        )
    return verdicts


def _percent(result: Result | None) -> float | None:
    return result.score.percent if result and result.score else None
