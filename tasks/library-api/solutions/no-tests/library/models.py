"""The tables. Times are stored as naive UTC and written out as ISO 8601 with a Z."""

import secrets
from datetime import datetime, timezone

from sqlalchemy import ForeignKey, Index, String, exists, text
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from library.database import db

ADMIN = "admin"
MEMBER = "member"


def utcnow():
    return datetime.now(timezone.utc).replace(tzinfo=None)


def iso(moment):
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=MEMBER)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def to_dict(self):
        # Never the password hash.
        return {
            "id": self.id,
            "email": self.email,
            "name": self.name,
            "role": self.role,
            "created_at": iso(self.created_at),
        }


class AuthSession(db.Model):
    """One login. Its tokens carry its id; logging out revokes it, and so all of them."""

    __tablename__ = "auth_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=lambda: secrets.token_hex(16))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class LoginFailure(db.Model):
    """A failed login, kept for the rate limit (in the database, so every worker sees it)."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    failed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Author(db.Model):
    __tablename__ = "authors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    birth_year: Mapped[int | None]

    def to_dict(self):
        return {"id": self.id, "name": self.name, "birth_year": self.birth_year}


class Book(db.Model):
    __tablename__ = "books"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    isbn: Mapped[str] = mapped_column(String(13), unique=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"), index=True)
    published_year: Mapped[int | None]

    def to_dict(self):
        return {
            "id": self.id,
            "title": self.title,
            "isbn": self.isbn,
            "author_id": self.author_id,
            "published_year": self.published_year,
            "available": self.available,
        }


class Loan(db.Model):
    __tablename__ = "loans"
    __table_args__ = (
        # At most one loan per book that has not been returned, whatever the workers race.
        Index(
            "one_open_loan_per_book",
            "book_id",
            unique=True,
            sqlite_where=text("returned_at IS NULL"),
            postgresql_where=text("returned_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    borrowed_at: Mapped[datetime]
    due_at: Mapped[datetime]
    returned_at: Mapped[datetime | None]

    def to_dict(self):
        return {
            "id": self.id,
            "book_id": self.book_id,
            "user_id": self.user_id,
            "borrowed_at": iso(self.borrowed_at),
            "due_at": iso(self.due_at),
            "returned_at": iso(self.returned_at),
        }


# Derived, never stored: a book is available when none of its loans is open.
Book.available = column_property(
    ~exists().where(Loan.book_id == Book.id, Loan.returned_at.is_(None))
)
