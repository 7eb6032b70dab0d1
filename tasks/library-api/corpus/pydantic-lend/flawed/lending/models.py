"""ORM models (SQLAlchemy 2.0 typed mappings)."""

from datetime import UTC, datetime

from sqlalchemy import Float, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from .database import Base

SQLITE_NO_ID_REUSE = {"sqlite_autoincrement": True}


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def to_iso(value: datetime | None) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%dT%H:%M:%SZ")


class User(Base):
    __tablename__ = "users"
    __table_args__ = (SQLITE_NO_ID_REUSE,)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10), default="member")
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    def public(self) -> dict:
        return {
            "id": self.id,
            "email": self.email,
            "name": self.name,
            "role": self.role,
            "created_at": to_iso(self.created_at),
        }


class AuthSession(Base):
    """A login. Tokens name it in their `sid` claim; logging out revokes it."""

    __tablename__ = "auth_sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    revoked: Mapped[bool] = mapped_column(default=False)


class FailedLogin(Base):
    __tablename__ = "failed_logins"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    at: Mapped[float] = mapped_column(Float)


class Author(Base):
    __tablename__ = "authors"
    __table_args__ = (SQLITE_NO_ID_REUSE,)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    birth_year: Mapped[int | None]

    def public(self) -> dict:
        return {"id": self.id, "name": self.name, "birth_year": self.birth_year}


class Book(Base):
    __tablename__ = "books"
    __table_args__ = (SQLITE_NO_ID_REUSE,)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    isbn: Mapped[str] = mapped_column(String(13), unique=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"), index=True)
    published_year: Mapped[int | None]

    def public(self, available: bool) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "isbn": self.isbn,
            "author_id": self.author_id,
            "published_year": self.published_year,
            "available": available,
        }


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
        SQLITE_NO_ID_REUSE,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    borrowed_at: Mapped[datetime]
    due_at: Mapped[datetime]
    returned_at: Mapped[datetime | None]

    def public(self) -> dict:
        return {
            "id": self.id,
            "book_id": self.book_id,
            "user_id": self.user_id,
            "borrowed_at": to_iso(self.borrowed_at),
            "due_at": to_iso(self.due_at),
            "returned_at": to_iso(self.returned_at),
        }
