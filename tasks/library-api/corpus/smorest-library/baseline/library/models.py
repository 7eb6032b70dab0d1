"""Database models: every piece of state lives here (accounts, sessions, failures, catalogue)."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, and_, exists, select
from sqlalchemy.orm import Mapped, column_property, mapped_column

from .extensions import db
from .timeutil import utcnow, utcnow_seconds

MAX_DB_INT = 2**63 - 1
AUTOINCREMENT = {"sqlite_autoincrement": True}


class User(db.Model):
    __tablename__ = "users"
    __table_args__ = AUTOINCREMENT

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16), default="member")
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow_seconds)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class LoginSession(db.Model):
    """One login: its tokens carry the session id, logout revokes it."""

    __tablename__ = "login_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class LoginFailure(db.Model):
    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    failed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Author(db.Model):
    __tablename__ = "authors"
    __table_args__ = AUTOINCREMENT

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    birth_year: Mapped[int | None] = mapped_column(default=None)


class Book(db.Model):
    __tablename__ = "books"
    __table_args__ = AUTOINCREMENT

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    isbn: Mapped[str] = mapped_column(String(13), unique=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"), index=True)
    published_year: Mapped[int | None] = mapped_column(default=None)


class Loan(db.Model):
    __tablename__ = "loans"
    __table_args__ = (
        # at most one open loan per book, even under concurrent requests
        Index(
            "uq_loans_open_book",
            "book_id",
            unique=True,
            sqlite_where=db.text("returned_at IS NULL"),
            postgresql_where=db.text("returned_at IS NULL"),
        ),
        AUTOINCREMENT,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    borrowed_at: Mapped[datetime]
    due_at: Mapped[datetime]
    returned_at: Mapped[datetime | None] = mapped_column(default=None)


Book.available = column_property(
    ~exists(
        select(Loan.id).where(and_(Loan.book_id == Book.id, Loan.returned_at.is_(None)))
    ).correlate_except(Loan)
)
