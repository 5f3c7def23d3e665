"""Fixtures of class mode: the database, parametrized over SQLite and a real PostgreSQL.

PostgreSQL is Debian's ``postgresql`` package: ``initdb`` and ``pg_ctl`` from
``/usr/lib/postgresql/*/bin`` start a throw-away server in a temporary folder,
listening on a free localhost port (as root they run as the ``postgres`` user,
via ``runuser``, in a folder that user owns). Each test gets a database of its
own. Without PostgreSQL the PostgreSQL half is skipped on a developer machine
and fails in CI (``CI`` set), where ``.ci/run`` installs it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from reports.web.app import create_app
from reports.web.classroom.db import Database
from tests.reports.web.classroom.pg import PostgresServer, pg_bin
from tests.reports.web.conftest import need, start_server


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    bindir = pg_bin()
    if bindir is None:
        need("Debian's postgresql (initdb, pg_ctl)")
    server = PostgresServer(bindir)
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty class database: a SQLite file, or a database on our PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'classes.sqlite3'}"
    pg: PostgresServer = request.getfixturevalue("postgres")
    return pg.new_database()


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    database.upgrade()
    yield database
    database.dispose()


@pytest.fixture
def client(db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(db=db), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def class_server(tmp_path: Path) -> Iterator[str]:
    """``zopa serve`` on a SQLite class database of its own: its base URL (the browser tests')."""
    proc, url = start_server("--db", f"sqlite:///{tmp_path / 'classes.sqlite3'}")
    yield url
    proc.terminate()
    proc.wait(timeout=10)
