"""Accounts, logins, token refresh and logout."""

from __future__ import annotations

import math
import secrets
import time
from typing import Any

from flask_jwt_extended import create_access_token, create_refresh_token, decode_token
from jwt import PyJWTError
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..config import ACCESS_TOKEN_TTL
from ..errors import Conflict, RateLimited, Unauthorized
from ..extensions import db
from ..models import LoginFailure, LoginSession, User, utcnow
from ..security import session_is_revoked
from .passwords import hash_password, password_matches

FAILURE_LIMIT = 5
FAILURE_WINDOW_S = 60


def register(data: dict[str, Any]) -> User:
    user = User(
        email=data["email"],
        name=data["name"],
        role=data["role"],
        password_hash=hash_password(data["password"]),
    )
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("an account with this email already exists") from None
    return user


def _seconds_until_allowed(email: str, now: float) -> int | None:
    recent = db.session.scalars(
        select(LoginFailure.failed_at)
        .where(LoginFailure.email == email, LoginFailure.failed_at > now - FAILURE_WINDOW_S)
        .order_by(LoginFailure.failed_at.desc())
        .limit(FAILURE_LIMIT)
    ).all()
    if len(recent) < FAILURE_LIMIT:
        return None
    wait = math.ceil(recent[-1] + FAILURE_WINDOW_S - now)
    return min(FAILURE_WINDOW_S, max(1, wait))


def _record_failure(email: str, now: float) -> None:
    db.session.execute(
        delete(LoginFailure).where(
            LoginFailure.email == email, LoginFailure.failed_at <= now - FAILURE_WINDOW_S
        )
    )
    db.session.add(LoginFailure(email=email, failed_at=now))
    db.session.commit()


def _access_answer(user_id: int, session_id: str) -> dict[str, Any]:
    token = create_access_token(identity=str(user_id), additional_claims={"sid": session_id})
    return {
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": int(ACCESS_TOKEN_TTL.total_seconds()),
    }


def log_in(email: str, password: str) -> dict[str, Any]:
    now = time.time()
    wait = _seconds_until_allowed(email, now)
    if wait is not None:
        raise RateLimited(wait)
    user = db.session.scalar(select(User).where(User.email == email))
    if not password_matches(user.password_hash if user else None, password):
        _record_failure(email, now)
        raise Unauthorized("wrong email or password")
    session = LoginSession(id=secrets.token_urlsafe(24), user_id=user.id)
    db.session.add(session)
    db.session.commit()
    answer = _access_answer(user.id, session.id)
    answer["refresh_token"] = create_refresh_token(
        identity=str(user.id), additional_claims={"sid": session.id}
    )
    return answer


def refresh(refresh_token: str) -> dict[str, Any]:
    try:
        claims = decode_token(refresh_token)
    except PyJWTError:
        raise Unauthorized("the refresh token is not valid") from None
    if claims.get("type") != "refresh" or session_is_revoked(claims):
        raise Unauthorized("send the refresh token of a live login")
    return _access_answer(int(claims["sub"]), claims["sid"])


def log_out(session_id: str) -> None:
    session = db.session.get(LoginSession, session_id)
    if session is not None and session.revoked_at is None:
        session.revoked_at = utcnow()
        db.session.commit()


def rename(user: User, data: dict[str, Any]) -> User:
    user.name = data["name"]
    db.session.commit()
    return user
