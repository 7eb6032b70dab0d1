"""The caller's own account."""

from flask import Blueprint

from library.database import db
from library.security import current_user, login_required
from library.validation import Text, json_body

blueprint = Blueprint("me", __name__)

# Only the name can be changed here: not the email, not the role.
PROFILE = {"name": Text(max_length=100)}


@blueprint.get("/me")
@login_required
def get_me():
    return current_user().to_dict()


@blueprint.patch("/me")
@login_required
def update_me():
    user = current_user()
    for name, value in json_body(PROFILE, partial=True).items():
        setattr(user, name, value)
    db.session.commit()
    return user.to_dict()
