"""Database models. Every piece of state lives here (sessions and login failures too)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import ForeignKey, Index, String, exists
from sqlalchemy.orm import Mapped, column_property, mapped_column

from .extensions import db

SQLITE_MAX_INT = 2**63 - 1


def utcnow() -> datetime:
    """Naive UTC, to the second (SQLite stores no time zone)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


class User(db.Model):
    __tablename__ = "users"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String, unique=True)
    name: Mapped[str]
    role: Mapped[str] = mapped_column(default="member")
    password_hash: Mapped[str]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class LoginSession(db.Model):
    """One login: both of its tokens name it, and logout revokes it."""

    __tablename__ = "login_sessions"

    id: Mapped[str] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]


class LoginFailure(db.Model):
    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(index=True)
    failed_at: Mapped[float]


class Author(db.Model):
    __tablename__ = "authors"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    birth_year: Mapped[int | None]


class Book(db.Model):
    __tablename__ = "books"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    isbn: Mapped[str] = mapped_column(unique=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"), index=True)
    published_year: Mapped[int | None]


class Loan(db.Model):
    __tablename__ = "loans"
    __table_args__ = (
        Index(
            "one_open_loan_per_book",
            "book_id",
            unique=True,
            sqlite_where=db.text("returned_at IS NULL"),
        ),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    borrowed_at: Mapped[datetime]
    due_at: Mapped[datetime]
    returned_at: Mapped[datetime | None]


open_loan_of_book = exists().where(Loan.book_id == Book.id, Loan.returned_at.is_(None))

# "available" is derived from the loans, never stored: it cannot drift.
Book.available = column_property(~open_loan_of_book)
