"""Route guards: who is calling, and may they?"""

from functools import wraps

from flask import g, request

from ..errors import Forbidden, Unauthorized
from .tokens import verify


def _bearer() -> str:
    header = request.headers.get("Authorization", "")
    parts = header.split()
    if len(parts) != 2 or parts[0].lower() != "bearer":
        raise Unauthorized()
    return parts[1]


def signed_in(view):
    @wraps(view)
    def guarded(*args, **kwargs):
        g.user, g.auth_session = verify(_bearer(), "access")
        return view(*args, **kwargs)

    return guarded


def admin_only(view):
    @wraps(view)
    @signed_in
    def guarded(*args, **kwargs):
        if g.user.role != "admin":
            raise Forbidden("only an admin may do this")
        return view(*args, **kwargs)

    return guarded
