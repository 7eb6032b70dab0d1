"""What a run is: `results/<run>/run.json`, and each submission's `result.json`, read here.

`run.json` records the whole plan of a run: the task (id, version, hash), every suite and stage
it selected, and the submissions with their sources. It is written once when the run starts
and read by resume, regrade and the reports; this module alone knows its shape. Results are
read through `read_result`, with a size cap and as UTF-8, everywhere one is read back.

A record of the first format (before stages were recorded) listed only the reference suites;
`selected` tells what such a run graded: every suite and stage when it listed every suite.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.core.errors import GraderError
from grader.core.result import Result, TaskInfo, result_from_dict
from grader.runs.results_store import write_json_atomically

RUN_RECORD = "run.json"
RESULT_FILE = "result.json"
FORMAT = 2
RECORD_READ_LIMIT = 16 << 20
RESULT_READ_LIMIT = 64 << 20


@dataclass(frozen=True)
class SubmissionEntry:
    id: str
    source: str


@dataclass(frozen=True)
class RunRecord:
    run_id: str
    task: TaskInfo
    suites: tuple[str, ...]  # every suite and stage the run selected, as a plan names them
    submissions: tuple[SubmissionEntry, ...]
    format: int = FORMAT

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "run_id": self.run_id,
            "task": {"id": self.task.id, "version": self.task.version, "sha256": self.task.sha256},
            "suites": list(self.suites),
            "submissions": [{"id": s.id, "source": s.source} for s in self.submissions],
        }

    def selected(self, suites: tuple[str, ...], selectable: tuple[str, ...]) -> tuple[str, ...]:
        """What this run graded, named as a plan of the task as it is now names it (`suites`:
        the task's reference suites, `selectable`: those and its stages). Names the task no
        longer has are left out."""
        if self.format < 2 and set(suites) <= set(self.suites):
            return selectable  # a first-format run of every suite graded every stage too
        return tuple(name for name in self.suites if name in selectable)


def write_run_record(run_dir: Path, record: RunRecord) -> None:
    write_json_atomically(run_dir / RUN_RECORD, record.to_dict())


def read_run_record(run_dir: Path) -> RunRecord:
    path = run_dir / RUN_RECORD
    try:
        data = json.loads(_read_capped(path, RECORD_READ_LIMIT))
        return RunRecord(
            run_id=str(data["run_id"]),
            task=TaskInfo(**data["task"]),
            suites=tuple(str(s) for s in data["suites"]),
            submissions=tuple(
                SubmissionEntry(str(s["id"]), str(s["source"])) for s in data["submissions"]
            ),
            format=int(data.get("format", 1)),
        )
    except FileNotFoundError:
        raise GraderError(f"{run_dir} is not a run folder: it has no {RUN_RECORD}") from None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise GraderError(f"{path} is not a readable run record ({error})") from None


def read_result(path: Path) -> Result:
    """A result.json read back; OSError or ValueError when it is missing, too large or not a
    result (a link is not followed)."""
    if path.is_symlink():
        raise ValueError(f"{path} is a link")
    data = json.loads(_read_capped(path, RESULT_READ_LIMIT))
    try:
        return result_from_dict(data)
    except (KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"not a result ({type(error).__name__}: {error})") from None


def _read_capped(path: Path, limit: int) -> str:
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"larger than {limit} bytes")
    return data.decode("utf-8")
