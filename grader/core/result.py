"""What grading one submission produced: the model behind `result.json`.

Pure: plain frozen values and their JSON form. `runs.results_store` writes them; every report is
rendered from them. The JSON Schema is `grader/schema/result.schema.json`; bump
`SCHEMA_VERSION` with any change to the shape.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

SCHEMA_VERSION = "2.1"
READABLE_VERSIONS = ("1.0", "2.0", "2.1")


class Status(StrEnum):
    """How far a submission got. Only `graded` means every suite ran against a live app."""

    GRADED = "graded"
    INVALID_SUBMISSION = "invalid_submission"  # intake refused it: unsafe or unusable source
    BUILD_REJECTED = "build_rejected"  # its Dockerfile reaches around the sandbox
    BUILD_FAILED = "build_failed"
    BUILD_TIMEOUT = "build_timeout"
    START_FAILED = "start_failed"  # the container could not be started, or exited
    OOM = "oom"  # killed for using more memory than the task allows, before it was ready
    WRONG_BIND = "wrong_bind"  # listens on the task's port, but on 127.0.0.1 only
    WRONG_PORT = "wrong_port"  # listens, but on another port than the task's
    NOT_READY = "not_ready"  # running, but the health path never answered 2xx in time
    HARNESS_ERROR = "harness_error"  # the grader's fault: no score is given
    # the app ran, but too little of its API was reached to trust a score: none is given
    INCONCLUSIVE = "inconclusive"

    @property
    def is_candidate_failure(self) -> bool:
        return self not in (Status.GRADED, Status.HARNESS_ERROR, Status.INCONCLUSIVE)

    @property
    def is_scored(self) -> bool:
        return self not in (Status.HARNESS_ERROR, Status.INCONCLUSIVE)


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"  # the test could not run to its assertions (fixture error, timeout)
    SKIPPED = "skipped"
    NOT_RUN = "not_run"  # the app never got to this test, or the suite ended before it


class StageStatus(StrEnum):
    OK = "ok"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class TestOutcome:
    id: str
    suite: str
    criterion: str
    outcome: Outcome
    visibility: str
    weight: float = 1.0
    duration_s: float = 0.0
    message: str = ""
    # the share of its weight a measured test earned (0..1), such as line coverage against a
    # threshold; None for the usual all-or-nothing test: all when passed, none otherwise
    credit: float | None = None
    operation: str | None = None  # the API operation a test judges, where it judges one

    @property
    def earned(self) -> float:
        if self.outcome is not Outcome.PASSED and self.outcome is not Outcome.FAILED:
            return 0.0
        if self.credit is not None:
            return self.credit
        return 1.0 if self.outcome is Outcome.PASSED else 0.0


@dataclass(frozen=True)
class StageRecord:
    name: str
    status: StageStatus
    duration_s: float
    detail: str = ""


@dataclass(frozen=True)
class PointLoss:
    """Points a test did not earn, as scoring worked them out: every view reads this."""

    test_id: str
    suite: str
    visibility: str
    outcome: Outcome
    points: float
    message: str  # the first line of the test's message
    operation: str | None = None

    def describe(self) -> str:
        return f"-{self.points:.2f}: {self.test_id} {self.outcome.value}: {self.message}"


@dataclass(frozen=True)
class TestPoints:
    """What one test earned of the share of its criterion it was worth."""

    test_id: str
    criterion: str
    points: float
    max_points: float


@dataclass(frozen=True)
class CriterionScore:
    id: str
    title: str
    points: float
    max_points: float
    tests_passed: int
    tests_total: int
    lost: tuple[PointLoss, ...] = ()
    hint: str = ""  # the task's advice for when it fails, for candidates


@dataclass(frozen=True)
class CategoryScore:
    id: str
    title: str
    weight: float
    points: float
    max_points: float
    criteria: tuple[CriterionScore, ...] = ()


@dataclass(frozen=True)
class RedFlag:
    """Points lost in a criterion the task marks critical: a flaw a reviewer rejects for."""

    criterion: str
    title: str
    category: str
    points_lost: float


@dataclass(frozen=True)
class Score:
    """`points` and `percent` are the total after the task's red-flag rule; the categories'
    points add up to `before_red_flags` percent when the rule lowered it, to `percent` if not."""

    points: float
    max_points: float
    percent: float
    categories: tuple[CategoryScore, ...] = ()
    tests: tuple[TestPoints, ...] = ()
    red_flags: tuple[RedFlag, ...] = ()
    before_red_flags: float | None = None  # the percent the rule lowered, when it did

    def test_points(self) -> dict[str, TestPoints]:
        return {entry.test_id: entry for entry in self.tests}


@dataclass(frozen=True)
class TaskInfo:
    id: str
    version: str
    sha256: str


@dataclass(frozen=True)
class SubmissionInfo:
    id: str
    source: str
    sha256: str | None = None
    snapshot: str | None = None  # `<id>.tar.gz` beside result.json: exactly what was graded
    commit: str | None = None  # a git URL's: the commit its ref resolved to when graded


@dataclass(frozen=True)
class Result:
    grader_version: str
    task: TaskInfo
    submission: SubmissionInfo
    status: Status
    message: str
    score: Score | None
    tests: tuple[TestOutcome, ...]
    stages: tuple[StageRecord, ...]
    started_at: str
    finished_at: str
    suites: tuple[str, ...] = ()
    logs: dict[str, str] = field(default_factory=dict)
    schema_version: str = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["categories"] = data["score"]["categories"] if self.score else []
        if data["score"] is not None:
            del data["score"]["categories"]
        return data


def result_from_dict(data: dict[str, Any]) -> Result:
    """The inverse of `Result.to_dict`, for results read back from disk (this schema version or
    the one before, whose losses were lines of text and whose tests carried no points)."""
    if data.get("schema_version") not in READABLE_VERSIONS:
        raise ValueError(f"result schema version {data.get('schema_version')!r} is not known")
    tests = tuple(TestOutcome(**{**t, "outcome": Outcome(t["outcome"])}) for t in data["tests"])
    score = None
    if data["score"] is not None:
        categories = tuple(
            CategoryScore(
                **{k: v for k, v in category.items() if k != "criteria"},
                criteria=tuple(_criterion_from_dict(c, tests) for c in category["criteria"]),
            )
            for category in data["categories"]
        )
        points = data["score"].get("tests")
        score = Score(
            **{k: v for k, v in data["score"].items() if k not in ("tests", "red_flags")},
            red_flags=tuple(RedFlag(**flag) for flag in data["score"].get("red_flags", ())),
            categories=categories,
            tests=tuple(TestPoints(**p) for p in points)
            if points is not None
            else _points_of_version_1(categories, tests),
        )
    return Result(
        schema_version=SCHEMA_VERSION,
        grader_version=data["grader_version"],
        task=TaskInfo(**data["task"]),
        submission=SubmissionInfo(**data["submission"]),
        status=Status(data["status"]),
        message=data["message"],
        score=score,
        tests=tests,
        stages=tuple(
            StageRecord(**{**s, "status": StageStatus(s["status"])}) for s in data["stages"]
        ),
        started_at=data["started_at"],
        finished_at=data["finished_at"],
        suites=tuple(data["suites"]),
        logs=dict(data["logs"]),
    )


def _criterion_from_dict(data: dict[str, Any], tests: tuple[TestOutcome, ...]) -> CriterionScore:
    lost = tuple(
        PointLoss(**{**loss, "outcome": Outcome(loss["outcome"])})
        if isinstance(loss, dict)
        else _loss_of_version_1(str(loss), data["id"], tests)
        for loss in data["lost"]
    )
    return CriterionScore(**{**data, "lost": lost})


_VERSION_1_LOSS = re.compile(r"^-(\d+(?:\.\d+)?): (\S+) (\w+): (.*)$", re.DOTALL)


def _loss_of_version_1(text: str, criterion: str, tests: tuple[TestOutcome, ...]) -> PointLoss:
    """A loss of a 1.0 result, read from its line of text. A line that names no test of the
    criterion is kept whole and counted hidden, so no view can show it to a candidate."""
    found = _VERSION_1_LOSS.match(text)
    test = next(
        (t for t in tests if found and t.id == found.group(2) and t.criterion == criterion), None
    )
    if found is None or test is None:
        return PointLoss("", "", "hidden", Outcome.FAILED, 0.0, text)
    return PointLoss(
        test.id, test.suite, test.visibility, test.outcome, float(found.group(1)), found.group(4)
    )


def _points_of_version_1(
    categories: tuple[CategoryScore, ...], tests: tuple[TestOutcome, ...]
) -> tuple[TestPoints, ...]:
    """Per-test points for a 1.0 result, by the rule scoring applied when it was written."""
    criteria = {c.id: c for category in categories for c in category.criteria}
    weights: dict[str, float] = {}
    for test in tests:
        weights[test.criterion] = weights.get(test.criterion, 0.0) + test.weight
    found = []
    for test in tests:
        criterion = criteria.get(test.criterion)
        if criterion is None or not weights[test.criterion]:
            continue
        share = criterion.max_points * test.weight / weights[test.criterion]
        found.append(
            TestPoints(test.id, test.criterion, round(share * test.earned, 4), round(share, 4))
        )
    return tuple(found)
