"""The one error root of the harness.

Only faults of the grader itself are exceptions: a bad task file, no Docker engine, a results
folder that cannot be written. Anything a submission does wrong becomes data in its result.

    GraderError            exit code 4 unless a subclass says otherwise
    ├── TaskError          a task file or folder is invalid or missing
    │   └── UnknownTask    the command line names a task that does not exist (exit code 2)
    ├── CommandLineError   the command line names something that is not there (exit code 2)
    ├── EngineUnavailable  no Docker engine can be reached, or the base image is missing
    └── InfrastructureFault  the broker, the store or a worker failed a distributed job
                           (the only kind of fault a distributed job is retried for)

Only the CLI turns these into a process exit.
"""

from __future__ import annotations


class GraderError(Exception):
    """A fault of the grader or its configuration, with a message meant for a person."""

    exit_code = 4

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TaskError(GraderError):
    """A task is missing or its files are invalid."""


class UnknownTask(TaskError):
    """No task of that id or folder: a typo of the operator, not a fault of the grader."""

    exit_code = 2


class CommandLineError(GraderError):
    """The command line names a submission, run or folder that is not there, or not usable."""

    exit_code = 2


class EngineUnavailable(GraderError):
    """No Docker engine answers, or something it needs (a base image) is missing."""


class InfrastructureFault(GraderError):
    """The broker, the shared store or a worker's engine failed while a job was handled: a
    fault of the machines, not of the submission, so the job is tried again."""
