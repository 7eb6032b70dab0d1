"""`grader.core.result`: a Result survives its JSON form, which matches the published schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

import grader
from grader.core.result import (
    Outcome,
    Result,
    StageRecord,
    StageStatus,
    Status,
    SubmissionInfo,
    TaskInfo,
    result_from_dict,
)
from grader.core.result import TestOutcome as Run  # aliased: pytest would collect Test*
from grader.core.scoring import score_outcomes
from grader.core.task import parse_task_spec

SCHEMA = json.loads(
    (Path(grader.__file__).parent / "schema" / "result.schema.json").read_text(encoding="utf-8")
)

TASK = """
id = "mini"
version = "2.1"
title = "Mini"

[[suites]]
id = "public"
path = "public"
visibility = "public"

[[suites]]
id = "hidden"
path = "hidden"
visibility = "hidden"

[rubric]
total = 100

[[rubric.categories]]
id = "api"
title = "API"
weight = 70

[[rubric.categories.criteria]]
id = "api.create"
title = "Create"

[[rubric.categories.criteria]]
id = "api.read"
title = "Read"

[[rubric.categories]]
id = "errors"
title = "Errors"
weight = 30

[[rubric.categories.criteria]]
id = "errors.json"
title = "JSON errors"
"""

TESTS = (
    Run(
        "public/test_a.py::test_create", "public", "api.create", Outcome.PASSED, "public", 2.0, 0.1
    ),
    Run(
        "hidden/test_b.py::test_read",
        "hidden",
        "api.read",
        Outcome.FAILED,
        "hidden",
        1.0,
        0.25,
        "expected 200, got 404\nassert 404 == 200",
    ),
    Run("hidden/test_b.py::test_json", "hidden", "errors.json", Outcome.NOT_RUN, "hidden"),
)


def graded_result() -> Result:
    spec = parse_task_spec(TASK, "task.toml")
    score = score_outcomes(spec.rubric, TESTS)
    return Result(
        grader_version="0.1.0",
        task=TaskInfo(id="mini", version="2.1", sha256="a" * 64),
        submission=SubmissionInfo(id="alice", source="subs/alice.zip", sha256="b" * 64),
        status=Status.GRADED,
        message="graded",
        score=score,
        tests=TESTS,
        stages=(
            StageRecord("intake", StageStatus.OK, 0.5),
            StageRecord("build", StageStatus.OK, 12.25, "Dockerfile"),
            StageRecord("cleanup", StageStatus.SKIPPED, 0.0),
        ),
        started_at="2024-05-01T10:00:00+00:00",
        finished_at="2024-05-01T10:01:00+00:00",
        suites=("public", "hidden"),
        logs={"build": "logs/build.log", "app": "logs/app.log"},
    )


def refused_result() -> Result:
    return Result(
        grader_version="0.1.0",
        task=TaskInfo(id="mini", version="2.1", sha256="a" * 64),
        submission=SubmissionInfo(id="bob", source="subs/bob.zip", sha256=None),
        status=Status.HARNESS_ERROR,
        message="the engine went away",
        score=None,
        tests=(),
        stages=(StageRecord("intake", StageStatus.FAILED, 0.1, "boom"),),
        started_at="2024-05-01T10:00:00+00:00",
        finished_at="2024-05-01T10:00:01+00:00",
    )


def test_graded_result_has_a_score_with_lost_points():
    result = graded_result()

    assert result.score is not None
    assert result.score.max_points == 100
    assert result.score.points == pytest.approx(35)  # api.create only
    assert any(c.lost for category in result.score.categories for c in category.criteria)


@pytest.mark.parametrize("make", [graded_result, refused_result])
def test_result_round_trips_through_its_dict(make):
    result = make()

    assert result_from_dict(result.to_dict()) == result


@pytest.mark.parametrize("make", [graded_result, refused_result])
def test_result_round_trips_through_json(make):
    result = make()

    text = json.dumps(result.to_dict())

    assert result_from_dict(json.loads(text)) == result


def test_dict_puts_categories_beside_the_score():
    data = graded_result().to_dict()

    assert set(data["score"]) == {"points", "max_points", "percent", "tests"}
    assert [c["id"] for c in data["categories"]] == ["api", "errors"]
    assert data["schema_version"] == "2.1"
    assert refused_result().to_dict()["categories"] == []


@pytest.mark.parametrize("make", [graded_result, refused_result])
def test_json_form_matches_the_schema(make):
    data = json.loads(json.dumps(make().to_dict()))

    jsonschema.validate(data, SCHEMA)


def test_schema_rejects_an_unknown_status():
    data = json.loads(json.dumps(graded_result().to_dict()))
    data["status"] = "great"

    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, SCHEMA)
