"""JWTs (PyJWT, HS256) tied to database sessions, so logout survives restarts."""

import time
import uuid

import jwt
from flask import current_app

from . import db
from .errors import Unauthorized
from .models import Session, User, now

ALGORITHM = "HS256"


def _settings():
    return current_app.config["SETTINGS"]


def _encode(user_id: int, session_id: str, kind: str, ttl: int) -> str:
    issued = int(time.time())
    claims = {
        "sub": str(user_id),
        "sid": session_id,
        "type": kind,
        "iat": issued,
        "exp": issued + ttl,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, _settings().jwt_secret, algorithm=ALGORITHM)


def access_token(user_id: int, session_id: str) -> str:
    return _encode(user_id, session_id, "access", _settings().access_ttl)


def open_session(user: User) -> dict:
    record = Session(id=uuid.uuid4().hex, user_id=user.id)
    db.session.add(record)
    db.session.commit()
    return {
        "access_token": access_token(user.id, record.id),
        "refresh_token": _encode(user.id, record.id, "refresh", _settings().refresh_ttl),
        "token_type": "Bearer",
        "expires_in": _settings().access_ttl,
    }


def verify(token: str, kind: str) -> tuple[User, dict]:
    """The user and claims of a valid, unrevoked token of this kind, or 401."""
    try:
        claims = jwt.decode(
            token,
            _settings().jwt_secret,
            algorithms=[ALGORITHM],
            options={"require": ["exp", "iat", "sub", "sid", "type"]},
        )
    except jwt.PyJWTError:
        raise Unauthorized("the token is not valid") from None
    if claims.get("type") != kind:
        raise Unauthorized(f"the token is not a {kind} token")
    record = db.session.get(Session, str(claims["sid"]))
    if record is None or record.revoked_at is not None:
        raise Unauthorized("this login has ended")
    user = db.session.get(User, record.user_id)
    if user is None or str(user.id) != claims["sub"]:
        raise Unauthorized("the token is not valid")
    return user, claims


def close_session(session_id: str) -> None:
    record = db.session.get(Session, session_id)
    if record is not None and record.revoked_at is None:
        record.revoked_at = now()
        db.session.commit()
