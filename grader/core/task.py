"""The task a hiring team writes: `tasks/<id>/task.toml`, validated at the edge.

Pure: parses text it is given and opens no file (`runs.task_files` reads the folder). Unknown keys
are refused, and every problem is reported with the file, the key and what is wrong.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from grader.core.errors import TaskError
from grader.core.measures import CHECKLISTS, MEASURES, SCALED

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)*$"

Identifier = Annotated[str, Field(pattern=ID_PATTERN, max_length=80)]
Visibility = Literal["public", "hidden"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuntimeSpec(_Strict):
    """How the submission's app is built, started and bounded."""

    port: int = Field(8000, ge=1, le=65535, description="port the app must listen on, 0.0.0.0")
    health_path: str = Field("/health", description="GET path that answers 2xx once ready")
    ready_on_any_answer: bool = Field(
        False,
        description="any HTTP answer below 500 to the health path means ready (grading by "
        "--spec when neither the user nor the document names a health path)",
    )
    any_repository: bool = Field(
        False,
        description="an arbitrary repository (grading by --spec): with no Dockerfile a "
        "Dockerfile.* is used, and a Dockerfile the policy refuses is replaced by a generated one",
    )
    startup_timeout_s: float = Field(30.0, gt=0, le=600)
    build_timeout_s: float = Field(600.0, gt=0, le=3600)
    test_timeout_s: float = Field(15.0, gt=0, le=600, description="per reference test")
    suite_timeout_s: float = Field(600.0, gt=0, le=7200, description="per suite, in total")
    submission_budget_s: float = Field(
        900.0,
        gt=0,
        le=86400,
        description="the whole grading of one submission, every stage together (waiting for "
        "a build slot in a batch is not counted); a stage not started by then is skipped and "
        "its tests are not_run, and a suite or the fuzz stage is given at most what is left. "
        "Must exceed build_timeout_s + startup_timeout_s",
    )
    memory_mb: int = Field(512, ge=32, le=16384)
    cpus: float = Field(1.0, gt=0, le=64)
    pids: int = Field(256, ge=16, le=65536)
    tmpfs_mb: int = Field(64, ge=1, le=4096, description="size of the writable /tmp")
    data_dir: str | None = Field(
        None, description="a writable folder in the container, kept across restarts of the app"
    )
    env: dict[str, str] = Field(default_factory=dict, description="environment given to the app")
    command: tuple[str, ...] | None = Field(
        None, min_length=1, description="starts the app instead of the image's own command"
    )
    base_images: tuple[str, ...] = ("python:3.11-slim",)
    build_network: Literal["outbound", "none"] = Field(
        "outbound",
        description="what a build's RUN steps may reach: `outbound` (package indexes; never "
        "this host nor private or link-local addresses) or `none`",
    )
    build_disk_mb: int = Field(
        2048, ge=64, le=65536, description="what a build may add to its base image, in MiB"
    )

    @model_validator(mode="after")
    def _budget_leaves_time_for_tests(self) -> RuntimeSpec:
        before_tests = self.build_timeout_s + self.startup_timeout_s
        if self.submission_budget_s <= before_tests:
            raise ValueError(
                f"submission_budget_s ({self.submission_budget_s:g}) must exceed "
                f"build_timeout_s + startup_timeout_s ({before_tests:g}), or no test may run"
            )
        return self

    @field_validator("data_dir")
    @classmethod
    def _data_dir_is_a_plain_absolute_folder(cls, value: str | None) -> str | None:
        if value is None:
            return None
        path = PurePosixPath(value)
        if not path.is_absolute() or ".." in path.parts or len(path.parts) < 2:
            raise ValueError("must be an absolute folder such as /data, not / itself")
        if path.parts[1] in ("tmp", "proc", "sys", "dev"):
            raise ValueError(f"must not be under /{path.parts[1]}")
        return value

    @field_validator("health_path")
    @classmethod
    def _absolute_path(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError("must start with '/'")
        return value


class CriterionSpec(_Strict):
    id: Identifier
    title: str = Field(min_length=1)
    weight: float = Field(1.0, gt=0, description="share within its category")
    hint: str = Field("", description="what to look at when it fails, shown to candidates")
    critical: bool = Field(
        False,
        description="a flaw here is one a reviewer would reject for (an exploitable hole, lost "
        "data): any point lost is a red flag, named first in every view",
    )


class CategorySpec(_Strict):
    id: Identifier
    title: str = Field(min_length=1)
    weight: float = Field(ge=0, description="points this category is worth")
    rationale: str = ""
    criteria: tuple[CriterionSpec, ...] = Field(min_length=1)


class RedFlagRule(_Strict):
    """How red flags (points lost in a critical criterion) weigh on the total."""

    cap_percent: float | None = Field(
        None, ge=0, le=100, description="with any red flag, the total is at most this percent"
    )
    deduct_percent: float = Field(
        0.0, ge=0, le=100, description="each red flag then takes this many percent off"
    )


class RubricSpec(_Strict):
    total: float = Field(100.0, gt=0, description="the category weights must sum to this")
    categories: tuple[CategorySpec, ...] = Field(min_length=1)
    red_flags: RedFlagRule = Field(
        RedFlagRule(cap_percent=None, deduct_percent=0.0),
        description="the rule by which red flags weigh on the total (by default, none: they "
        "are only named)",
    )

    def category_of(self) -> dict[str, str]:
        """Each criterion's id -> the id of the category that holds it."""
        return {
            criterion.id: category.id
            for category in self.categories
            for criterion in category.criteria
        }

    @model_validator(mode="after")
    def _consistent(self) -> RubricSpec:
        weights = sum(category.weight for category in self.categories)
        if not math.isclose(weights, self.total, abs_tol=1e-6):
            raise ValueError(f"category weights sum to {weights:g}, but total is {self.total:g}")
        _require_unique("category", [category.id for category in self.categories])
        _require_unique(
            "criterion", [c.id for category in self.categories for c in category.criteria]
        )
        return self


class SuiteSpec(_Strict):
    id: Identifier
    path: str = Field(description="folder under reference_tests/<task id>/")
    visibility: Visibility

    @field_validator("path")
    @classmethod
    def _inside_tests_folder(cls, value: str) -> str:
        path = PurePosixPath(value)
        if path.is_absolute() or ".." in path.parts or not path.parts:
            raise ValueError("must be a relative folder inside reference_tests/<task id>/")
        return value


class FuzzRequest(_Strict):
    """One request the grader sends itself, such as a login."""

    method: Literal["GET", "POST", "PUT", "PATCH"] = "POST"
    path: str = Field(pattern=r"^/")
    json_body: dict[str, object] | None = Field(None, alias="json")
    form_body: dict[str, str] | None = Field(
        None, alias="form", description="sent as application/x-www-form-urlencoded instead"
    )
    headers: dict[str, str] = Field(
        default_factory=dict, description="sent with it, such as an HTTP Basic login"
    )


class FuzzAuthSpec(_Strict):
    """How the fuzz stage gets a token for the operations the spec secures."""

    steps: tuple[FuzzRequest, ...] = Field(
        min_length=1, description="sent in order (say, register then log in); the last answers"
    )
    token_pointer: str = Field(
        "/access_token",
        pattern=r"^(/.*)?$",
        description="JSON pointer of the token in the last answer; '' for the whole body "
        "(a token answered as plain text)",
    )
    header: str = "Authorization"
    scheme: str = "Bearer"
    keep_out: tuple[str, ...] = Field(
        (), description="operations ('POST /auth/logout') never sent the token: it would revoke it"
    )


class FuzzSpec(_Strict):
    """Property tests generated from the task's OpenAPI document, recorded once, replayed."""

    spec: str = Field("openapi.yaml", description="the OpenAPI document, in the task folder")
    served_at: str | None = Field(
        None,
        pattern=r"^/",
        description="instead: the path the app serves its own document at; cases are "
        "generated from what it serves, per submission",
    )
    cases: str = Field("fuzz-cases.json", description="the recorded cases, in the task folder")
    visibility: Visibility = "hidden"
    bug_criterion: Identifier = Field(description="criterion of 5xx, crashes and ignored auth")
    deviation_criterion: Identifier = Field(description="criterion of answers off the contract")
    positive_examples: int = Field(8, ge=1, le=200, description="valid cases per operation")
    negative_examples: int = Field(4, ge=0, le=200, description="invalid cases per operation")
    any_operation_statuses: tuple[int, ...] = Field(
        (), description="statuses the spec says any operation may answer (say 404, 405, 415)"
    )
    call_timeout_s: float = Field(5.0, gt=0, le=120)
    budget_s: float = Field(180.0, gt=0, le=3600, description="the whole stage")
    auth: FuzzAuthSpec | None = None
    base_path: str | None = Field(
        None,
        pattern=r"^/",
        description="where the document's paths live on the server, instead of the document's "
        "own servers url or basePath ('/' for the root)",
    )
    battery: bool = Field(
        False,
        description="add the bad-input battery to the recorded cases: lone surrogates, "
        "integers past 2^63, wrong types, missing fields, unknown ids, the same create twice",
    )
    infer_login: bool = Field(
        False,
        description="with no auth: register a new user and log in where the document shows "
        "an operation for each (grading by --spec)",
    )
    inconclusive_when_unexplored: bool = Field(
        False,
        description="the result is `inconclusive`, not scored, when too little of the API "
        "answered anything but 401/403/404 (grading by --spec)",
    )

    @field_validator("spec", "cases")
    @classmethod
    def _inside_task_folder(cls, value: str) -> str:
        path = PurePosixPath(value)
        if path.is_absolute() or ".." in path.parts or not path.parts:
            raise ValueError("must be a relative path inside the task folder")
        return value


class EngineeringMeasureSpec(_Strict):
    """One engineering measure the task grades, and the criterion it scores under."""

    measure: str = Field(description=f"one of: {', '.join(MEASURES)}")
    criterion: Identifier
    weight: float = Field(1.0, gt=0, description="share within its criterion")
    full_at: float | None = Field(None, description="scaled measures: full marks from here")
    zero_at: float | None = Field(None, description="scaled measures: no marks from here")
    require: tuple[str, ...] = Field((), description="checklist measures: what must be there")

    @model_validator(mode="after")
    def _fits_its_measure(self) -> EngineeringMeasureSpec:
        if self.measure not in MEASURES:
            raise ValueError(f"unknown measure {self.measure!r} (one of: {', '.join(MEASURES)})")
        if self.measure in SCALED:
            if self.require:
                raise ValueError(f"{self.measure} is scaled: set full_at and zero_at, not require")
            full, zero = self.thresholds()
            if full == zero:
                raise ValueError(f"full_at and zero_at must differ (both are {full:g})")
        else:
            if self.full_at is not None or self.zero_at is not None:
                raise ValueError(f"{self.measure} is a checklist: set require, not thresholds")
            items = CHECKLISTS[self.measure].items
            unknown = [item for item in self.require if item not in items]
            if unknown or not self.require:
                raise ValueError(
                    f"{self.measure}.require needs items among: {', '.join(items)}"
                    + (f" (unknown: {', '.join(unknown)})" if unknown else "")
                )
            _require_unique(f"{self.measure} item", list(self.require))
        return self

    def thresholds(self) -> tuple[float, float]:
        """(full_at, zero_at), the task's or the measure's defaults."""
        default = SCALED[self.measure]
        full = default.full_at if self.full_at is None else self.full_at
        zero = default.zero_at if self.zero_at is None else self.zero_at
        return full, zero


class EngineeringSpec(_Strict):
    """The engineering stage: measures read from the source and from the candidate's tests."""

    visibility: Visibility = "public"
    test_timeout_s: float = Field(
        300.0, gt=0, le=3600, description="for the candidate's own tests, in their image"
    )
    measures: tuple[EngineeringMeasureSpec, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _each_measure_once(self) -> EngineeringSpec:
        _require_unique("engineering measure", [m.measure for m in self.measures])
        return self


class TaskSpec(_Strict):
    id: Identifier
    version: str = Field(min_length=1)
    title: str = Field(min_length=1)
    description: str = ""
    runtime: RuntimeSpec = Field(default_factory=RuntimeSpec)  # type: ignore[arg-type]
    rubric: RubricSpec
    suites: tuple[SuiteSpec, ...] = ()
    fuzz: FuzzSpec | None = None
    engineering: EngineeringSpec | None = None

    @model_validator(mode="after")
    def _unique_suites(self) -> TaskSpec:
        if not self.suites and self.fuzz is None and self.engineering is None:
            raise ValueError("a task needs a suite, a [fuzz] or an [engineering] section")
        _require_unique("suite", [suite.id for suite in self.suites])
        for stage in ("fuzz", "engineering"):
            if stage in {suite.id for suite in self.suites}:
                raise ValueError(f"suite id {stage!r} is taken by the {stage} stage")
        known = self.criterion_ids()
        if self.fuzz is not None:
            for key in ("bug_criterion", "deviation_criterion"):
                if getattr(self.fuzz, key) not in known:
                    raise ValueError(f"fuzz.{key} {getattr(self.fuzz, key)!r} is not in the rubric")
        for measure in self.engineering.measures if self.engineering else ():
            if measure.criterion not in known:
                raise ValueError(
                    f"engineering measure {measure.measure}: criterion {measure.criterion!r} "
                    "is not in the rubric"
                )
        return self

    def criterion_ids(self) -> set[str]:
        return {c.id for category in self.rubric.categories for c in category.criteria}


@dataclass(frozen=True)
class Task:
    """A validated task and where its files are."""

    spec: TaskSpec
    root: Path
    tests_root: Path
    sha256: str

    @property
    def id(self) -> str:
        return self.spec.id

    def suite_dir(self, suite: SuiteSpec) -> Path:
        return self.tests_root / suite.path


ModelT = TypeVar("ModelT", bound=BaseModel)


def parse_task_spec(text: str, source: str) -> TaskSpec:
    """Parse and validate task.toml text; `source` names the file in error messages."""
    return parse_toml_file(TaskSpec, text, source)


def parse_toml_file(model: type[ModelT], text: str, source: str) -> ModelT:
    """A file people write, as `model`: TOML that is not valid, or does not fit the model, is
    a TaskError naming `source` and each problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise TaskError(f"{source}: not valid TOML: {error}") from None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise TaskError(format_validation_error(error, source)) from None


def format_validation_error(error: ValidationError, source: str) -> str:
    lines = [f"{source}: {error.error_count()} problem(s)"]
    for problem in error.errors():
        key = _format_location(problem["loc"])
        message = problem["msg"]
        if problem["type"] == "extra_forbidden":
            message = "unknown key"
        elif problem["type"] == "value_error":  # pydantic prefixes the ValueError's own text
            message = message.removeprefix("Value error, ")
        elif problem["type"] == "assertion_error":
            message = message.removeprefix("Assertion failed, ")
        lines.append(f"  {key or '(top level)'}: {message}")
    return "\n".join(lines)


def _format_location(location: tuple[int | str, ...]) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _require_unique(kind: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise ValueError(f"{kind} id {item!r} appears more than once")
        seen.add(item)
