"""JWT access/refresh tokens (PyJWT), sessions kept in the database, and role checks."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

import jwt
from flask import current_app, g, request

from .db import get_db, iso, transaction, utc_now
from .errors import forbidden, unauthorized

ALGORITHM = "HS256"
ACCESS_TTL = timedelta(minutes=15)
REFRESH_TTL = timedelta(days=7)
REQUIRED_CLAIMS = ["exp", "iat", "sub", "sid", "type"]

SESSION_USER = """
SELECT u.id, u.email, u.name, u.role, u.created_at, s.id AS session_id
FROM sessions s JOIN users u ON u.id = s.user_id
WHERE s.id = ? AND s.revoked_at IS NULL
"""

F = TypeVar("F", bound=Callable[..., Any])


def _encode(user_id: int, session_id: str, kind: str, ttl: timedelta) -> str:
    now = utc_now()
    claims = {
        "sub": str(user_id),
        "sid": session_id,
        "type": kind,
        "jti": secrets.token_hex(8),
        "iat": now,
        "exp": now + ttl,
    }
    return jwt.encode(claims, current_app.config["JWT_SECRET"], algorithm=ALGORITHM)


def access_token_answer(user_id: int, session_id: str) -> dict[str, Any]:
    return {
        "access_token": _encode(user_id, session_id, "access", ACCESS_TTL),
        "token_type": "Bearer",
        "expires_in": int(ACCESS_TTL.total_seconds()),
    }


def start_session(user_id: int) -> dict[str, Any]:
    """A new login: a session row, an access token and a refresh token bound to it."""
    session_id = secrets.token_urlsafe(24)
    with transaction() as db:
        db.execute(
            "INSERT INTO sessions (id, user_id, created_at) VALUES (?, ?, ?)",
            (session_id, user_id, iso(utc_now())),
        )
    answer = access_token_answer(user_id, session_id)
    answer["refresh_token"] = _encode(user_id, session_id, "refresh", REFRESH_TTL)
    return answer


def end_session(session_id: str) -> None:
    with transaction() as db:
        db.execute(
            "UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
            (iso(utc_now()), session_id),
        )


def user_for_token(token: str, kind: str) -> dict[str, Any]:
    """The user a token of this kind ("access" or "refresh") belongs to, or a 401."""
    try:
        claims = jwt.decode(
            token,
            current_app.config["JWT_SECRET"],
            algorithms=[ALGORITHM],
            options={"require": REQUIRED_CLAIMS},
        )
    except jwt.PyJWTError:
        raise unauthorized("the token is invalid or expired") from None
    if claims.get("type") != kind or not isinstance(claims.get("sid"), str):
        raise unauthorized(f"send an {kind} token")
    row = get_db().execute(SESSION_USER, (claims["sid"],)).fetchone()
    if row is None or str(row["id"]) != claims.get("sub"):
        raise unauthorized("this login has ended: log in again")
    return dict(row)


def _bearer_token() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized()
    return token.strip()


def login_required(view: F) -> F:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        g.user = user_for_token(_bearer_token(), "access")
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def admin_required(view: F) -> F:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        g.user = user_for_token(_bearer_token(), "access")
        if g.user["role"] != "admin":
            raise forbidden()
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def is_admin() -> bool:
    return g.user["role"] == "admin"
