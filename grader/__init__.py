"""grader: grade take-home web-API submissions in hardened Docker containers, by observation.

The pipeline for one submission is intake -> build -> run -> probe -> test -> score -> write
(`grader.pipeline`). The layout follows it:

- `grader.core`: the pure core (task, rubric, result, scoring, events); no IO, nothing else of
  ours imported; a test enforces it;
- `grader.stages`: one package per stage (intake, build, probe, reference_tests, fuzz,
  engineering) and the ordered list of the stages after the reference suites;
- `grader.sandbox`: the Docker engine, hardened containers, build confinement, the firewall;
- `grader.runs`: batches, the self-check, the candidate kit, regrade, calibration, run records;
- `grader.reports`: views and renderers (pure) and the writer; the console view;
- `grader.cli`: the command line.

The names below are the Python API, imported on first use: `import grader` loads no engine
client, no HTTP client and no test runner.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from grader.version import VERSION

if TYPE_CHECKING:
    from grader.core.errors import EngineUnavailable, GraderError, TaskError
    from grader.core.result import Outcome, Result, Status
    from grader.core.scoring import score_outcomes
    from grader.core.task import Task, TaskSpec, parse_task_spec
    from grader.pipeline import (
        GradeSettings,
        GradingPlan,
        Submission,
        grade_submission,
        plan_grading,
    )
    from grader.runs.batch import BatchOutcome, grade_batch
    from grader.runs.task_files import TaskLocation, load_task

__version__ = VERSION

_WHERE = {
    "BatchOutcome": "grader.runs.batch",
    "grade_batch": "grader.runs.batch",
    "EngineUnavailable": "grader.core.errors",
    "GraderError": "grader.core.errors",
    "TaskError": "grader.core.errors",
    "GradeSettings": "grader.pipeline",
    "GradingPlan": "grader.pipeline",
    "Submission": "grader.pipeline",
    "grade_submission": "grader.pipeline",
    "plan_grading": "grader.pipeline",
    "Outcome": "grader.core.result",
    "Result": "grader.core.result",
    "Status": "grader.core.result",
    "score_outcomes": "grader.core.scoring",
    "Task": "grader.core.task",
    "TaskSpec": "grader.core.task",
    "parse_task_spec": "grader.core.task",
    "TaskLocation": "grader.runs.task_files",
    "load_task": "grader.runs.task_files",
}

__all__ = [
    "VERSION",
    "BatchOutcome",
    "EngineUnavailable",
    "GradeSettings",
    "GraderError",
    "GradingPlan",
    "Outcome",
    "Result",
    "Status",
    "Submission",
    "Task",
    "TaskError",
    "TaskLocation",
    "TaskSpec",
    "grade_batch",
    "grade_submission",
    "load_task",
    "parse_task_spec",
    "plan_grading",
    "score_outcomes",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'grader' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
