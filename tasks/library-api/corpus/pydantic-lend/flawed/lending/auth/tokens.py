"""JWTs: an access token (15 min) and a refresh token (7 days) per login (`sid`)."""

import uuid
from datetime import UTC, datetime, timedelta

import jwt
from flask import current_app

from ..database import session
from ..errors import Unauthorized
from ..models import AuthSession, User

ALGORITHM = "HS256"
LIFETIMES = {"access": timedelta(minutes=15), "refresh": timedelta(days=7)}
ACCESS_SECONDS = int(LIFETIMES["access"].total_seconds())


def _secret() -> str:
    return current_app.config["SETTINGS"].jwt_secret


def mint(user_id: int, sid: str, kind: str) -> str:
    issued = datetime.now(UTC)
    claims = {
        "sub": str(user_id),
        "sid": sid,
        "typ": kind,
        "iat": issued,
        "exp": issued + LIFETIMES[kind],
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, _secret(), algorithm=ALGORITHM)


def open_login(user: User) -> AuthSession:
    login = AuthSession(id=str(uuid.uuid4()), user_id=user.id)
    session().add(login)
    session().commit()
    return login


def verify(token: str, kind: str) -> tuple[User, AuthSession]:
    """The user and login behind `token`, which must be a live token of this kind."""
    try:
        claims = jwt.decode(
            token,
            _secret(),
            algorithms=[ALGORITHM],
            options={"require": ["sub", "sid", "typ", "iat", "exp"]},
        )
    except jwt.InvalidTokenError as exc:
        raise Unauthorized("the token is invalid or expired") from exc
    if claims["typ"] != kind:
        raise Unauthorized(
            f"an {kind} token is required" if kind == "access" else "a refresh token is required"
        )
    login = session().get(AuthSession, str(claims["sid"]))
    if login is None or login.revoked or str(login.user_id) != claims["sub"]:
        raise Unauthorized("this login has ended")
    return session().get(User, login.user_id), login
