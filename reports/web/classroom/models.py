"""The tables of class mode (SQLAlchemy 2 declarative models).

A *class* runs one case; *students* join it with a display name; each
student has at most one *submission* per exercise (``kind``), which a new
submission replaces (its ``revision`` counts the replacements). Tokens are
stored as SHA-256 digests only: the database never holds a usable token.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = ["Base", "Classroom", "Student", "Submission", "now"]


def now() -> _dt.datetime:
    """Now in UTC, without a time zone (as the columns store it)."""
    return _dt.datetime.now(_dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Classroom(Base):
    __tablename__ = "classes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True, index=True)
    case_id: Mapped[str] = mapped_column(String(200))
    #: the uploaded case folder (.zip) when the class does not run a shipped case
    case_zip: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    teacher_digest: Mapped[str] = mapped_column(String(64))
    #: the units students code: [[party, issue], …]
    units: Mapped[list[Any]] = mapped_column(JSON)
    #: exercise → "open" | "closed"
    exercises: Mapped[dict[str, Any]] = mapped_column(JSON)
    revealed: Mapped[bool] = mapped_column(Boolean, default=False)
    created: Mapped[_dt.datetime] = mapped_column(DateTime, default=now)

    students: Mapped[list[Student]] = relationship(
        back_populates="classroom", order_by="Student.id"
    )


class Student(Base):
    __tablename__ = "students"
    __table_args__ = (UniqueConstraint("class_id", "name", name="uq_students_class_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_digest: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    joined: Mapped[_dt.datetime] = mapped_column(DateTime, default=now)

    classroom: Mapped[Classroom] = relationship(back_populates="students")
    submissions: Mapped[list[Submission]] = relationship(
        back_populates="student", order_by="Submission.kind"
    )


class Submission(Base):
    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("student_id", "kind", name="uq_submissions_student_kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: free text kept beside the body (e.g. a rationale)
    note: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int] = mapped_column(Integer, default=1)
    updated: Mapped[_dt.datetime] = mapped_column(DateTime, default=now)

    student: Mapped[Student] = relationship(back_populates="submissions")
