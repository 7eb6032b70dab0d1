"""Calibration: each solution of a task loses points exactly where its defect is.

`tasks/<id>/calibration.toml` names every folder of `solutions/` and the categories it must
lose points in (`loses = []` for the reference, which must score 100 %); every category it
does not name must keep full marks. A variant may also name `criteria`: then in each category
that holds one of them, exactly those criteria lose points and the others keep full marks.
`red_flags` names the critical criteria it must raise a red flag in: exactly those, none if
empty.
Pure: parsing text and judging results given to it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from grader.core.errors import TaskError
from grader.core.result import CategoryScore, Result, Status
from grader.core.task import TaskSpec, parse_toml_file


class VariantSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    loses: tuple[str, ...] = ()
    criteria: tuple[str, ...] = ()
    red_flags: tuple[str, ...] = ()
    why: str = ""


class CalibrationSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    variant: tuple[VariantSpec, ...] = Field(min_length=1)


@dataclass(frozen=True)
class VariantVerdict:
    name: str
    expected_losses: tuple[str, ...]
    problems: tuple[str, ...]
    expected_criteria: tuple[str, ...] = ()

    def describe_losses(self) -> str:
        """The categories it must lose in, and the only criteria that may lose, if named."""
        text = ", ".join(self.expected_losses) or "nothing"
        return text + (
            f" (only {', '.join(self.expected_criteria)})" if self.expected_criteria else ""
        )

    @property
    def ok(self) -> bool:
        return not self.problems


def parse_calibration(text: str, source: str, task: TaskSpec) -> CalibrationSpec:
    spec = parse_toml_file(CalibrationSpec, text, source)
    categories = {category.id for category in task.rubric.categories}
    criterion_category = task.rubric.category_of()
    critical = {
        criterion.id
        for category in task.rubric.categories
        for criterion in category.criteria
        if criterion.critical
    }
    problems = []
    seen: set[str] = set()
    for variant in spec.variant:
        if variant.name in seen:
            problems.append(f"variant {variant.name!r} appears more than once")
        seen.add(variant.name)
        problems += [
            f"variant {variant.name!r}: unknown category {category!r}"
            for category in variant.loses
            if category not in categories
        ]
        problems += [
            f"variant {variant.name!r}: criterion {criterion!r} is not in a category it loses"
            for criterion in variant.criteria
            if criterion_category.get(criterion) not in variant.loses
        ]
        problems += [
            f"variant {variant.name!r}: red flag {criterion!r} is not a critical criterion"
            for criterion in variant.red_flags
            if criterion not in critical
        ]
    if problems:
        raise TaskError(f"{source}: " + "; ".join(problems))
    return spec


def folder_problems(spec: CalibrationSpec, folders: Sequence[str]) -> list[str]:
    """Every solution folder has an entry, and every entry a folder."""
    named = {variant.name for variant in spec.variant}
    return [
        f"solutions/{name} has no entry in calibration.toml"
        for name in folders
        if name not in named
    ] + [
        f"calibration.toml names {name!r}, but there is no solutions/{name}"
        for name in sorted(named - set(folders))
    ]


def judge(spec: CalibrationSpec, results: Mapping[str, Result]) -> list[VariantVerdict]:
    """For each variant: did it lose points in exactly the categories it should?"""
    verdicts = []
    for variant in spec.variant:
        result = results.get(variant.name)
        problems: list[str] = []
        if result is None:
            problems.append("was not graded")
        elif result.status is not Status.GRADED or result.score is None:
            problems.append(f"was not graded: {result.status.value}: {result.message}")
        else:
            for category in result.score.categories:
                lost = category.points < category.max_points
                if category.id in variant.loses and not lost:
                    problems.append(f"should lose points in {category.id}, but kept all")
                elif category.id not in variant.loses and lost:
                    reasons = [loss.describe() for c in category.criteria for loss in c.lost]
                    problems.append(
                        f"lost {category.max_points - category.points:g} points in {category.id}, "
                        f"which it should not: {reasons[0] if reasons else ''}"
                    )
                problems += _criterion_problems(variant, category)
            raised = {flag.criterion for flag in result.score.red_flags}
            problems += [
                f"should raise the red flag {criterion}, but did not"
                for criterion in variant.red_flags
                if criterion not in raised
            ]
            problems += [
                f"raised the red flag {criterion}, which it should not"
                for criterion in sorted(raised - set(variant.red_flags))
            ]
        verdicts.append(
            VariantVerdict(variant.name, variant.loses, tuple(problems), variant.criteria)
        )
    return verdicts


def _criterion_problems(variant: VariantSpec, category: CategoryScore) -> list[str]:
    named = [c for c in category.criteria if c.id in variant.criteria]
    if not named:
        return []
    problems = []
    for criterion in category.criteria:
        lost = criterion.points < criterion.max_points
        if criterion.id in variant.criteria and not lost:
            problems.append(f"should lose points in {criterion.id}, but kept all")
        elif criterion.id not in variant.criteria and lost:
            problems.append(
                f"lost {criterion.max_points - criterion.points:g} points in {criterion.id}, "
                f"which it should not: {criterion.lost[0].describe() if criterion.lost else ''}"
            )
    return problems
