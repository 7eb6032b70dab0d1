"""Password hashing (werkzeug's salted scrypt/pbkdf2 hashes)."""

from werkzeug.security import check_password_hash, generate_password_hash

# Compared against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password-at-all")


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if password_hash is None:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(password_hash, password)
