"""What the teacher's exports are made from: the class read at one moment, and export sections.

A :class:`ClassState` holds everything the exports show; :mod:`.export_routes`
reads it from the database (students and submissions in one statement, so
the files of one download agree with each other). A :class:`Section` is a
named part of the export: the submission kinds it exports in full, and a
builder of its :class:`Part` (CSV tables and its share of the JSON).
:mod:`.exports` assembles the sections into files; an exercise adds its own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from engine import Case
from reports.web.classroom.coding import class_agreement

__all__ = ["ClassState", "Part", "Section", "Submitted", "Table", "class_state"]

#: A CSV table: its headers and its rows.
Table = tuple[list[str], list[list[Any]]]


@dataclasses.dataclass(frozen=True)
class Submitted:
    """One stored submission: its kind, the student's name, its revision, body and note."""

    kind: str
    name: str
    revision: int
    body: Mapping[str, Any]
    note: str = ""


@dataclasses.dataclass(frozen=True)
class ClassState:
    """Everything the exports show, read at one moment.

    Attributes
    ----------
    code : str
        The join code.
    case : Case
        The case the class codes.
    units : tuple of (party, issue)
        The assigned units, in case order.
    exercises : mapping
        Exercise → ``"open"`` or ``"closed"``.
    revealed : bool
        Whether the students may read the results.
    students : tuple of (name, joined)
        In joining order; ``joined`` is an ISO 8601 UTC time or ``""``.
    submissions : tuple of Submitted
        In joining order, then by kind.
    agreement : mapping
        :func:`reports.web.classroom.coding.class_agreement` of the codings
        (what ``GET /api/classes/{code}/agreement`` answers).
    """

    code: str
    case: Case
    units: tuple[tuple[str, str], ...]
    exercises: Mapping[str, str]
    revealed: bool
    students: tuple[tuple[str, str], ...]
    submissions: tuple[Submitted, ...]
    agreement: Mapping[str, Any]

    def of_kind(self, kind: str) -> list[Submitted]:
        """The submissions of ``kind``, in joining order."""
        return [s for s in self.submissions if s.kind == kind]

    @property
    def codings(self) -> dict[str, dict[str, Any]]:
        """Student name → their coding's positions (``{party: {issue: {...}}}``)."""
        return {s.name: dict(s.body.get("positions", {})) for s in self.of_kind("coding")}


def class_state(
    code: str,
    case: Case,
    units: Sequence[Sequence[str]],
    *,
    exercises: Mapping[str, str] | None = None,
    revealed: bool = False,
    students: Sequence[tuple[str, str]] = (),
    submissions: Sequence[Submitted] = (),
    agreement: Mapping[str, Any] | None = None,
    draws: int = 1000,
    seed: int = 0,
) -> ClassState:
    """A :class:`ClassState`; the agreement is computed when not given (``draws``, ``seed``).

    Examples
    --------
    >>> import engine
    >>> state = class_state("K7QX2M", engine.load_case("ukraine-russia"), [["russia", "nato"]])
    >>> state.agreement["coders"], state.agreement["reason"]
    (0, 'α needs two codings or more')
    """
    unit_pairs = tuple((str(p), str(i)) for p, i in units)
    subs = tuple(submissions)
    if agreement is None:
        codings = {s.name: s.body["positions"] for s in subs if s.kind == "coding"}
        agreement = class_agreement(
            case, [list(u) for u in unit_pairs], codings, draws=draws, seed=seed
        )
    return ClassState(
        code=code,
        case=case,
        units=unit_pairs,
        exercises=dict(exercises or {"coding": "open"}),
        revealed=revealed,
        students=tuple(students),
        submissions=subs,
        agreement=agreement,
    )


@dataclasses.dataclass(frozen=True)
class Part:
    """What one section exports: CSV tables (name → headers, rows) and its share of the JSON."""

    tables: dict[str, Table]
    data: Any


@dataclasses.dataclass(frozen=True)
class Section:
    """A named part of the export.

    Attributes
    ----------
    name : str
        Its key in the JSON.
    kinds : tuple of str
        The submission kinds it exports in full (no other section repeats them raw).
    tables : mapping of str to str
        Each CSV table it makes, in order, and what the table holds (for
        README.txt and the teacher's page).
    build : callable
        ``build(state)`` → its :class:`Part`, whose tables are ``tables``.
    """

    name: str
    kinds: tuple[str, ...]
    tables: Mapping[str, str]
    build: Callable[[ClassState], Part]
