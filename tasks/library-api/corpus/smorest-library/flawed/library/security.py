"""Passwords, sessions, token callbacks, role decorators and the login rate limit."""

import math
import uuid
from datetime import timedelta
from functools import wraps

from flask import Flask, current_app
from flask_jwt_extended import (
    create_access_token,
    create_refresh_token,
    current_user,
    verify_jwt_in_request,
)
from sqlalchemy import delete, select
from werkzeug.security import check_password_hash, generate_password_hash

from .errors import ApiError, error_response
from .extensions import db, jwt
from .models import LoginFailure, LoginSession, User
from .timeutil import utcnow

ACCESS_SECONDS = 15 * 60
FAILURE_LIMIT = 5
FAILURE_WINDOW = timedelta(seconds=60)
_DUMMY_HASH = generate_password_hash("not-a-real-password-just-for-timing")


# ---------------------------------------------------------------- passwords


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def authenticate(email: str, password: str) -> User | None:
    """The user with these credentials, or None (same work either way)."""
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


# ---------------------------------------------------------------- sessions and tokens


def start_session(user: User) -> dict:
    session = LoginSession(id=uuid.uuid4().hex, user_id=user.id)
    db.session.add(session)
    db.session.commit()
    claims = {"sid": session.id}
    return {
        "access_token": create_access_token(identity=str(user.id), additional_claims=claims),
        "refresh_token": create_refresh_token(identity=str(user.id), additional_claims=claims),
        "token_type": "Bearer",
        "expires_in": ACCESS_SECONDS,
    }


def session_is_active(session_id) -> bool:
    if not isinstance(session_id, str):
        return False
    session = db.session.get(LoginSession, session_id)
    return session is not None and session.revoked_at is None


def end_session(session_id: str) -> None:
    session = db.session.get(LoginSession, session_id)
    if session is not None and session.revoked_at is None:
        session.revoked_at = utcnow()
        db.session.commit()


def _unauthorized(message):
    return error_response(401, message)


def init_jwt_callbacks(app: Flask) -> None:
    @jwt.user_lookup_loader
    def _load_user(_header, payload):
        subject = payload.get("sub", "")
        return db.session.get(User, int(subject)) if str(subject).isdigit() else None

    @jwt.token_in_blocklist_loader
    def _is_revoked(_header, payload):
        return not session_is_active(payload.get("sid"))

    jwt.unauthorized_loader(lambda reason: _unauthorized("send an access token: Bearer <token>"))
    jwt.invalid_token_loader(lambda reason: _unauthorized("the token is not valid"))
    jwt.expired_token_loader(lambda _h, _p: _unauthorized("the token has expired"))
    jwt.revoked_token_loader(lambda _h, _p: _unauthorized("the token has been revoked"))
    jwt.user_lookup_error_loader(lambda _h, _p: _unauthorized("the account no longer exists"))
    jwt.needs_fresh_token_loader(lambda _h, _p: _unauthorized("the token is not valid"))


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        verify_jwt_in_request()
        return view(*args, **kwargs)

    return wrapper


def admin_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        verify_jwt_in_request()
        if not current_user.is_admin:
            raise ApiError(403)
        return view(*args, **kwargs)

    return wrapper


# ---------------------------------------------------------------- login rate limit


def seconds_until_allowed(email: str) -> int | None:
    """None when a login for this email may be tried, else whole seconds to wait."""
    now = utcnow()
    recent = db.session.scalars(
        select(LoginFailure.failed_at)
        .where(LoginFailure.email == email, LoginFailure.failed_at > now - FAILURE_WINDOW)
        .order_by(LoginFailure.failed_at)
    ).all()
    if len(recent) < FAILURE_LIMIT:
        return None
    frees_at = recent[len(recent) - FAILURE_LIMIT] + FAILURE_WINDOW
    return min(60, max(1, math.ceil((frees_at - now).total_seconds())))


def record_failure(email: str) -> None:
    now = utcnow()
    db.session.execute(delete(LoginFailure).where(LoginFailure.failed_at < now - timedelta(hours=1)))
    db.session.add(LoginFailure(email=email, failed_at=now))
    db.session.commit()


# ---------------------------------------------------------------- admin bootstrap


def ensure_admin() -> None:
    """Create the ADMIN_EMAIL account, as an admin, if no account has that email."""
    email = current_app.config["ADMIN_EMAIL"].lower()
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        return
    db.session.add(
        User(
            email=email,
            name="Administrator",
            role="admin",
            password_hash=hash_password(current_app.config["ADMIN_PASSWORD"]),
        )
    )
    db.session.commit()
