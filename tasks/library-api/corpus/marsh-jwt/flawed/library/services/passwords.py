from werkzeug.security import check_password_hash, generate_password_hash

_UNKNOWN_USER_HASH = generate_password_hash("placeholder-for-unknown-accounts")


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    """Runs a hash check even for unknown accounts, so both failures take as long."""
    if password_hash is None:
        check_password_hash(_UNKNOWN_USER_HASH, password)
        return False
    return check_password_hash(password_hash, password)
