"""Who is calling: bearer-token and role decorators."""

from functools import wraps

from flask import g, request

from .errors import Forbidden, Unauthorized
from .tokens import verify


def _authenticate() -> None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized()
    g.user, g.claims = verify(token.strip(), "access")


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        _authenticate()
        return view(*args, **kwargs)

    return wrapper


def admin_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        _authenticate()
        if g.user.role != "admin":
            raise Forbidden()
        return view(*args, **kwargs)

    return wrapper


def is_admin() -> bool:
    return g.user.role == "admin"
