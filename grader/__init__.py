"""grader: grade take-home web-API submissions in hardened Docker containers, by observation.

The pipeline for one submission is intake -> build -> run -> probe -> test -> score -> write
(`grader.pipeline`). The Python API below is what the CLI, the tests and other programs use.

Pure core: `task`, `task_checks`, `scoring`, `result`, `events`, `flask_dockerfile`, `naming`,
`calibration`, `feedback`, `listening`, `dockerfile_policy` and `result_diff` do no IO. They
import nothing of docker, httpx, subprocess or jinja2 and open no file; the test suite enforces
it. Everything that touches the engine, the network or the disk lives in the other modules.
The reports (`grader.reports`) are rendered from results by pure views and renderers too; only
their writer touches the disk.
The static engineering measures (`grader.engineering`) are pure too, apart from `source`, which
reads a submission's files and git log, and `lint`, which runs ruff.
"""

from grader.batch import BatchOutcome, grade_batch
from grader.errors import EngineUnavailable, GraderError, TaskError
from grader.pipeline import GradeSettings, GradingPlan, Submission, grade_submission, plan_grading
from grader.result import Outcome, Result, Status
from grader.scoring import score_outcomes
from grader.task import Task, TaskSpec, parse_task_spec
from grader.task_files import TaskLocation, load_task
from grader.version import VERSION

__version__ = VERSION

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
