"""The pipeline's events on the wire: a worker encodes each as the fields of one Redis stream
entry, the command that grades decodes them back into the same events a local run emits.

One event the pipeline has no need of is added here: `JobAbandoned`, sent by a worker when a
job failed on the infrastructure as many times as it may, so the command writes a
harness_error result instead of waiting for one. Pure; decoding never raises on what it reads,
it returns None for what it cannot read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from grader.core.events import Event, StageFinished, StageStarted, SubmissionGraded
from grader.core.result import StageStatus, result_from_dict


@dataclass(frozen=True)
class JobAbandoned:
    submission: str
    reason: str


WireEvent = Event | JobAbandoned
FIELD = "event"


def encode_event(event: WireEvent) -> dict[str, str]:
    """The fields of one stream entry."""
    body: dict[str, Any]
    if isinstance(event, StageStarted):
        body = {"kind": "stage_started", "submission": event.submission, "stage": event.stage}
    elif isinstance(event, StageFinished):
        body = {
            "kind": "stage_finished",
            "submission": event.submission,
            "stage": event.stage,
            "status": event.status.value,
            "duration_s": event.duration_s,
            "detail": event.detail,
        }
    elif isinstance(event, SubmissionGraded):
        body = {
            "kind": "submission_graded",
            "submission": event.submission,
            "result": event.result.to_dict(),
            "result_path": event.result_path,
        }
    else:
        body = {"kind": "job_abandoned", "submission": event.submission, "reason": event.reason}
    return {FIELD: json.dumps(body, ensure_ascii=False)}


def decode_event(fields: dict[Any, Any]) -> WireEvent | None:
    """The event of one stream entry (keys and values as bytes or str), or None."""
    raw = fields.get(FIELD, fields.get(FIELD.encode()))
    if not isinstance(raw, str | bytes):
        return None
    try:
        body = json.loads(raw)
        kind, submission = body["kind"], str(body["submission"])
        if kind == "stage_started":
            return StageStarted(submission, str(body["stage"]))
        if kind == "stage_finished":
            return StageFinished(
                submission,
                str(body["stage"]),
                StageStatus(body["status"]),
                float(body["duration_s"]),
                str(body.get("detail", "")),
            )
        if kind == "submission_graded":
            result = result_from_dict(body["result"])
            return SubmissionGraded(submission, result, str(body["result_path"]))
        if kind == "job_abandoned":
            return JobAbandoned(submission, str(body["reason"]))
    except (TypeError, ValueError, KeyError, AttributeError):
        return None
    return None
