"""What class mode does to the database: one function a verb, each one transaction.

Every function takes the :class:`~.db.Database` and commits before it returns:
when a route answers a student "saved", the row is committed (on disk).
Tokens are ``secrets.token_urlsafe(32)`` (256 bits); only their SHA-256 is
stored, and the teacher's is compared with :func:`hmac.compare_digest`.

The verbs a class calls at once — a student joins, submits, reads their
submission back; the teacher's dashboard polls — are SQLAlchemy Core
statements built once (no ORM objects, one query where one suffices), and
their writes go through :meth:`~.db.Database.write` (group commit on SQLite).
The others use the ORM.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Insert, Row, and_, bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reports.web.classroom.db import Database
from reports.web.classroom.models import Classroom, Student, Submission, now
from reports.web.state import BadRequest, bad_request

__all__ = [
    "CODE_ALPHABET",
    "EXERCISES",
    "class_info",
    "create_class",
    "join_class",
    "new_token",
    "reveal",
    "roster",
    "set_exercise",
    "student_submission",
    "submissions",
    "submit",
    "teacher_class",
    "teacher_roster",
]

#: Join codes: 6 characters without the look-alikes 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
#: The exercises a teacher can open and close (a class starts with coding open, the others closed).
EXERCISES = ("coding", "concessions", "debrief")
MAX_NAME = 60
MAX_STUDENTS = 500

_classes, _students, _subs = Classroom.__table__, Student.__table__, Submission.__table__
#: A class's columns but its uploaded case folder (only whether there is one).
_CLASS = (
    _classes.c.id,
    _classes.c.code,
    _classes.c.case_id,
    _classes.c.teacher_digest,
    _classes.c.units,
    _classes.c.exercises,
    _classes.c.revealed,
    _classes.c.case_zip.is_not(None).label("uploaded"),
)
_CLASS_BY_CODE = select(*_CLASS).where(_classes.c.code == bindparam("code"))
_CLASS_ID = select(_classes.c.id).where(_classes.c.code == bindparam("code"))
_EXERCISES = select(_classes.c.exercises).where(_classes.c.id == bindparam("class_id"))
#: The student of a token, with their class (one query).
_STUDENT = (
    select(*_CLASS, _students.c.id.label("student_id"), _students.c.name)
    .join_from(_students, _classes, _students.c.class_id == _classes.c.id)
    .where(_students.c.token_digest == bindparam("digest"))
)
#: The student of a token and their submission of a kind, if any (one query).
_MINE = (
    select(_classes.c.code, _students.c.name, _subs.c.body, _subs.c.revision)
    .select_from(
        _students.join(_classes, _students.c.class_id == _classes.c.id).outerjoin(
            _subs,
            and_(_subs.c.student_id == _students.c.id, _subs.c.kind == bindparam("kind")),
        )
    )
    .where(_students.c.token_digest == bindparam("digest"))
)
#: Students in joining order with each submission's kind and revision (one query).
_ROSTER = (
    select(_students.c.id, _students.c.name, _subs.c.kind, _subs.c.revision)
    .select_from(_students.outerjoin(_subs, _subs.c.student_id == _students.c.id))
    .where(_students.c.class_id == bindparam("class_id"))
    .order_by(_students.c.id, _subs.c.kind)
)
_COUNT = select(func.count()).where(_students.c.class_id == bindparam("class_id"))
_ADD_STUDENT = _students.insert()


def _upsert(dialect: str) -> Insert:
    """A submission inserted, or the student's one of that kind replaced (revision + 1)."""
    ins = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(_subs)
    return ins.on_conflict_do_update(
        index_elements=[_subs.c.student_id, _subs.c.kind],
        set_={
            "body": ins.excluded.body,
            "note": ins.excluded.note,
            "updated": ins.excluded.updated,
            "revision": _subs.c.revision + 1,
        },
    ).returning(_subs.c.revision)


_UPSERT = {d: _upsert(d) for d in ("sqlite", "postgresql")}


def new_token() -> str:
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _forbidden(message: str) -> BadRequest:
    return bad_request("authorization", message, 403)


def _no_class(code: str) -> BadRequest:
    return bad_request(
        "code", f"no class with code '{code}'; check the code the teacher gave", 404
    )


def _not_student() -> BadRequest:
    return _forbidden("this needs your student token for this class (join the class first)")


def _class(s: Session, code: str) -> Classroom:
    c = s.scalar(select(Classroom).where(Classroom.code == code.upper()))
    if c is None:
        raise _no_class(code)
    return c


def _class_row(conn: Connection, code: str) -> Row[Any]:
    row = conn.execute(_CLASS_BY_CODE, {"code": code.upper()}).first()
    if row is None:
        raise _no_class(code)
    return row


def _refused(conn: Connection, code: str) -> BadRequest:
    """Why a student's token found nothing in class ``code``: no such class (404) or not theirs (403)."""
    if conn.execute(_CLASS_ID, {"code": code.upper()}).first() is None:
        return _no_class(code)
    return _not_student()


def create_class(
    db: Database,
    case_id: str,
    units: list[list[str]],
    case_zip: bytes | None = None,
    exercises: dict[str, str] | None = None,
) -> tuple[str, str]:
    """A new class: its join code and its teacher token (shown once, stored as a digest).

    ``exercises`` (exercise → ``"open"``) are the ones open at the start; default: coding.
    """
    token = new_token()
    for _ in range(20):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        try:
            with db.session() as s:
                s.add(
                    Classroom(
                        code=code,
                        case_id=case_id,
                        case_zip=case_zip,
                        teacher_digest=digest(token),
                        units=units,
                        exercises={"coding": "open"} if exercises is None else exercises,
                        revealed=False,
                    )
                )
            return code, token
        except IntegrityError:
            continue  # the code is taken: draw another
    raise RuntimeError("could not draw a free class code")  # pragma: no cover


def _check_teacher(teacher_digest: str, token: str | None) -> None:
    if not token or not hmac.compare_digest(digest(token), teacher_digest):
        raise _forbidden("this needs the teacher's link (teacher token) of this class")


def teacher_class(db: Database, code: str, token: str | None) -> dict[str, Any]:
    """The class, if ``token`` is its teacher's; else :class:`BadRequest` 403."""
    with db.session() as s:
        c = _class(s, code)
        _check_teacher(c.teacher_digest, token)
        return class_info(c)


def teacher_roster(
    db: Database, code: str, token: str | None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """What the teacher's dashboard polls: the class (without ``case_zip``) and its :func:`roster`."""
    with db.read() as conn:
        row = _class_row(conn, code)
        _check_teacher(row.teacher_digest, token)
        return class_info(row), _roster(conn, row.id)


def class_info(c: Classroom | Row[Any]) -> dict[str, Any]:
    """The class as the routes use it; from a Core row of ``_CLASS``, without ``case_zip``."""
    info = {
        "code": c.code,
        "case": c.case_id,
        "units": [list(u) for u in c.units],
        "exercises": dict(c.exercises),
        "revealed": c.revealed,
    }
    if isinstance(c, Classroom):
        info["case_zip"] = c.case_zip
        info["uploaded"] = c.case_zip is not None
    else:
        info["uploaded"] = bool(c.uploaded)
    return info


def case_zip(db: Database, code: str) -> bytes | None:
    """The class's uploaded case folder (.zip), or None when it runs a shipped case."""
    with db.read() as conn:
        blob = conn.execute(
            select(_classes.c.case_zip).where(_classes.c.code == code.upper())
        ).scalar()
    return None if blob is None else bytes(blob)


def public_class(db: Database, code: str) -> dict[str, Any]:
    with db.session() as s:
        return class_info(_class(s, code))


def clean_name(raw: Any) -> str:
    if not isinstance(raw, str):
        raise bad_request("name", "required: a display name (text)")
    name = unicodedata.normalize("NFC", " ".join(raw.split()))
    if not name:
        raise bad_request("name", "required: a display name (not only spaces)")
    if len(name) > MAX_NAME:
        raise bad_request("name", f"at most {MAX_NAME} characters")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") for ch in name):
        raise bad_request("name", "control or invisible characters are not allowed")
    return name


def join_class(db: Database, code: str, name: Any) -> tuple[str, str]:
    """A student joins: their display name and their token (stored as a digest)."""
    name = clean_name(name)
    token = new_token()

    def add(conn: Connection) -> None:
        class_id = conn.execute(_CLASS_ID, {"code": code.upper()}).scalar()
        if class_id is None:
            raise _no_class(code)
        if (conn.execute(_COUNT, {"class_id": class_id}).scalar() or 0) >= MAX_STUDENTS:
            raise bad_request("code", f"the class is full ({MAX_STUDENTS} students)", 409)
        row = {"class_id": class_id, "name": name, "token_digest": digest(token), "joined": now()}
        conn.execute(_ADD_STUDENT, row)

    try:
        db.write(add)
    except IntegrityError:  # the name is taken in this class (unique constraint)
        raise bad_request(
            "name", f"'{name}' has joined already; choose another name", 409
        ) from None
    return name, token


def _student(s: Session, c: Classroom, token: str | None) -> Student:
    st = s.scalar(select(Student).where(Student.token_digest == digest(token or "")))
    if not token or st is None or st.class_id != c.id:
        raise _forbidden("this needs your student token for this class (join the class first)")
    return st


def student_of(db: Database, code: str, token: str | None) -> tuple[dict[str, Any], str]:
    with db.session() as s:
        c = _class(s, code)
        return class_info(c), _student(s, c, token).name


def submit(
    db: Database,
    code: str,
    token: str | None,
    kind: str,
    body: dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]],
    note: str = "",
) -> tuple[int, str, dict[str, Any]]:
    """Store (or replace) the student's submission of ``kind``: (revision, name, body), committed.

    ``body`` may be a function of the class (:func:`class_info`, without
    ``case_zip``) that checks the request and returns the body: it runs after the
    token is checked, before the write. The write checks that the exercise is
    open and inserts the submission or replaces it (revision + 1) in one
    statement, so concurrent submissions of one student each count.
    """
    with db.read() as conn:
        row = conn.execute(_STUDENT, {"digest": digest(token or "")}).first()
        if not token or row is None or row.code != code.upper():
            raise _refused(conn, code)
    if callable(body):
        body = body(class_info(row))
    values = {
        "class_id": row.id,
        "student_id": row.student_id,
        "kind": kind,
        "body": body,
        "note": note,
        "revision": 1,
        "updated": now(),
    }

    def save(conn: Connection) -> int:
        if (conn.execute(_EXERCISES, {"class_id": row.id}).scalar() or {}).get(kind) != "open":
            raise bad_request(
                kind, f"the {kind} exercise is closed; ask the teacher to open it", 409
            )
        revision: int = conn.execute(_UPSERT[conn.dialect.name], values).scalar_one()
        return revision

    return db.write(save), row.name, body


def student_submission(
    db: Database, code: str, token: str | None, kind: str
) -> dict[str, Any] | None:
    """The student's submission of ``kind`` (body, revision, name), or None if they have none."""
    with db.read() as conn:
        row = conn.execute(_MINE, {"digest": digest(token or ""), "kind": kind}).first()
        if not token or row is None or row.code != code.upper():
            raise _refused(conn, code)
    if row.revision is None:
        return None
    return {"body": row.body, "revision": row.revision, "name": row.name}


def roster(db: Database, code: str) -> list[dict[str, Any]]:
    """Students in joining order, with the exercises each has submitted (and revisions)."""
    with db.read() as conn:
        return _roster(conn, _class_row(conn, code).id)


def _roster(conn: Connection, class_id: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    last = None
    for sid, name, kind, revision in conn.execute(_ROSTER, {"class_id": class_id}):
        if sid != last:
            out.append({"name": name, "submitted": {}})
            last = sid
        if kind is not None:
            out[-1]["submitted"][kind] = revision
    return out


def submissions(db: Database, code: str, kind: str) -> list[tuple[str, dict[str, Any], int]]:
    """(student name, body, revision) of every submission of ``kind``, in joining order."""
    with db.session() as s:
        c = _class(s, code)
        rows = s.execute(
            select(Student.name, Submission.body, Submission.revision)
            .join(Submission, Submission.student_id == Student.id)
            .where(Submission.class_id == c.id, Submission.kind == kind)
            .order_by(Student.id)
        ).all()
    return [(n, b, r) for n, b, r in rows]


def reveal(db: Database, code: str, revealed: bool = True) -> None:
    with db.session() as s:
        _class(s, code).revealed = revealed


def set_exercise(db: Database, code: str, exercise: str, is_open: bool) -> dict[str, Any]:
    if exercise not in EXERCISES:
        raise bad_request(
            "exercise", f"unknown exercise '{exercise}'; exercises: {', '.join(EXERCISES)}", 404
        )
    with db.session() as s:
        c = _class(s, code)
        c.exercises = {**c.exercises, exercise: "open" if is_open else "closed"}
        return dict(c.exercises)
