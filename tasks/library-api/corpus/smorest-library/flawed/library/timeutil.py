"""UTC time helpers: the database stores naive UTC datetimes."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, in UTC, as a naive datetime with microseconds."""
    return datetime.now(UTC).replace(tzinfo=None)


def utcnow_seconds() -> datetime:
    """Now, in UTC, to the second (what resources show)."""
    return utcnow().replace(microsecond=0)


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%dT%H:%M:%SZ")
