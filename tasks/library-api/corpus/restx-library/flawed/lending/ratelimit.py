"""Failed-login throttling, kept in the database (shared by workers, survives restarts)."""

import math
from datetime import timedelta

from sqlalchemy import delete, select

from . import db
from .models import FailedLogin, now_precise

MAX_FAILURES = 5
WINDOW = timedelta(seconds=60)


def retry_after(email: str) -> int | None:
    """Seconds until a login for `email` is accepted, or None if it is accepted now."""
    current = now_precise()
    times = db.session.scalars(
        select(FailedLogin.at)
        .where(FailedLogin.email == email, FailedLogin.at > current - WINDOW)
        .order_by(FailedLogin.at)
    ).all()
    if len(times) < MAX_FAILURES:
        return None
    reopens = times[-MAX_FAILURES] + WINDOW
    return min(60, max(1, math.ceil((reopens - current).total_seconds())))


def clear_failures(email: str) -> None:
    db.session.execute(delete(FailedLogin).where(FailedLogin.email == email))
    db.session.commit()


def record_failure(email: str) -> None:
    current = now_precise()
    db.session.execute(delete(FailedLogin).where(FailedLogin.at < current - timedelta(hours=1)))
    db.session.add(FailedLogin(email=email, at=current))
    db.session.commit()
