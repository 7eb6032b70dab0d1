"""Failed-login limit per email, kept in the database (shared by workers, kept on restart)."""

import math
import time

from .extensions import db
from .models import LoginFailure

LIMIT = 5
WINDOW_S = 60


def retry_after(email: str) -> int | None:
    """Seconds until a login for `email` is accepted again, or None if it is accepted now."""
    now = time.time()
    LoginFailure.query.filter(
        LoginFailure.email == email, LoginFailure.at <= now - WINDOW_S
    ).delete(synchronize_session=False)
    db.session.commit()
    recent = (
        LoginFailure.query.filter(LoginFailure.email == email, LoginFailure.at > now - WINDOW_S)
        .order_by(LoginFailure.at.desc())
        .limit(LIMIT)
        .all()
    )
    if len(recent) < LIMIT:
        return None
    # Accepted again once fewer than LIMIT failures are inside the window.
    wait = recent[LIMIT - 1].at + WINDOW_S - now
    return min(WINDOW_S, max(1, math.ceil(wait)))


def record_failure(email: str) -> None:
    db.session.add(LoginFailure(email=email, at=time.time()))
    db.session.commit()
