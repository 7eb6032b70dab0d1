"""Login rate limit, kept in the database so that every worker (and a restart) sees it."""

from __future__ import annotations

import math
import time

from .db import get_db, transaction

LIMIT = 5
WINDOW_SECONDS = 60


def retry_after(email: str) -> int | None:
    """Seconds until a login for `email` is accepted again, or None if it is now."""
    now = time.time()
    rows = (
        get_db()
        .execute(
            "SELECT failed_at FROM login_failures WHERE email = ? AND failed_at > ? "
            "ORDER BY failed_at DESC LIMIT ?",
            (email, now - WINDOW_SECONDS, LIMIT),
        )
        .fetchall()
    )
    if len(rows) < LIMIT:
        return None
    # Logins resume when the LIMIT-th most recent failure leaves the window.
    wait = rows[-1]["failed_at"] + WINDOW_SECONDS - now
    return max(1, min(WINDOW_SECONDS, math.ceil(wait)))


def record_failure(email: str) -> None:
    now = time.time()
    with transaction() as db:
        db.execute(
            "DELETE FROM login_failures WHERE email = ? AND failed_at <= ?",
            (email, now - WINDOW_SECONDS),
        )
        db.execute("INSERT INTO login_failures (email, failed_at) VALUES (?, ?)", (email, now))
