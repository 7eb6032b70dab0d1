"""A run's events on a Redis stream: workers append, the command that grades (or attaches)
reads from the start, so a reattached view replays what it missed."""

from __future__ import annotations

from typing import Any

import redis

from grader.core.errors import InfrastructureFault
from grader.distributed.event_codec import WireEvent, decode_event, encode_event

KEPT_S = 7 * 24 * 3600
START = "0-0"


def stream_key(run_id: str) -> str:
    return f"grader:run:{run_id}:events"


class RunEvents:
    def __init__(self, url: str) -> None:
        self.client: Any = redis.Redis.from_url(url)

    def publish(self, run_id: str, event: WireEvent) -> None:
        key = stream_key(run_id)
        try:
            self.client.xadd(key, encode_event(event))
            self.client.expire(key, KEPT_S)
        except redis.RedisError as error:
            raise InfrastructureFault(f"the broker: publishing an event: {error}") from None

    def read(self, run_id: str, after: str, block_ms: int) -> tuple[str, list[WireEvent | None]]:
        """The events after stream id `after` (waiting up to `block_ms` for one), and the id
        to read after next."""
        try:
            answer = self.client.xread({stream_key(run_id): after}, count=200, block=block_ms)
        except redis.RedisError as error:
            raise InfrastructureFault(f"the broker: reading the run's events: {error}") from None
        events: list[WireEvent | None] = []
        for _, entries in answer or ():
            for entry_id, fields in entries:
                after = entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)
                events.append(decode_event(fields))
        return after, events

    def close(self) -> None:
        self.client.close()
