"""Accounts and sessions: register, login, refresh, logout and /me."""

from flask import Blueprint, g, jsonify
from sqlalchemy.exc import IntegrityError

from ..errors import conflict, rate_limited, unauthorized
from ..extensions import db
from ..models import User, utcnow
from ..ratelimit import record_failure, retry_after
from ..security import (
    ACCESS,
    ACCESS_TTL,
    REFRESH,
    authenticate,
    hash_password,
    issue_token,
    login_required,
    start_session,
    verify_password,
)
from ..validation import Rule, any_string, email, json_body, login_password, password, text
from ..validation import validate as check

bp = Blueprint("auth", __name__)

REGISTER_RULES = {"email": Rule(email), "password": Rule(password), "name": Rule(text(100))}
LOGIN_RULES = {"email": Rule(email), "password": Rule(login_password)}
REFRESH_RULES = {"refresh_token": Rule(any_string)}
ME_RULES = {"name": Rule(text(100))}


def _token_answer(body: dict, status: int = 200):
    response = jsonify(
        {**body, "token_type": "Bearer", "expires_in": int(ACCESS_TTL.total_seconds())}
    )
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


@bp.post("/auth/register")
def register():
    values = check(json_body(), REGISTER_RULES)
    address = values["email"].lower()
    if User.query.filter_by(email=address).first() is not None:
        raise conflict("an account with this email already exists")
    user = User(
        email=address,
        name=values["name"],
        role="member",
        password_hash=hash_password(values["password"]),
    )
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise conflict("an account with this email already exists") from exc
    return jsonify(user.to_dict()), 201


@bp.post("/auth/login")
def login():
    values = check(json_body(), LOGIN_RULES)
    address = values["email"].lower()
    wait = retry_after(address)
    if wait is not None:
        raise rate_limited(wait)
    user = User.query.filter_by(email=address).first()
    if not verify_password(user, values["password"]):
        record_failure(address)
        raise unauthorized("wrong email or password")
    session = start_session(user)
    return _token_answer(
        {
            "access_token": issue_token(user.id, session.id, ACCESS),
            "refresh_token": issue_token(user.id, session.id, REFRESH),
        }
    )


@bp.post("/auth/refresh")
def refresh():
    values = check(json_body(), REFRESH_RULES)
    user, session = authenticate(values["refresh_token"], REFRESH)
    return _token_answer({"access_token": issue_token(user.id, session.id, ACCESS)})


@bp.post("/auth/logout")
@login_required
def logout():
    g.login.revoked_at = utcnow()
    db.session.commit()
    return "", 204


@bp.get("/me")
@login_required
def get_me():
    return jsonify(g.user.to_dict())


@bp.patch("/me")
@login_required
def update_me():
    data = json_body()
    values = check(data, ME_RULES, partial=True)
    for field, value in {**data, **values}.items():
        if hasattr(User, field) and field not in ("id", "password_hash", "created_at"):
            setattr(g.user, field, value)
    db.session.commit()
    return jsonify(g.user.to_dict())
