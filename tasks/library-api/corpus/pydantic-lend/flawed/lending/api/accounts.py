"""Registration, login, refresh, logout and the caller's own account."""

from flask import Blueprint, g
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..auth.guards import signed_in
from ..auth.passwords import hash_password, password_matches
from ..auth.throttle import clear_failures, note_failure, seconds_blocked
from ..auth.tokens import ACCESS_SECONDS, mint, open_login, verify
from ..database import session
from ..errors import Conflict, RateLimited, Unauthorized
from ..inputs import body
from ..models import User
from ..schemas import Credentials, ProfileUpdate, RefreshRequest, Registration

accounts = Blueprint("accounts", __name__)
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
TAKEN = "an account with this email already exists"


def _user_by_email(email: str) -> User | None:
    return session().scalars(select(User).where(User.email == email)).first()


@accounts.post("/auth/register")
def register():
    data = body(Registration)
    data["email"] = data["email"].lower()
    data["password_hash"] = hash_password(data.pop("password"))
    user = User(**data)
    session().add(user)
    try:
        session().commit()
    except IntegrityError as exc:
        raise Conflict(f"{TAKEN}: {exc}") from exc
    return user.public(), 201


@accounts.post("/auth/login")
def login():
    data = body(Credentials)
    email = data["email"].lower()
    wait = seconds_blocked(email)
    if wait:
        raise RateLimited(wait)
    user = _user_by_email(email)
    if not password_matches(user.password_hash if user else None, data["password"]):
        note_failure(email)
        raise Unauthorized("wrong email or password")
    clear_failures(email)
    sid = open_login(user).id
    tokens = {
        "access_token": mint(user.id, sid, "access"),
        "refresh_token": mint(user.id, sid, "refresh"),
        "token_type": "Bearer",
        "expires_in": ACCESS_SECONDS,
    }
    return tokens, 200, NO_STORE


@accounts.post("/auth/refresh")
def refresh():
    user, login_session = verify(body(RefreshRequest)["refresh_token"], "refresh")
    token = mint(user.id, login_session.id, "access")
    return (
        {"access_token": token, "token_type": "Bearer", "expires_in": ACCESS_SECONDS},
        200,
        NO_STORE,
    )


@accounts.post("/auth/logout")
@signed_in
def logout():
    g.auth_session.revoked = True
    session().commit()
    return "", 204


@accounts.get("/me")
@signed_in
def me():
    return g.user.public()


@accounts.patch("/me")
@signed_in
def update_me():
    changes = body(ProfileUpdate)
    if "name" in changes:
        g.user.name = changes["name"]
        session().commit()
    return g.user.public()
