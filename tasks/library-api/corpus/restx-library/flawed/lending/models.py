"""Tables. Every piece of state (sessions and failed logins too) is in the database."""

from datetime import UTC, datetime

from sqlalchemy import ForeignKey, Index, String, and_, exists, select, text
from sqlalchemy.orm import Mapped, column_property, mapped_column

from .db import Base

BIGGEST_ID = 2**63 - 1
NEVER_REUSE_IDS = {"sqlite_autoincrement": True}


def now() -> datetime:
    """Naive UTC, to the second."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def now_precise() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class User(Base):
    __tablename__ = "users"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(10), default="member")
    password_hash: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(default=now)


class Session(Base):
    """A login. Its id is in every token issued for it; logout sets revoked_at."""

    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class FailedLogin(Base):
    __tablename__ = "failed_logins"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    at: Mapped[datetime] = mapped_column(default=now_precise, index=True)


class Author(Base):
    __tablename__ = "authors"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    birth_year: Mapped[int | None]


class Book(Base):
    __tablename__ = "books"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    isbn: Mapped[str] = mapped_column(String(13), unique=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"), index=True)
    published_year: Mapped[int | None]


class Loan(Base):
    __tablename__ = "loans"
    __table_args__ = (
        Index(
            "one_open_loan_per_book",
            "book_id",
            unique=True,
            sqlite_where=text("returned_at IS NULL"),
            postgresql_where=text("returned_at IS NULL"),
        ),
        NEVER_REUSE_IDS,
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
