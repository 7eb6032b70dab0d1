"""A distributed job: the message one submission becomes. Pure values.

A message carries ids, hashes and limits, never the submission's source: the snapshot is in
the store under its sha256, the task under its hash. The job key, from the snapshot hash, the
task hash and the selected suites, names the job's result in the store, so a job delivered
twice (a worker died after grading, or a resumed run sent it again) finds its result and is
not graded twice.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from grader.core.task import RuntimeSpec

SHA256 = r"^[0-9a-f]{64}$"
NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"
KEY_LENGTH = 32
# what a job may take beyond the task's own bounds: waiting for the engine, writing back
TIME_LIMIT_MARGIN_S = 120.0


class JobMessage(BaseModel):
    """One submission to grade, as it travels through the broker (validated on arrival)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    run_id: str = Field(pattern=NAME)
    submission_id: str = Field(pattern=NAME)
    origin: str = Field(max_length=4096, description="the source as named where the run began")
    snapshot_sha256: str = Field(pattern=SHA256)
    task_id: str = Field(pattern=NAME)
    task_sha256: str = Field(pattern=SHA256)
    suites: tuple[str, ...]
    time_limit_s: float = Field(gt=0)

    @property
    def key(self) -> str:
        return job_key(self.snapshot_sha256, self.task_sha256, self.suites)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def job_key(snapshot_sha256: str, task_sha256: str, suites: tuple[str, ...]) -> str:
    """The same snapshot graded against the same task and suites: the same key."""
    material = "\n".join([snapshot_sha256, task_sha256, *suites])
    return hashlib.sha256(material.encode()).hexdigest()[:KEY_LENGTH]


def time_limit_s(runtime: RuntimeSpec) -> float:
    """A job's bound: its submission's whole budget (which covers the build and every stage)
    plus a margin for the worker's own work. Past it the job gets a harness_error result."""
    return runtime.submission_budget_s + TIME_LIMIT_MARGIN_S


def worker_run_id(worker: str, key: str) -> str:
    """The run id a worker labels one job's containers and images with on its engine: its own
    name first, so at start it finds what it left behind and nothing of another worker's."""
    return f"{worker_prefix(worker)}{key[:12]}"


def worker_prefix(worker: str) -> str:
    return f"wk-{re.sub(r'[^A-Za-z0-9_.]', '_', worker)}-"
