"""SQLAlchemy engine and a request-scoped session."""

from sqlalchemy import create_engine, event
from sqlalchemy.orm import DeclarativeBase, scoped_session, sessionmaker

session = scoped_session(sessionmaker(expire_on_commit=False))


class Base(DeclarativeBase):
    pass


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str):
    is_sqlite = url.startswith("sqlite")
    engine = create_engine(url, connect_args={"timeout": 30} if is_sqlite else {})
    if is_sqlite:
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def bind(engine) -> None:
    session.remove()
    session.configure(bind=engine)


def shutdown_session(_exc=None) -> None:
    session.remove()
