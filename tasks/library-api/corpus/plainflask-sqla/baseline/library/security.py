"""Passwords, JWTs and the decorators that guard the routes."""

import uuid
from datetime import UTC, datetime, timedelta
from functools import wraps

import jwt
from flask import current_app, g, request
from werkzeug.security import check_password_hash, generate_password_hash

from .errors import forbidden, unauthorized
from .extensions import db
from .models import LoginSession, User

ALGORITHM = "HS256"
ACCESS_TTL = timedelta(minutes=15)
REFRESH_TTL = timedelta(days=7)
ACCESS, REFRESH = "access", "refresh"
_DUMMY_HASH: list[str] = []


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def verify_password(user: User | None, password: str) -> bool:
    """Constant work whether or not the account exists (no user enumeration by timing)."""
    if user is None:
        if not _DUMMY_HASH:
            _DUMMY_HASH.append(generate_password_hash(uuid.uuid4().hex))
        check_password_hash(_DUMMY_HASH[0], password)
        return False
    return check_password_hash(user.password_hash, password)


def issue_token(user_id: int, session_id: str, kind: str) -> str:
    now = datetime.now(UTC)
    ttl = ACCESS_TTL if kind == ACCESS else REFRESH_TTL
    claims = {
        "sub": str(user_id),
        "sid": session_id,
        "type": kind,
        "iat": now,
        "exp": now + ttl,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, current_app.config["JWT_SECRET"], algorithm=ALGORITHM)


def start_session(user: User) -> LoginSession:
    session = LoginSession(id=uuid.uuid4().hex, user_id=user.id)
    db.session.add(session)
    db.session.commit()
    return session


def authenticate(token: str, kind: str) -> tuple[User, LoginSession]:
    """The user and the login behind a token of this kind; 401 for anything else."""
    try:
        claims = jwt.decode(
            token,
            current_app.config["JWT_SECRET"],
            algorithms=[ALGORITHM],
            options={"require": ["exp", "iat", "sub", "sid", "type"]},
        )
    except jwt.PyJWTError as exc:
        raise unauthorized("the token is not valid") from exc
    if claims["type"] != kind:
        raise unauthorized(f"this is not an {kind} token")
    session = db.session.get(LoginSession, str(claims["sid"]))
    if session is None or session.revoked_at is not None:
        raise unauthorized("this login has ended")
    if str(session.user_id) != claims["sub"]:
        raise unauthorized("the token is not valid")
    return db.session.get(User, session.user_id), session


def bearer_token() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized()
    return token.strip()


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        g.user, g.login = authenticate(bearer_token(), ACCESS)
        return view(*args, **kwargs)

    return wrapper


def admin_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        g.user, g.login = authenticate(bearer_token(), ACCESS)
        if not g.user.is_admin:
            raise forbidden()
        return view(*args, **kwargs)

    return wrapper
