"""Scenarios written as data (a list of change mappings), e.g. from a web request.

The same fields as a scenario file's ``changes`` (docs/format.md), validated the
same way, with every problem located by its index: ``changes[2].issue``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine.model.case import Case, Change, Scenario, as_date
from engine.model.errors import CaseError, Problem
from engine.whatif.scenario import apply, parse_change

__all__ = ["apply_mappings", "scenario_from_mappings", "without_red_lines"]


def _field(prefix: str, path: Sequence[Any]) -> str:
    out = prefix
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _parsed(
    case: Case,
    changes: Any,
    *,
    at: Any = None,
    title: str = "changes",
    origin: str = "request",
    field: str = "changes",
) -> Scenario:
    """The scenario the mappings describe, parsed but not yet applied (see :func:`apply_mappings`)."""
    if not isinstance(changes, list):
        raise CaseError([Problem("", 0, 0, field, "must be a list of changes")])
    parties = {p.id: p for p in case.parties}
    issues = {i.id: i for i in case.issues}
    parsed: list[Change] = []
    problems: list[Problem] = []
    for n, raw in enumerate(changes):
        where = f"{field}[{n}]"
        if not isinstance(raw, Mapping):
            problems.append(Problem("", 0, 0, where, "must be an object of change fields"))
            continue
        change, errors = parse_change(raw, parties, issues, origin=where)
        problems += [Problem("", 0, 0, _field(where, path), msg) for path, msg in errors]
        if change is not None and not errors:
            parsed.append(change)
    if problems:
        raise CaseError(problems)
    when = as_date(at, "at") if at is not None else None
    return Scenario(id="request", title=title, changes=tuple(parsed), at=when, origin=origin)


def apply_mappings(
    case: Case,
    changes: Any,
    *,
    at: Any = None,
    title: str = "changes",
    origin: str = "request",
    field: str = "changes",
) -> tuple[Scenario, Case]:
    """Read change mappings (as in a scenario file) and apply them: the scenario and the new case.

    Parameters
    ----------
    case : Case
        The case the changes apply to; never modified.
    changes : list of mapping
        E.g. ``[{"party": "ukraine", "issue": "nato", "add": ["pledge_not_to_join"]}]``.
    at : date or str, optional
        The date the changes apply to (default: the case's ``as_of``).
    title, origin : str
        Carried into the :class:`Scenario`.
    field : str
        The name the problems are located under (``changes[0].issue``).

    Every problem — a field, an unknown id (with a did-you-mean), a change that
    does not fit the case — is raised at once as a :class:`CaseError` located by
    its index (``changes[2].issue``). With no change, the case itself is
    returned unchanged.

    Examples
    --------
    >>> import engine
    >>> case = engine.load_case("tests/cases/tiny")
    >>> sc, changed = apply_mappings(case, [{"party": "a", "issue": "ord", "salience": 0.5}])
    >>> changed.at()[("a", "ord")].salience
    0.5
    """
    scenario = _parsed(case, changes, at=at, title=title, origin=origin, field=field)
    if not scenario.changes:
        return scenario, case
    return scenario, apply(case, scenario)


def scenario_from_mappings(case: Case, changes: Any, **options: Any) -> Scenario:
    """Build and check a scenario from change mappings (:func:`apply_mappings`, the scenario only).

    Examples
    --------
    >>> import engine
    >>> case = engine.load_case("tests/cases/tiny")
    >>> len(scenario_from_mappings(case, [{"party": "a", "issue": "ord", "salience": 0.5}]).changes)
    1
    """
    return apply_mappings(case, changes, **options)[0]


def without_red_lines(case: Case, at: Any, parties: Sequence[str]) -> Case:
    """The case with every red line of the given parties set aside (an explicit what-if).

    Used to show which packages would exist if the parties' red lines gave way;
    every result computed on it must say so.
    """
    changes = tuple(
        Change("position", party=p, issue=i, red_line=False)
        for (p, i), pos in case.at(at).items()
        if pos.red_line and p in parties
    )
    when = as_date(at) if at is not None else None
    return apply(case, Scenario("no-red-lines", "red lines set aside", changes, at=when))
