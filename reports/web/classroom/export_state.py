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
import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from engine import Case
from reports.web.classroom import concessions, debrief
from reports.web.classroom.coding import class_agreement

__all__ = ["ClassState", "Part", "Section", "Submitted", "Table", "class_state"]

#: A CSV table: its headers and its rows.
Table = tuple[list[str], list[list[Any]]]
#: An exercise's results from its submissions: ``results(case, [(name, body, revision), …])``.
Results = Callable[[Case, list[tuple[str, Mapping[str, Any], int]]], Mapping[str, Any]]


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
    concessions : mapping or None
        :func:`reports.web.classroom.concessions.class_ranking` of the
        ``concessions`` submissions (what ``GET
        /api/classes/{code}/concessions/ranked`` answers); None when the
        class has not run the exercise (never opened, nothing submitted).
    debrief : mapping or None
        :func:`reports.web.classroom.debrief.scored_packages` of the
        ``debrief`` submissions, with the plot (what ``GET
        /api/classes/{code}/packages`` answers); None when the class has not
        run the exercise or its case is not scorable.
    scorable_reason : str
        Why the case cannot be debriefed (:func:`reports.web.classroom.debrief.scorable`);
        ``""`` when it can.
    """

    code: str
    case: Case
    units: tuple[tuple[str, str], ...]
    exercises: Mapping[str, str]
    revealed: bool
    students: tuple[tuple[str, str], ...]
    submissions: tuple[Submitted, ...]
    agreement: Mapping[str, Any]
    concessions: Mapping[str, Any] | None = None
    debrief: Mapping[str, Any] | None = None
    scorable_reason: str = ""

    def of_kind(self, kind: str) -> list[Submitted]:
        """The submissions of ``kind``, in joining order."""
        return [s for s in self.submissions if s.kind == kind]

    @property
    def codings(self) -> dict[str, dict[str, Any]]:
        """Student name → their coding's positions (``{party: {issue: {...}}}``)."""
        return {s.name: dict(s.body.get("positions", {})) for s in self.of_kind("coding")}

    def runs(self, exercise: str) -> bool:
        """Whether the class has run ``exercise``: opened it once, or has submissions of it."""
        return exercise in self.exercises or any(s.kind == exercise for s in self.submissions)

    def entries_of(self, kind: str) -> list[tuple[str, Mapping[str, Any], int]]:
        """The submissions of ``kind`` as :func:`reports.web.classroom.store.submissions` gives them."""
        return [(s.name, s.body, s.revision) for s in self.of_kind(kind)]


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
    rank: Results | None = None,
    score: Results | None = None,
    scorable_reason: str | None = None,
) -> ClassState:
    """A :class:`ClassState`, its results computed when not given.

    Parameters
    ----------
    code, case, units, exercises, revealed, students, submissions, agreement
        As the attributes of :class:`ClassState` (``exercises`` default:
        coding open, as a new class).
    draws, seed : int
        The agreement's bootstrap, when ``agreement`` is not given.
    rank : callable, optional
        ``rank(case, submissions)`` → the ranked concessions, default
        :func:`reports.web.classroom.concessions.class_ranking` (the server
        passes the dashboard's remembered one); called when the class runs
        the concessions exercise.
    score : callable, optional
        ``score(case, submissions)`` → the scored packages, default
        :func:`reports.web.classroom.debrief.scored_packages` with the plot;
        called when the class runs the debrief on a scorable case.
    scorable_reason : str, optional
        :func:`reports.web.classroom.debrief.scorable` of the case, computed
        when not given.

    Examples
    --------
    >>> import engine
    >>> state = class_state("K7QX2M", engine.load_case("ukraine-russia"), [["russia", "nato"]])
    >>> state.agreement["coders"], state.agreement["reason"]
    (0, 'α needs two codings or more')
    >>> state.concessions, state.debrief, state.scorable_reason[:28]
    (None, None, "party 'ukraine' has no point")
    """
    unit_pairs = tuple((str(p), str(i)) for p, i in units)
    subs = tuple(submissions)
    if agreement is None:
        codings = {s.name: s.body["positions"] for s in subs if s.kind == "coding"}
        agreement = class_agreement(
            case, [list(u) for u in unit_pairs], codings, draws=draws, seed=seed
        )
    state = ClassState(
        code=code,
        case=case,
        units=unit_pairs,
        exercises=dict({"coding": "open"} if exercises is None else exercises),
        revealed=revealed,
        students=tuple(students),
        submissions=subs,
        agreement=agreement,
        scorable_reason=debrief.scorable(case) if scorable_reason is None else scorable_reason,
    )
    results: dict[str, Any] = {}
    if state.runs("concessions"):
        rank = rank or concessions.class_ranking
        results["concessions"] = rank(case, state.entries_of("concessions"))
    if state.runs("debrief") and not state.scorable_reason:
        score = score or functools.partial(debrief.scored_packages, figure=True)
        results["debrief"] = score(case, state.entries_of("debrief"))
    return dataclasses.replace(state, **results)


@dataclasses.dataclass(frozen=True)
class Part:
    """What one section exports: CSV tables (name → headers, rows) and its share of the JSON.

    ``unexported`` names the kinds of the section that it could not export
    this time (a debrief on a case that cannot be scored): their submissions
    go, as stored, to the ``other_submissions`` table. ``files`` are other
    files of ``export.zip`` (name → text), such as the debrief's plot.
    """

    tables: dict[str, Table]
    data: Any
    unexported: tuple[str, ...] = ()
    files: dict[str, str] = dataclasses.field(default_factory=dict)


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
