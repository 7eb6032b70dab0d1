"""Accounts and sessions: /auth/* and /me."""

from flask.views import MethodView
from flask_jwt_extended import create_access_token, current_user, decode_token, get_jwt
from flask_jwt_extended.exceptions import JWTExtendedException
from jwt.exceptions import PyJWTError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .errors import ApiError, Conflict, Unauthorized
from .extensions import db
from .models import User
from .parsing import Blueprint
from .schemas import AccessTokenOut, LoginIn, MeIn, RefreshIn, RegisterIn, TokensOut, UserOut
from .security import (
    ACCESS_SECONDS,
    authenticate,
    end_session,
    hash_password,
    login_required,
    record_failure,
    seconds_until_allowed,
    start_session,
)

blp = Blueprint("auth", __name__, description="Accounts and sessions")
NO_STORE = {"Cache-Control": "no-store"}


@blp.route("/auth/register", methods=["POST"])
@blp.arguments(RegisterIn)
@blp.response(201, UserOut)
def register(data):
    if db.session.scalar(select(User.id).where(User.email == data["email"])) is not None:
        raise Conflict("an account already has this email")
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
        raise Conflict("an account already has this email") from None
    return user


@blp.route("/auth/login", methods=["POST"])
@blp.arguments(LoginIn)
@blp.response(200, TokensOut)
def login(data):
    email = data["email"]
    wait = seconds_until_allowed(email)
    if wait is not None:
        raise ApiError(
            429,
            "too many failed logins for this email: try again later",
            headers={"Retry-After": str(wait)},
        )
    user = authenticate(email, data["password"])
    if user is None:
        record_failure(email)
        raise Unauthorized("wrong email or password")
    return start_session(user), 200, NO_STORE


@blp.route("/auth/refresh", methods=["POST"])
@blp.arguments(RefreshIn)
@blp.response(200, AccessTokenOut)
def refresh(data):
    try:
        payload = decode_token(data["refresh_token"])
    except (PyJWTError, JWTExtendedException, ValueError):
        raise Unauthorized("the refresh token is not valid") from None
    if payload.get("type") != "refresh":
        raise Unauthorized("the refresh token is not valid")
    subject = str(payload.get("sub", ""))
    if not subject.isdigit() or db.session.get(User, int(subject)) is None:
        raise Unauthorized("the refresh token is not valid")
    token = create_access_token(identity=subject, additional_claims={"sid": payload["sid"]})
    body = {"access_token": token, "token_type": "Bearer", "expires_in": ACCESS_SECONDS}
    return body, 200, NO_STORE


@blp.route("/auth/logout", methods=["POST"])
@login_required
@blp.response(204)
def logout():
    end_session(get_jwt()["sid"])


@blp.route("/me")
class Me(MethodView):
    @login_required
    @blp.response(200, UserOut)
    def get(self):
        return current_user

    @login_required
    @blp.arguments(MeIn(partial=True))
    @blp.response(200, UserOut)
    def patch(self, data):
        if "name" in data:
            current_user.name = data["name"]
            db.session.commit()
        return current_user
