"""Passwords, tokens and who may call what.

Tokens are HS256 JWTs signed with JWT_SECRET. Each names its session (`sid`) and its type;
a request is authenticated only while that session is open, so logout revokes at once.
"""

from datetime import datetime, timezone
from functools import wraps

import jwt
from flask import current_app, g, request
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from library.database import db
from library.errors import Forbidden, Unauthorized
from library.models import ADMIN, AuthSession, User

ACCESS = "access"
REFRESH = "refresh"
ALGORITHM = "HS256"

# Checked when the email is unknown, so that answering takes as long as for a known one.
_UNKNOWN_USER_HASH = generate_password_hash("not a real password")


def hash_password(password):
    return generate_password_hash(password)


def password_matches(user, password):
    if user is None:
        check_password_hash(_UNKNOWN_USER_HASH, password)
        return False
    return check_password_hash(user.password_hash, password)


def ttl(kind):
    return current_app.config["ACCESS_TOKEN_TTL" if kind == ACCESS else "REFRESH_TOKEN_TTL"]


def issue_token(session, kind):
    now = datetime.now(timezone.utc)
    claims = {
        "sub": str(session.user_id),
        "sid": session.id,
        "type": kind,
        "iat": now,
        "exp": now + ttl(kind),
    }
    return jwt.encode(claims, current_app.config["JWT_SECRET"], algorithm=ALGORITHM)


def open_session(token, kind):
    """The open session a valid token of this kind belongs to, else 401."""
    try:
        claims = jwt.decode(
            token,
            current_app.config["JWT_SECRET"],
            algorithms=[ALGORITHM],
            options={"require": ["exp", "iat", "sub", "sid", "type"]},
        )
    except jwt.PyJWTError:
        raise Unauthorized("the token is invalid or has expired") from None
    if claims["type"] != kind:
        raise Unauthorized(f"a {kind} token is required")
    session = db.session.get(AuthSession, claims["sid"])
    if session is None or session.revoked_at is not None or str(session.user_id) != claims["sub"]:
        raise Unauthorized("this session has ended: log in again")
    return session


def authenticate():
    """Read the bearer token, and remember its session and user for the request."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("send an access token: Authorization: Bearer <token>")
    g.auth_session = open_session(token.strip(), ACCESS)
    g.user = g.auth_session.user
    return g.user


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        authenticate()
        return view(*args, **kwargs)

    return wrapper


def admin_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if authenticate().role != ADMIN:
            raise Forbidden("only an admin may do this")
        return view(*args, **kwargs)

    return wrapper


def current_user():
    return g.user


def seed_admin():
    """Create the admin named by ADMIN_EMAIL / ADMIN_PASSWORD unless that account exists."""
    email = current_app.config["ADMIN_EMAIL"].lower()
    password = current_app.config["ADMIN_PASSWORD"]
    if not email or not password:
        current_app.logger.warning("ADMIN_EMAIL or ADMIN_PASSWORD is not set: no admin account")
        return
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name="Administrator", password_hash=hash_password(password))
        db.session.add(user)
    user.role = ADMIN
    db.session.commit()
