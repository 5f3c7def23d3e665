"""The class database: SQLAlchemy 2 over SQLite (default) or PostgreSQL, migrated by Alembic.

SQLite runs in WAL mode with ``synchronous=FULL``: a transaction is on disk
(the WAL is fsync'ed) before ``COMMIT`` returns, so a submission acknowledged
to a student survives the server being killed (SIGKILL) and even a power cut.
(``NORMAL`` with WAL would survive SIGKILL too but may lose the last commits on
a power cut; a class submits a few hundred small rows, so the fsync costs
nothing that matters.) ``busy_timeout`` lets concurrent writers wait for the
lock instead of failing. PostgreSQL commits durably by default.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

__all__ = ["Database", "DatabaseError", "default_url", "shown_url"]


class DatabaseError(ValueError):
    """A database URL that cannot be used, said plainly."""


def default_url() -> str:
    """``sqlite:///`` + ``$XDG_DATA_HOME/zopa/classes.sqlite3`` (or ``~/.local/share/zopa/…``)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return f"sqlite:///{Path(base) / 'zopa' / 'classes.sqlite3'}"


def shown_url(url: str) -> str:
    """The URL with its password hidden, for printing."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def _engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(
            f"--db {url}: not a database URL; use sqlite:///PATH or "
            "postgresql+psycopg://USER@HOST:PORT/DB"
        ) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            engine = create_engine(
                "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
            )
        else:
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(
                parsed, connect_args={"check_same_thread": False, "timeout": 10}, pool_size=10
            )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if backend == "postgresql":
        if parsed.get_driver_name() not in ("psycopg", "psycopg2"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, pool_size=10, max_overflow=20, pool_pre_ping=True)
    raise DatabaseError(f"--db {shown_url(url)}: only sqlite:/// and postgresql:// are supported")


class Database:
    """An engine and a session factory; :meth:`upgrade` brings the schema to Alembic's head."""

    def __init__(self, url: str):
        self.url = url
        self.engine = _engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a transaction: committed at the end of the block, rolled back on error."""
        with self._sessions() as s, s.begin():
            yield s

    def upgrade(self) -> None:
        """``alembic upgrade head`` with the migrations shipped in this package."""
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        where = resources.files("reports.web.classroom") / "migrations"
        cfg.set_main_option("script_location", str(where))
        with self.engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")

    def dispose(self) -> None:
        self.engine.dispose()
