from flask import Blueprint
from flask_jwt_extended import current_user, get_jwt

from ..schemas import (
    CredentialsSchema,
    ProfileSchema,
    RefreshSchema,
    RegistrationSchema,
    UserSchema,
)
from ..security import signed_in
from ..services import accounts
from ..validation import load_body

blueprint = Blueprint("accounts", __name__)
user_schema = UserSchema()
NO_STORE = {"Cache-Control": "no-store"}


@blueprint.post("/auth/register")
def register():
    user = accounts.register(load_body(RegistrationSchema()))
    return user_schema.dump(user), 201


@blueprint.post("/auth/login")
def login():
    credentials = load_body(CredentialsSchema())
    return accounts.log_in(credentials["email"], credentials["password"]), 200, NO_STORE


@blueprint.post("/auth/refresh")
def refresh():
    body = load_body(RefreshSchema())
    return accounts.refresh(body["refresh_token"]), 200, NO_STORE


@blueprint.post("/auth/logout")
@signed_in
def logout():
    accounts.log_out(get_jwt()["sid"])
    return "", 204


@blueprint.get("/me")
@signed_in
def me():
    return user_schema.dump(current_user)


@blueprint.patch("/me")
@signed_in
def update_me():
    data = load_body(ProfileSchema(), partial=True)
    return user_schema.dump(accounts.rename(current_user, data))
