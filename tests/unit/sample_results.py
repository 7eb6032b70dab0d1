"""Results built by hand as values, for the report tests: scored by the real scoring code.

The hidden tests carry distinctive ids, names and messages (`SECRETS`) so a test can assert
that none of them reaches a candidate's view; the same strings are also planted where a careless
renderer would pick them up: a stage detail, the logs, a public test's message.
"""

from __future__ import annotations

import json
from pathlib import Path

from grader.core.result import (
    Outcome,
    Result,
    StageRecord,
    StageStatus,
    Status,
    SubmissionInfo,
    TaskInfo,
)
from grader.core.result import TestOutcome as Run  # aliased: pytest would collect Test*
from grader.core.scoring import score_outcomes
from grader.core.task import parse_task_spec

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

HIDDEN_FAILED = "hidden/test_zq_vault.py::test_qx_secret_probe_7731"
HIDDEN_PARAM = "hidden/test_zq_vault.py::test_qx_other_probe_5512[case-k9]"
HIDDEN_PASSED = "hidden/test_zq_vault.py::test_qx_passing_probe_9090"
HIDDEN_MESSAGE = (
    "AssertionError: ZQX-HIDDEN-MESSAGE-4417 expected a teapot\nZQX-SECOND-LINE-8080 detail"
)
HIDDEN_PARAM_MESSAGE = "ZQX-PARAM-MESSAGE-2323: the vault answered 500"

SECRETS = (
    HIDDEN_FAILED,
    HIDDEN_PARAM,
    HIDDEN_PASSED,
    "test_qx_secret_probe_7731",
    "test_qx_other_probe_5512",
    "test_qx_passing_probe_9090",
    "ZQX-HIDDEN-MESSAGE-4417",
    "ZQX-SECOND-LINE-8080",
    "ZQX-PARAM-MESSAGE-2323",
    "test_zq_vault",
)

PUBLIC_FAILED_MESSAGE = (
    "AssertionError: expected 201, got 500 <b>bold</b> | pipe\n"
    "also mentions test_qx_secret_probe_7731 by accident"
)

TESTS = (
    Run(
        "public/test_pub.py::test_create",
        "public",
        "api.create",
        Outcome.PASSED,
        "public",
        1.0,
        0.12,
    ),
    Run(
        "public/test_pub.py::test_create_rejects",
        "public",
        "api.create",
        Outcome.FAILED,
        "public",
        1.0,
        0.2,
        PUBLIC_FAILED_MESSAGE,
    ),
    Run(
        "public/test_pub.py::test_json_404",
        "public",
        "errors.json",
        Outcome.PASSED,
        "public",
        1.0,
        0.05,
    ),
    Run(HIDDEN_FAILED, "hidden", "api.read", Outcome.FAILED, "hidden", 1.0, 0.3, HIDDEN_MESSAGE),
    Run(
        HIDDEN_PARAM,
        "hidden",
        "api.create",
        Outcome.ERROR,
        "hidden",
        2.0,
        0.4,
        HIDDEN_PARAM_MESSAGE,
    ),
    Run(HIDDEN_PASSED, "hidden", "errors.json", Outcome.PASSED, "hidden", 1.0, 0.1),
)

LOGS = {
    "build": "Step 1/4 : FROM python:3.11\n\x1b[91mERROR: colour\x1b[0m\nSuccessfully built abc\n",
    "app": f"GET /vault 500 (sent by {HIDDEN_FAILED})\nZQX-HIDDEN-MESSAGE-4417 echoed\n",
    "tests-public": "public/test_pub.py .F.\n",
    "tests-hidden": f"{HIDDEN_FAILED} FAILED\n{HIDDEN_MESSAGE}\n",
}


def graded_result(submission: str = "alice") -> Result:
    spec = parse_task_spec(TASK, "task.toml")
    return Result(
        grader_version="0.1.0",
        task=TaskInfo(id="mini", version="2.1", sha256="a" * 64),
        submission=SubmissionInfo(id=submission, source=f"subs/{submission}.zip", sha256="b" * 64),
        status=Status.GRADED,
        message="graded",
        score=score_outcomes(spec.rubric, TESTS),
        tests=TESTS,
        stages=(
            StageRecord("intake", StageStatus.OK, 0.5),
            StageRecord("build", StageStatus.OK, 12.25, "Dockerfile -> sha256:0123"),
            StageRecord("test:public", StageStatus.OK, 1.0, "2/3 passed"),
            StageRecord(
                "test:hidden", StageStatus.OK, 2.0, f"1/3 passed; last was {HIDDEN_FAILED}"
            ),
        ),
        started_at="2024-05-01T10:00:00+00:00",
        finished_at="2024-05-01T10:01:00+00:00",
        suites=("public", "hidden"),
        logs={name: f"logs/{name}.log" for name in LOGS},
    )


def harness_error_result(submission: str = "bob") -> Result:
    not_run = tuple(
        Run(t.id, t.suite, t.criterion, Outcome.NOT_RUN, t.visibility, t.weight) for t in TESTS
    )
    return Result(
        grader_version="0.1.0",
        task=TaskInfo(id="mini", version="2.1", sha256="a" * 64),
        submission=SubmissionInfo(id=submission, source=f"subs/{submission}", sha256="c" * 64),
        status=Status.HARNESS_ERROR,
        message=f"the grader failed (KeyError: '{HIDDEN_FAILED}'); not the candidate's score",
        score=None,
        tests=not_run,
        stages=(StageRecord("intake", StageStatus.OK, 0.1),),
        started_at="2024-05-01T10:00:00+00:00",
        finished_at="2024-05-01T10:00:01+00:00",
        suites=("public", "hidden"),
        logs={"harness": "logs/harness.log"},
    )


def build_failed_result(submission: str = "carol") -> Result:
    spec = parse_task_spec(TASK, "task.toml")
    message = "docker build failed: exit 1\nlast lines of the build output:\nERROR: no such package"
    not_run = tuple(
        Run(
            t.id,
            t.suite,
            t.criterion,
            Outcome.NOT_RUN,
            t.visibility,
            t.weight,
            message="build_failed: docker build failed: exit 1",
        )
        for t in TESTS
    )
    return Result(
        grader_version="0.1.0",
        task=TaskInfo(id="mini", version="2.1", sha256="a" * 64),
        submission=SubmissionInfo(id=submission, source=f"subs/{submission}", sha256="d" * 64),
        status=Status.BUILD_FAILED,
        message=message,
        score=score_outcomes(spec.rubric, not_run),
        tests=not_run,
        stages=(
            StageRecord("intake", StageStatus.OK, 0.1),
            StageRecord("build", StageStatus.FAILED, 3.0, "docker build failed: exit 1"),
        ),
        started_at="2024-05-01T10:00:00+00:00",
        finished_at="2024-05-01T10:00:04+00:00",
        suites=("public", "hidden"),
        logs={"build": "logs/build.log"},
    )


def write_run(run_dir: Path, results: list[Result]) -> Path:
    """A run folder as `grader grade` leaves it: result.json and logs per submission."""
    for result in results:
        folder = run_dir / result.submission.id
        (folder / "logs").mkdir(parents=True)
        (folder / "result.json").write_text(json.dumps(result.to_dict()), encoding="utf-8")
        for name, relative in result.logs.items():
            text = LOGS.get(name, f"Traceback: KeyError '{HIDDEN_FAILED}'\n")
            (folder / relative).write_text(text, encoding="utf-8")
    return run_dir
