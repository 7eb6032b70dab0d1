"""Login rate limit: after LOGIN_FAILURE_LIMIT failed logins for an email within
LOGIN_FAILURE_WINDOW, logins for that email are refused (429) until the oldest of them ages out.

Failures are rows in the database, so both gunicorn workers (and a restart) see the same count.
Refused attempts are not counted; successful logins neither count nor reset the count.
"""

import math

from flask import current_app
from sqlalchemy import delete, select

from library.database import db
from library.errors import TooManyRequests
from library.models import LoginFailure, utcnow


def check_login_allowed(email):
    limit = current_app.config["LOGIN_FAILURE_LIMIT"]
    window = current_app.config["LOGIN_FAILURE_WINDOW"]
    now = utcnow()
    recent = db.session.scalars(
        select(LoginFailure.failed_at)
        .where(LoginFailure.email == email, LoginFailure.failed_at > now - window)
        .order_by(LoginFailure.failed_at.desc())
        .limit(limit)
    ).all()
    if len(recent) >= limit:
        # Allowed again once the oldest of the last `limit` failures leaves the window.
        wait = recent[-1] + window - now
        raise TooManyRequests(
            "too many failed logins for this email: try again later",
            retry_after_s=max(1, math.ceil(wait.total_seconds())),
        )


def record_login_failure(email):
    now = utcnow()
    window = current_app.config["LOGIN_FAILURE_WINDOW"]
    db.session.execute(
        delete(LoginFailure).where(LoginFailure.email == email, LoginFailure.failed_at <= now - window)
    )
    db.session.add(LoginFailure(email=email, failed_at=now))
    db.session.commit()
