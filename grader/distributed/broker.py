"""The Dramatiq wiring: the broker, the one actor, its retry rule, sending a job.

Dramatiq acknowledges a message only after the actor returns, and a Redis broker requeues the
messages of a worker whose heartbeat stopped, so a job is delivered at least once; the job key
makes that idempotent (`worker.handle_job`). Only faults of the infrastructure are retried: a
submission's failing build is a result, not an exception.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import dramatiq
import redis
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import CurrentMessage

from grader.core.errors import EngineUnavailable, GraderError, InfrastructureFault
from grader.distributed.job import JobMessage

QUEUE = "grader"
ACTOR = "grade_job"
MAX_RETRIES = 2
MIN_BACKOFF_MS = 2_000
MAX_BACKOFF_MS = 60_000
HEARTBEAT_TIMEOUT_S = 60.0
# how many dispatches in a million also requeue dead workers' jobs (Dramatiq's default is
# 1,000); idle workers poll about once a second, so a dead worker's job is requeued within
# seconds of its heartbeat timing out
MAINTENANCE_CHANCE = 100_000
INFRASTRUCTURE = (InfrastructureFault, EngineUnavailable)


def is_retried(retries: int, error: BaseException) -> bool:
    """Dramatiq's `retry_when`: a fault of the machines, fewer than MAX_RETRIES times."""
    return isinstance(error, INFRASTRUCTURE) and retries < MAX_RETRIES


def redis_broker(url: str, heartbeat_timeout_s: float = HEARTBEAT_TIMEOUT_S) -> RedisBroker:
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise GraderError(f"--broker {url}: name a Redis server, redis://HOST:PORT/DB")
    broker = RedisBroker(  # type: ignore[no-untyped-call]
        url=url,
        namespace="grader",
        heartbeat_timeout=int(heartbeat_timeout_s * 1000),
        maintenance_chance=MAINTENANCE_CHANCE,
    )
    prepare(broker)
    try:
        broker.client.ping()
    except redis.RedisError as error:
        broker.close()
        raise InfrastructureFault(
            f"no Redis answers at {url} ({error}); start one, for example with "
            "`bash docker/ensure-redis.sh`"
        ) from None
    return broker


def prepare(broker: dramatiq.Broker) -> None:
    """Add what the actor reads to a broker (Redis in use, the stub broker in tests)."""
    if not any(isinstance(m, CurrentMessage) for m in broker.middleware):
        broker.add_middleware(CurrentMessage())


def declare_actor(
    broker: dramatiq.Broker,
    handler: Callable[[dict[str, Any]], None],
    min_backoff_ms: int = MIN_BACKOFF_MS,
) -> dramatiq.Actor[Any, Any]:
    return dramatiq.Actor(
        handler,
        broker=broker,
        actor_name=ACTOR,
        queue_name=QUEUE,
        priority=0,
        options={
            "retry_when": is_retried,
            "min_backoff": min_backoff_ms,
            "max_backoff": MAX_BACKOFF_MS,
        },
    )


def send_job(broker: dramatiq.Broker, job: JobMessage) -> None:
    """One message per submission; the job's time limit rides with it."""
    broker.declare_queue(QUEUE)  # idempotent; the stub broker wants it before a message
    message: dramatiq.Message[Any] = dramatiq.Message(
        queue_name=QUEUE,
        actor_name=ACTOR,
        args=(job.to_dict(),),
        kwargs={},
        options={"time_limit": int(job.time_limit_s * 1000)},
    )
    broker.enqueue(message)


def current_retries() -> int:
    """How many times the job being handled was tried before (0 on its first delivery)."""
    message = CurrentMessage.get_current_message()
    return int(message.options.get("retries", 0)) if message is not None else 0


def keep_heartbeat(broker: RedisBroker, stop: threading.Event) -> threading.Thread:
    """Beat for a worker whose slots are all busy: Dramatiq's Redis consumer beats only when it
    fetches, and a worker busy longer than the heartbeat timeout would be taken for dead and
    its jobs graded twice. A fetch of no message is a beat."""

    def beat() -> None:
        interval = broker.heartbeat_timeout / 4000
        while not stop.wait(interval):
            try:
                broker.do_fetch(QUEUE, 0)
            except Exception:  # noqa: S112 the next beat tries again; Redis may be restarting
                continue

    thread = threading.Thread(target=beat, name="grader-heartbeat", daemon=True)
    thread.start()
    return thread
