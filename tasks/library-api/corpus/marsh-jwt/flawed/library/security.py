"""flask-jwt-extended wiring: every token failure is a 401; revoked logins stay revoked."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask_jwt_extended import JWTManager, current_user, verify_jwt_in_request

from .errors import Forbidden, Unauthorized, handle_api_error
from .extensions import db
from .models import LoginSession, User


def _refuse(message: str) -> Any:
    return handle_api_error(Unauthorized(message))


def session_is_revoked(claims: dict[str, Any]) -> bool:
    session_id = claims.get("sid")
    if not isinstance(session_id, str):
        return True
    session = db.session.get(LoginSession, session_id)
    return (
        session is None
        or session.revoked_at is not None
        or str(session.user_id) != str(claims.get("sub"))
    )


def register_jwt_callbacks(jwt: JWTManager) -> None:
    @jwt.token_in_blocklist_loader
    def _revoked(_header: dict, claims: dict) -> bool:
        return session_is_revoked(claims)

    @jwt.user_lookup_loader
    def _load_user(_header: dict, claims: dict) -> User | None:
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject.isdigit() or len(subject) > 18:
            return None
        return db.session.get(User, int(subject))

    jwt.unauthorized_loader(lambda reason: _refuse("send an access token: Bearer <token>"))
    jwt.invalid_token_loader(lambda reason: _refuse("the token is not valid"))
    jwt.expired_token_loader(lambda _h, _c: _refuse("the token has expired"))
    jwt.revoked_token_loader(lambda _h, _c: _refuse("this login has ended: log in again"))
    jwt.user_lookup_error_loader(lambda _h, _c: _refuse("the token's account does not exist"))
    jwt.needs_fresh_token_loader(lambda _h, _c: _refuse("the token is not valid"))
    jwt.token_verification_failed_loader(lambda _h, _c: _refuse("the token is not valid"))


def signed_in(view: Callable[..., Any]) -> Callable[..., Any]:
    """An access token of a live login is required."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        verify_jwt_in_request()
        return view(*args, **kwargs)

    return wrapper


def admin_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """Signed in, and an admin (403 otherwise)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        verify_jwt_in_request()
        if not current_user.is_admin:
            raise Forbidden()
        return view(*args, **kwargs)

    return wrapper
