"""Accounts and sessions: register, login, refresh, logout."""

from flask import Blueprint, current_app, g, jsonify
from sqlalchemy import select

from library.database import commit_or_conflict, db
from library.errors import Conflict, Unauthorized
from library.models import AuthSession, User, utcnow
from library.security import (
    ACCESS,
    REFRESH,
    hash_password,
    issue_token,
    login_required,
    open_session,
    password_matches,
)
from library.throttle import check_login_allowed, record_login_failure
from library.validation import Email, Text, json_body

blueprint = Blueprint("auth", __name__, url_prefix="/auth")

REGISTRATION = {
    "email": Email(),
    "password": Text(min_length=8, max_length=128),
    "name": Text(max_length=100),
}
LOGIN = {"email": Email(), "password": Text(max_length=128)}
REFRESH_REQUEST = {"refresh_token": Text(max_length=4096)}


@blueprint.post("/register")
def register():
    data = json_body(REGISTRATION)
    if db.session.scalar(select(User.id).where(User.email == data["email"])) is not None:
        raise Conflict("an account with this email already exists")
    # Always a member: the role is never taken from the request.
    user = User(email=data["email"], name=data["name"], password_hash=hash_password(data["password"]))
    db.session.add(user)
    commit_or_conflict("an account with this email already exists")
    return user.to_dict(), 201


@blueprint.post("/login")
def login():
    data = json_body(LOGIN)
    check_login_allowed(data["email"])
    user = db.session.scalar(select(User).where(User.email == data["email"]))
    if not password_matches(user, data["password"]):
        record_login_failure(data["email"])
        raise Unauthorized("wrong email or password")
    session = AuthSession(user_id=user.id)
    db.session.add(session)
    db.session.commit()
    return token_response(session, with_refresh=True)


@blueprint.post("/refresh")
def refresh():
    session = open_session(json_body(REFRESH_REQUEST)["refresh_token"], REFRESH)
    return token_response(session, with_refresh=False)


@blueprint.post("/logout")
@login_required
def logout():
    g.auth_session.revoked_at = utcnow()
    db.session.commit()
    return "", 204


def token_response(session, *, with_refresh):
    body = {
        "access_token": issue_token(session, ACCESS),
        "token_type": "Bearer",
        "expires_in": int(current_app.config["ACCESS_TOKEN_TTL"].total_seconds()),
    }
    if with_refresh:
        body["refresh_token"] = issue_token(session, REFRESH)
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response
