"""Running a worker process: the engine, the broker, the store, Dramatiq's worker threads, until
it is interrupted.

One `grader worker` grades `jobs` submissions at once on the engine it reaches (`DOCKER_HOST`
or the local one). It takes no more messages than it has slots, so a second worker gets the
rest, and it keeps its heartbeat while every slot is busy (`broker.keep_heartbeat`).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dramatiq

from grader.distributed.broker import (
    HEARTBEAT_TIMEOUT_S,
    current_retries,
    declare_actor,
    keep_heartbeat,
    redis_broker,
)
from grader.distributed.events_stream import RunEvents
from grader.distributed.store import Store
from grader.distributed.worker import WorkerContext, handle_job, remove_leftovers
from grader.sandbox.engine import connect

log = logging.getLogger("grader.worker")
STOP_TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class WorkerSettings:
    broker_url: str
    store_url: str
    name: str
    jobs: int = 1
    heartbeat_timeout_s: float = HEARTBEAT_TIMEOUT_S


def run_worker(settings: WorkerSettings, started: Callable[[str], None] = log.info) -> None:
    """Grade jobs until interrupted (KeyboardInterrupt); then stop taking jobs, let the
    running ones end for a few seconds, and remove what is left of them on the engine."""
    client = connect()
    left = remove_leftovers(client, settings.name)
    store = Store(settings.store_url)
    broker = redis_broker(settings.broker_url, settings.heartbeat_timeout_s)
    events = RunEvents(settings.broker_url)
    scratch = Path(tempfile.mkdtemp(prefix="grader-worker-"))
    context = WorkerContext(
        name=settings.name, store=store, client=client, publish=events.publish, scratch=scratch
    )

    def grade_job(payload: dict[str, Any]) -> None:
        handle_job(context, payload, current_retries())

    declare_actor(broker, grade_job)
    worker = dramatiq.Worker(broker, worker_threads=settings.jobs)
    worker.queue_prefetch = settings.jobs  # no job waits here while another worker is idle
    stop = threading.Event()
    worker.start()
    keep_heartbeat(broker, stop)
    engine = os.environ.get("DOCKER_HOST") or "the local engine"
    removed = f"; removed the leftovers of {len(left)} job(s)" if left else ""
    started(
        f"worker {settings.name}: {settings.jobs} slot(s) on {engine}, "
        f"broker {redacted(settings.broker_url)}, store {redacted(settings.store_url)}{removed}"
    )
    try:
        threading.Event().wait()
    finally:
        stop.set()
        worker.stop(timeout=STOP_TIMEOUT_MS)
        remove_leftovers(client, settings.name)
        broker.close()
        events.close()
        shutil.rmtree(scratch, ignore_errors=True)


def redacted(url: str) -> str:
    """A URL without the password it may carry."""
    return re.sub(r"//[^@/]*@", "//***@", url)
