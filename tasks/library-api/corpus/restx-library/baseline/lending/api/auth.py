"""Registration, login, refresh, logout and the caller's profile."""

from flask import current_app, g
from flask_restx import Namespace, Resource, fields
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from .. import db, ratelimit, tokens, validation
from ..errors import Conflict, RateLimited, Unauthorized
from ..guards import login_required
from ..models import User
from .common import UtcDateTime, commit_or

ns = Namespace("auth", path="/", description="Accounts and sessions")
NO_STORE = {"Cache-Control": "no-store"}
TIMING_HASH = generate_password_hash("timing-equaliser")

user_model = ns.model(
    "User",
    {
        "id": fields.Integer,
        "email": fields.String,
        "name": fields.String,
        "role": fields.String,
        "created_at": UtcDateTime,
    },
)
token_model = ns.model(
    "Tokens",
    {
        "access_token": fields.String,
        "refresh_token": fields.String,
        "token_type": fields.String,
        "expires_in": fields.Integer,
    },
)
access_model = ns.model(
    "AccessToken",
    {"access_token": fields.String, "token_type": fields.String, "expires_in": fields.Integer},
)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


@ns.route("/auth/register")
class Register(Resource):
    @ns.marshal_with(user_model, code=201)
    def post(self):
        data = validation.validate(validation.REGISTER, validation.json_body())
        taken = Conflict("an account already has this email")
        if find_by_email(data["email"]) is not None:
            raise taken
        user = User(
            email=data["email"],
            name=data["name"],
            role="member",
            password_hash=hash_password(data["password"]),
        )
        db.session.add(user)
        commit_or(taken)
        return user, 201


@ns.route("/auth/login")
class Login(Resource):
    @ns.marshal_with(token_model)
    def post(self):
        data = validation.validate(validation.LOGIN, validation.json_body())
        wait = ratelimit.retry_after(data["email"])
        if wait is not None:
            raise RateLimited(
                "too many failed logins for this email: try again later",
                headers={"Retry-After": str(wait)},
            )
        user = find_by_email(data["email"])
        stored = user.password_hash if user else TIMING_HASH
        if not check_password_hash(stored, data["password"]) or user is None:
            ratelimit.record_failure(data["email"])
            raise Unauthorized("wrong email or password")
        return tokens.open_session(user), 200, NO_STORE


@ns.route("/auth/refresh")
class Refresh(Resource):
    @ns.marshal_with(access_model)
    def post(self):
        data = validation.validate(validation.REFRESH, validation.json_body())
        user, claims = tokens.verify(data["refresh_token"], "refresh")
        body = {
            "access_token": tokens.access_token(user.id, claims["sid"]),
            "token_type": "Bearer",
            "expires_in": current_app.config["SETTINGS"].access_ttl,
        }
        return body, 200, NO_STORE


@ns.route("/auth/logout")
class Logout(Resource):
    @login_required
    def post(self):
        tokens.close_session(g.claims["sid"])
        return "", 204


@ns.route("/me")
class Me(Resource):
    @login_required
    @ns.marshal_with(user_model)
    def get(self):
        return g.user

    @login_required
    @ns.marshal_with(user_model)
    def patch(self):
        data = validation.validate(validation.PROFILE, validation.json_body(), partial=True)
        if "name" in data:
            g.user.name = data["name"]
            db.session.commit()
        return g.user
