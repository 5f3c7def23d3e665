"""The class database: SQLAlchemy 2 over SQLite (default) or PostgreSQL, migrated by Alembic.

SQLite runs in WAL mode with ``synchronous=FULL``: a transaction is on disk
(the WAL is fsync'ed) before ``COMMIT`` returns, so a submission acknowledged
to a student survives the server being killed (SIGKILL) and even a power cut.
(``NORMAL`` with WAL would survive SIGKILL too but may lose the last commits on
a power cut; a class submits a few hundred small rows, so the fsync costs
nothing that matters.) ``busy_timeout`` lets concurrent writers wait for the
lock instead of failing. PostgreSQL commits durably by default.

Writes that must be fast under load go through :meth:`Database.write`. On
SQLite, which has one writer at a time and one fsync a commit, it commits in
groups: writes that arrive while a commit is under way wait for it, then the
first of them runs them all in one ``BEGIN IMMEDIATE`` transaction, each in a
savepoint of its own (a write that fails rolls back alone), and commits once.
Each caller gets its result only after that commit returns, so "saved" still
means "on disk" — one fsync for a burst of students instead of one each, and
threads that wait on a lock instead of SQLite's busy handler, which sleeps.
PostgreSQL commits concurrent transactions together by itself: there each
write is a transaction of its own.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

__all__ = ["Database", "DatabaseError", "default_url", "shown_url"]

T = TypeVar("T")
#: Most writes one group commit runs (the others wait for the next one).
GROUP_MAX = 64


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


class _Write:
    """One write waiting for its group commit: the work, then its result or its error."""

    __slots__ = ("done", "error", "result", "work")

    def __init__(self, work: Callable[[Connection], Any]):
        self.work = work
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None


class _GroupCommit:
    """Writes to SQLite run in groups, one ``BEGIN IMMEDIATE`` … ``COMMIT`` (one fsync) a group."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._queue = threading.Lock()  # guards _pending
        self._commit = threading.Lock()  # held by the thread committing a group
        self._pending: list[_Write] = []

    def run(self, work: Callable[[Connection], T]) -> T:
        mine = _Write(work)
        with self._queue:
            self._pending.append(mine)
        while not mine.done:
            with self._commit:
                if mine.done:  # a group committed while we waited: ours was in it
                    break
                with self._queue:
                    group, self._pending = self._pending[:GROUP_MAX], self._pending[GROUP_MAX:]
                self._commit_group(group)
        if mine.error is not None:
            raise mine.error
        result: T = mine.result
        return result

    def _commit_group(self, group: list[_Write]) -> None:
        try:
            with self.engine.connect() as conn:
                # the write lock now, not at the first write (which could then fail)
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                for w in group:  # a savepoint each (plain SQL: nothing to compile per write)
                    conn.exec_driver_sql("SAVEPOINT w")
                    try:
                        w.result = w.work(conn)
                    except Exception as exc:  # this write alone is rolled back
                        conn.exec_driver_sql("ROLLBACK TO w")
                        w.error = exc
                    conn.exec_driver_sql("RELEASE w")
                conn.commit()
        except BaseException as exc:  # the commit failed: no write of the group is saved
            for w in group:
                w.error, w.result = w.error or exc, None
            if not isinstance(exc, Exception):
                raise
        finally:
            for w in group:
                w.done = True


class Database:
    """An engine and a session factory; :meth:`upgrade` brings the schema to Alembic's head."""

    def __init__(self, url: str):
        self.url = url
        self.engine = _engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        sqlite = self.engine.dialect.name == "sqlite"
        self._group = _GroupCommit(self.engine) if sqlite else None
        # reads on PostgreSQL need no BEGIN … ROLLBACK around them (two round trips)
        self._reader = (
            self.engine if sqlite else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        )

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a transaction: committed at the end of the block, rolled back on error."""
        with self._sessions() as s, s.begin():
            yield s

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A Core connection for reading (no ORM objects); each statement sees the committed state."""
        with self._reader.connect() as conn:
            yield conn

    def write(self, work: Callable[[Connection], T]) -> T:
        """``work(connection)`` in a transaction, committed before this returns its result.

        On SQLite the transaction is shared with the writes that arrived meanwhile
        (group commit, above); ``work`` runs in a savepoint, so an error it raises
        undoes its own statements only and is raised here.
        """
        if self._group is not None:
            return self._group.run(work)
        with self.engine.begin() as conn:
            return work(conn)

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
