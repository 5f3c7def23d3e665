"""``Database.write``: every write committed before it returns, one write's error undoes it alone.

On SQLite concurrent writes are committed in groups (one transaction, a
savepoint each); on PostgreSQL each is a transaction of its own. The tests
hold the same on both.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event, select, text

from reports.web.classroom import store
from reports.web.classroom.db import Database
from reports.web.classroom.models import Student


def _class_id(db, code: str) -> int:
    with db.read() as conn:
        return conn.execute(text("SELECT id FROM classes WHERE code = :c"), {"c": code}).scalar()


def _add(class_id: int, name: str, fail: bool = False):
    def work(conn):
        conn.execute(
            Student.__table__.insert(),
            {"class_id": class_id, "name": name, "token_digest": store.digest(name)},
        )
        if fail:
            raise ValueError(f"{name} fails after its insert")
        return name.upper()

    return work


def _names(db, class_id: int) -> list[str]:
    with db.read() as conn:
        rows = conn.execute(
            select(Student.name).where(Student.class_id == class_id).order_by(Student.name)
        )
        return [n for (n,) in rows]


def _write_all(db, works) -> list[object]:
    """Each work written from a thread of its own, all started together; results or errors."""
    out: list[object] = [None] * len(works)
    start = threading.Barrier(len(works))

    def one(n: int) -> None:
        start.wait()
        try:
            out[n] = db.write(works[n])
        except Exception as exc:
            out[n] = exc

    threads = [threading.Thread(target=one, args=(n,)) for n in range(len(works))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return out


def test_concurrent_writes_are_each_committed_with_their_own_result(db):
    code, _ = store.create_class(db, "ukraine-russia", [["russia", "nato"]])
    cid = _class_id(db, code)
    names = [f"s{n:02d}" for n in range(30)]
    got = _write_all(db, [_add(cid, n) for n in names])
    assert got == [n.upper() for n in names]
    assert _names(db, cid) == names


def test_a_failing_write_is_undone_alone_and_its_error_raised_to_its_caller(db):
    code, _ = store.create_class(db, "ukraine-russia", [["russia", "nato"]])
    cid = _class_id(db, code)
    works = [_add(cid, f"s{n:02d}", fail=n % 3 == 0) for n in range(12)]
    got = _write_all(db, works)
    for n, r in enumerate(got):
        if n % 3 == 0:
            assert isinstance(r, ValueError) and f"s{n:02d} fails" in str(r)
        else:
            assert r == f"S{n:02d}"
    assert _names(db, cid) == [f"s{n:02d}" for n in range(12) if n % 3]


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    """A SQLite class database only: PostgreSQL commits concurrent transactions together itself."""
    database = Database(f"sqlite:///{tmp_path / 'classes.sqlite3'}")
    database.upgrade()
    yield database
    database.dispose()


def test_writes_that_wait_for_a_commit_go_in_one_group(sqlite_db):
    db = sqlite_db
    code, _ = store.create_class(db, "ukraine-russia", [["russia", "nato"]])
    cid = _class_id(db, code)
    group = db._group
    assert group is not None
    works = [_add(cid, f"s{n}", fail=n == 2) for n in range(5)]
    out: list[object] = [None] * len(works)
    begins: list[str] = []

    def seen(conn, cursor, statement, *args) -> None:
        if statement.startswith("BEGIN"):
            begins.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)

    def one(n: int) -> None:
        try:
            out[n] = db.write(works[n])
        except Exception as exc:
            out[n] = exc

    with group._commit:  # a commit under way: the five writes queue behind it
        threads = [threading.Thread(target=one, args=(n,)) for n in range(5)]
        for t in threads:
            t.start()
        while len(group._pending) < 5:
            threading.Event().wait(0.01)
    for t in threads:
        t.join(timeout=60)
    assert [type(r).__name__ for r in out] == ["str", "str", "ValueError", "str", "str"]
    assert _names(db, cid) == ["s0", "s1", "s3", "s4"]
    assert begins == ["BEGIN IMMEDIATE"]  # one transaction, so one commit (one fsync)
