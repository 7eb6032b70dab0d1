"""Database models. All state (including sessions and failed logins) lives here."""

from datetime import UTC, datetime

from .extensions import db


def utcnow() -> datetime:
    """Now, in UTC, naive, to the second (what the API shows is what is stored)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def iso(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


class User(db.Model):
    __tablename__ = "users"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(254), unique=True, nullable=False)
    name = db.Column(db.String(100), nullable=False)
    password_hash = db.Column(db.String(255), nullable=False)
    role = db.Column(db.String(10), nullable=False, default="member")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "email": self.email,
            "name": self.name,
            "role": self.role,
            "created_at": iso(self.created_at),
        }


class LoginSession(db.Model):
    """One login: its tokens carry the id; logout sets revoked_at."""

    __tablename__ = "login_sessions"

    id = db.Column(db.String(32), primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    revoked_at = db.Column(db.DateTime, nullable=True)


class LoginFailure(db.Model):
    __tablename__ = "login_failures"

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(254), nullable=False, index=True)
    at = db.Column(db.Float, nullable=False)


class Author(db.Model):
    __tablename__ = "authors"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(200), nullable=False)
    birth_year = db.Column(db.Integer, nullable=True)

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "birth_year": self.birth_year}


class Book(db.Model):
    __tablename__ = "books"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(300), nullable=False)
    isbn = db.Column(db.String(13), nullable=False, unique=True)
    author_id = db.Column(db.Integer, db.ForeignKey("authors.id"), nullable=False, index=True)
    published_year = db.Column(db.Integer, nullable=True)

    def to_dict(self, available: bool) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "isbn": self.isbn,
            "author_id": self.author_id,
            "published_year": self.published_year,
            "available": available,
        }


class Loan(db.Model):
    __tablename__ = "loans"
    __table_args__ = (
        # At most one open loan per book, even with two workers racing.
        db.Index(
            "uq_loans_open_book",
            "book_id",
            unique=True,
            sqlite_where=db.text("returned_at IS NULL"),
            postgresql_where=db.text("returned_at IS NULL"),
        ),
        {"sqlite_autoincrement": True},
    )

    id = db.Column(db.Integer, primary_key=True)
    book_id = db.Column(db.Integer, db.ForeignKey("books.id"), nullable=False, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    borrowed_at = db.Column(db.DateTime, nullable=False)
    due_at = db.Column(db.DateTime, nullable=False)
    returned_at = db.Column(db.DateTime, nullable=True)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "book_id": self.book_id,
            "user_id": self.user_id,
            "borrowed_at": iso(self.borrowed_at),
            "due_at": iso(self.due_at),
            "returned_at": iso(self.returned_at),
        }
