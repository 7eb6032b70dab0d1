"""At most 5 failed logins per email per 60 s, counted in the database."""

import math
import time

from sqlalchemy import delete, select

from ..database import session
from ..models import FailedLogin

MAX_FAILURES = 5
WINDOW = 60.0


def seconds_blocked(email: str) -> int:
    """0 when a login for `email` may proceed, else the whole seconds to wait (1..60)."""
    now = time.time()
    db = session()
    db.execute(
        delete(FailedLogin).where(FailedLogin.email == email, FailedLogin.at <= now - WINDOW)
    )
    db.commit()
    recent = db.scalars(
        select(FailedLogin.at)
        .where(FailedLogin.email == email)
        .order_by(FailedLogin.at.desc())
        .limit(MAX_FAILURES)
    ).all()
    if len(recent) < MAX_FAILURES:
        return 0
    return min(60, max(1, math.ceil(recent[-1] + WINDOW - now)))


def clear_failures(email: str) -> None:
    session().execute(delete(FailedLogin).where(FailedLogin.email == email))
    session().commit()


def note_failure(email: str) -> None:
    session().add(FailedLogin(email=email, at=time.time()))
    session().commit()
