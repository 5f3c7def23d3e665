"""What class mode does to the database: one function a verb, each one transaction.

Every function takes the :class:`~.db.Database` and commits before it returns:
when a route answers a student "saved", the row is committed (on disk).
Tokens are ``secrets.token_urlsafe(32)`` (256 bits); only their SHA-256 is
stored, and the teacher's is compared with :func:`hmac.compare_digest`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reports.web.classroom.db import Database
from reports.web.classroom.models import Classroom, Student, Submission
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
]

#: Join codes: 6 characters without the look-alikes 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
#: The exercises a teacher can open and close (a class starts with coding open, the others closed).
EXERCISES = ("coding", "concessions", "debrief")
MAX_NAME = 60
MAX_STUDENTS = 500


def new_token() -> str:
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _forbidden(message: str) -> BadRequest:
    return bad_request("authorization", message, 403)


def _class(s: Session, code: str) -> Classroom:
    c = s.scalar(select(Classroom).where(Classroom.code == code.upper()))
    if c is None:
        raise bad_request(
            "code", f"no class with code '{code}'; check the code the teacher gave", 404
        )
    return c


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


def teacher_class(db: Database, code: str, token: str | None) -> dict[str, Any]:
    """The class, if ``token`` is its teacher's; else :class:`BadRequest` 403."""
    with db.session() as s:
        c = _class(s, code)
        if not token or not hmac.compare_digest(digest(token), c.teacher_digest):
            raise _forbidden("this needs the teacher's link (teacher token) of this class")
        return class_info(c)


def class_info(c: Classroom) -> dict[str, Any]:
    return {
        "code": c.code,
        "case": c.case_id,
        "units": [list(u) for u in c.units],
        "exercises": dict(c.exercises),
        "revealed": c.revealed,
        "case_zip": c.case_zip,
    }


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
    try:
        with db.session() as s:
            c = _class(s, code)
            count = s.scalar(select(func.count()).where(Student.class_id == c.id)) or 0
            if count >= MAX_STUDENTS:
                raise bad_request("code", f"the class is full ({MAX_STUDENTS} students)", 409)
            taken = s.scalar(
                select(Student.id).where(Student.class_id == c.id, Student.name == name)
            )
            if taken is not None:
                raise bad_request("name", f"'{name}' has joined already; choose another name", 409)
            s.add(Student(class_id=c.id, name=name, token_digest=digest(token)))
    except IntegrityError:
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

    ``body`` may be a function of the class (:func:`class_info`) that checks the
    request and returns the body: it runs after the token is checked, in the
    same transaction (one round of queries a submission).
    """
    for _ in range(3):
        try:
            with db.session() as s:
                c = _class(s, code)
                st = _student(s, c, token)
                if callable(body):
                    body = body(class_info(c))
                if c.exercises.get(kind) != "open":
                    raise bad_request(
                        kind, f"the {kind} exercise is closed; ask the teacher to open it", 409
                    )
                sub = s.scalar(
                    select(Submission)
                    .where(Submission.student_id == st.id, Submission.kind == kind)
                    .with_for_update()
                )
                if sub is None:
                    sub = Submission(
                        class_id=c.id,
                        student_id=st.id,
                        kind=kind,
                        body=body,
                        note=note,
                        revision=1,
                    )
                    s.add(sub)
                else:
                    sub.body, sub.note, sub.revision = body, note, sub.revision + 1
                s.flush()
                return sub.revision, st.name, body
        except IntegrityError:
            continue  # a concurrent first submission of the same student won: update it
    raise bad_request(kind, "the submission collided with another one; send it again", 409)


def student_submission(
    db: Database, code: str, token: str | None, kind: str
) -> dict[str, Any] | None:
    with db.session() as s:
        c = _class(s, code)
        st = _student(s, c, token)
        sub = s.scalar(
            select(Submission).where(Submission.student_id == st.id, Submission.kind == kind)
        )
        return (
            None if sub is None else {"body": sub.body, "revision": sub.revision, "name": st.name}
        )


def roster(db: Database, code: str) -> list[dict[str, Any]]:
    """Students in joining order, with the exercises each has submitted (and revisions)."""
    with db.session() as s:
        c = _class(s, code)
        rows = s.execute(
            select(Student.id, Student.name).where(Student.class_id == c.id).order_by(Student.id)
        ).all()
        subs = s.execute(
            select(Submission.student_id, Submission.kind, Submission.revision).where(
                Submission.class_id == c.id
            )
        ).all()
    done: dict[int, dict[str, int]] = {}
    for sid, kind, rev in subs:
        done.setdefault(sid, {})[kind] = rev
    return [{"name": name, "submitted": done.get(sid, {})} for sid, name in rows]


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
