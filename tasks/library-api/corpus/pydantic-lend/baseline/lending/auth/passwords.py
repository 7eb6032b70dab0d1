from werkzeug.security import check_password_hash, generate_password_hash

# Checked against when the email is unknown, so both cases cost the same.
_DECOY = generate_password_hash("decoy-password-never-used")


def hash_password(plain: str) -> str:
    return generate_password_hash(plain)


def password_matches(stored_hash: str | None, plain: str) -> bool:
    if stored_hash is None:
        check_password_hash(_DECOY, plain)
        return False
    return check_password_hash(stored_hash, plain)
