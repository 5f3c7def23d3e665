"""The negotiation debrief: each group's package scored for each role against the frontier.

Only a **scorable** case can be debriefed: one whose roles (the case's
negotiators, :meth:`engine.Case.negotiators`) have a points table — ``values``
on every position in force on the case's date, or ``bonuses`` — such as the
shipped ``harbour-lease``. A group enters the package it agreed::

    {"package": {issue: option id or number, …}, "group": "Group 3"}

(or ``"package": "term=15,rent=r400k,…"``, the text ``zopa score --package``
reads). Each outcome is checked by the case files' parser
(:func:`engine.model.parse.parse_outcome`, as :func:`engine.solve.score.parse_package`
does), with a did-you-mean on issue ids, and every issue on which a role has
a position is required. The package is scored with
:func:`engine.solve.score.score_package` against the exact Pareto frontier of
:func:`engine.pareto_packages` and the Nash package of :func:`engine.nash_package`.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

import engine
from engine import Case, CaseError
from engine.model.errors import allowed_list, unknown_message
from engine.model.parse import parse_outcome
from engine.solve.bargaining import BargainingError, package_utilities, utility_column
from engine.solve.score import PackageScore, parse_package, score_package
from engine.solve.utility import COUNT
from reports.web.classroom.entries import Submissions, check_fields, check_group, entries
from reports.web.state import BadRequest

__all__ = [
    "FIELDS",
    "check_package",
    "labels",
    "package_issues",
    "scorable",
    "scored_packages",
    "scored_parties",
]

#: The fields of a debrief entry.
FIELDS = ("package", "group")


def scored_parties(case: Case) -> tuple[str, ...]:
    """The roles a package is scored for: the case's negotiators (:meth:`engine.Case.negotiators`)."""
    return case.negotiators()[0]


def scorable(case: Case) -> str:
    """Why ``case`` cannot be debriefed, in words; ``""`` when it can.

    Examples
    --------
    >>> import engine
    >>> scorable(engine.load_case("harbour-lease"))
    ''
    >>> scorable(engine.load_case("tests/cases/tiny"))
    "party 'a' has no points table (values) on issue 'ord'"
    """
    parties = scored_parties(case)
    if len(parties) < 2:
        return "a debrief needs two roles or more"
    state = case.at(case.as_of)
    for p in parties:
        if case.party(p).bonuses:
            continue
        mine = [(i, pos) for (q, i), pos in state.items() if q == p]
        if not mine:
            return f"party '{p}' has no position on {case.as_of.isoformat()}"
        for i, pos in mine:
            if not pos.values:  # noqa: PD011 (a position's points table, not pandas)
                return f"party '{p}' has no points table (values) on issue '{i}'"
    return ""


def package_issues(case: Case) -> tuple[str, ...]:
    """The issues a package must settle: every one on which a role has a position (case order)."""
    parties = set(scored_parties(case))
    stated = {i for (p, i) in case.at(case.as_of) if p in parties}
    for p in parties:
        stated |= {i for b in case.party(p).bonuses for i, _ in b.when}
    return tuple(i for i in case.issue_ids if i in stated)


def _allowed(case: Case, issue_id: str) -> str:
    issue = case.issue(issue_id)
    if issue.is_interval:
        assert issue.min is not None and issue.max is not None
        return f"a number from {issue.min:g} to {issue.max:g} {issue.unit}".rstrip()
    return "one of " + allowed_list(list(issue.option_ids))


def _mapping_package(
    case: Case, raw: Mapping[str, Any], errors: list[dict[str, str]]
) -> dict[str, Any]:
    """A package given as ``{issue: outcome}``, each outcome checked where it is."""
    out: dict[str, Any] = {}
    for issue_id, value in raw.items():
        where = f"package.{issue_id}"
        if issue_id not in case.issue_ids:
            errors.append(
                {"field": where, "message": unknown_message("issue", issue_id, case.issue_ids)}
            )
            continue
        issue = case.issue(issue_id)
        if issue.is_interval and isinstance(value, str):
            with contextlib.suppress(ValueError):  # parse_outcome names what is allowed
                value = float(value)
        outcome, err = parse_outcome(issue, value)
        if err:
            errors.append({"field": where, "message": err})
        else:
            out[issue_id] = outcome
    return out


def check_package(case: Case, body: Mapping[str, Any]) -> dict[str, Any]:
    """The package in ``body`` checked; :class:`BadRequest` lists every problem, located.

    Returns ``{"package": {issue: outcome}}`` in the case's issue order (and
    ``"group"`` when given).

    Examples
    --------
    >>> import engine
    >>> case = engine.load_case("harbour-lease")
    >>> check_package(case, {"package": "term=15,rent=r400k,dredging=split,hiring=quarter,"
    ...                                 "night_sailings=summer_only", "group": "Group 3"})["package"]["term"]
    15.0
    >>> try:
    ...     check_package(case, {"package": {"term": 40, "rent": "r400", "dredging": "split"}})
    ... except BadRequest as exc:
    ...     print(sorted(e["field"] for e in exc.errors))
    ['package.hiring', 'package.night_sailings', 'package.rent', 'package.term']
    """
    errors: list[dict[str, str]] = []
    check_fields(body, FIELDS, errors)
    group = check_group(body.get("group"), errors)
    raw = body.get("package")
    needed = package_issues(case)
    package: dict[str, Any] = {}
    given: set[str] = set()
    if isinstance(raw, str) and raw.strip():
        try:
            package = parse_package(case, raw)
            given = set(package)
        except CaseError as exc:
            errors += [{"field": "package", "message": p.message} for p in exc.problems]
            given = set(needed)  # the parser's messages say what to fix first
    elif isinstance(raw, Mapping) and raw:
        package = _mapping_package(case, raw, errors)
        given = set(raw)
    else:
        given = set(needed)
        errors.append(
            {
                "field": "package",
                "message": "required: one outcome per issue, {issue: option id or number} "
                f"(issues: {', '.join(needed)})",
            }
        )
    for i in needed:
        if i not in given:
            errors.append({"field": f"package.{i}", "message": f"required: {_allowed(case, i)}"})
    if errors:
        raise BadRequest(errors)
    out: dict[str, Any] = {"package": {i: package[i] for i in case.issue_ids if i in package}}
    if group:
        out["group"] = group
    return out


def _frontier_rows(
    front: Any, parties: tuple[str, ...], nash_point: int | None
) -> list[dict[str, Any]]:
    issues = front.attrs["issues"]
    return [
        {
            "point": int(point),
            "utilities": {p: float(row[utility_column(p)]) for p in parties},
            "packages": None if pd.isna(row[COUNT]) else int(row[COUNT]),
            "package": {i: _plain(row[i]) for i in issues},
            "nash": nash_point is not None and int(point) == nash_point,
        }
        for point, row in front.iterrows()
    ]


def _plain(x: Any) -> Any:
    return x.item() if hasattr(x, "item") else x


def labels(case: Case, package: Mapping[str, Any]) -> dict[str, str]:
    """Each outcome of a package as its readable label (``15 years``, ``400 000 a year``)."""
    return {i: case.issue(i).label(o) for i, o in package.items()}


def _nash(case: Case, parties: tuple[str, ...], date: Any) -> dict[str, Any]:
    nash = engine.nash_package(case, parties, at=date)
    package = None if nash.package is None else {k: _plain(v) for k, v in nash.package.items()}
    return {
        "found": nash.found,
        "point": nash.point,
        "package": package,
        "labels": None if package is None else labels(case, package),
        "utilities": dict(nash.utilities),
        "reason": nash.reason,
    }


def _score_row(
    case: Case,
    package: Mapping[str, Any],
    parties: tuple[str, ...],
    date: Any,
    nash: dict[str, Any] | None,
) -> tuple[dict[str, Any], PackageScore | None]:
    """One package's scores (no frontier when ``nash`` is None: utilities only)."""
    s = None
    if nash is not None:
        s = score_package(case, package, parties, at=date)
        u = dict(s.utilities)
    else:
        u = package_utilities(case, package, parties, at=date)
    reservation = {p: case.party(p).reservation for p in parties}
    nash_u = nash["utilities"] if nash and nash["found"] else None
    return {
        "utilities": u,
        "above_reservation": {
            p: None if r is None else bool(u[p] >= r) for p, r in reservation.items()
        },
        "rational": all(r is None or u[p] >= r for p, r in reservation.items()),
        "on_frontier": None if s is None else s.on_frontier,
        "distance": None if s is None else s.distance,
        "nearest_point": None if s is None else s.nearest_point,
        "nash_distance": None
        if nash_u is None
        else math.sqrt(sum((u[p] - nash_u[p]) ** 2 for p in parties)),
    }, s


def scored_packages(
    case: Case, submissions: Submissions, *, at: Any = None, figure: bool = False
) -> dict[str, Any]:
    """The groups' packages scored for each role, with the frontier and the Nash package.

    Parameters
    ----------
    case : Case
        A scorable case (:func:`scorable`).
    submissions : sequence of (name, body, revision)
        The ``debrief`` submissions (:func:`reports.web.classroom.store.submissions`);
        one entry per group counts (:func:`reports.web.classroom.entries.entries`).
    at : date or str, optional
        Default: the case's ``as_of``.
    figure : bool
        Also draw the packages against the frontier (``svg``; two roles only).

    Returns
    -------
    dict
        ``parties`` (``id``, ``name``, ``reservation``); ``at``;
        ``issues`` (``id``, ``name``, ``short``: those a package settles);
        ``frontier`` (``point``, ``utilities``, ``packages`` counted, a
        representative ``package``, ``nash``); ``nash`` (``found``,
        ``point``, ``package``, ``labels``, ``utilities``, ``reason``);
        ``reason`` (why there is no frontier, else ``""``); and
        ``packages``: per entry its ``number``, ``name``, ``by``,
        ``members``, ``differ``, ``revision``, ``package``, ``labels``
        (issue → readable outcome), ``utilities`` (party → points),
        ``above_reservation`` (party → bool, None without a reservation),
        ``rational``, ``on_frontier``, ``distance``, ``nearest_point`` and
        ``nash_distance``; with ``figure``, ``svg`` (the plot of
        :mod:`reports.figures.packages`; None for three roles or more, or
        without a frontier) and ``svg_alt`` (its text alternative).

    Notes
    -----
    ``U_p`` and ``distance`` = ``min_{f ∈ F} ‖(f − U)⁺‖₂`` (the utility left
    on the table) are :func:`engine.solve.score.score_package`'s;
    ``nash_distance`` = ``‖U − U(Nash)‖₂``, the Euclidean distance of the
    package's utility vector from the Nash package's.

    Examples
    --------
    >>> import engine
    >>> case = engine.load_case("harbour-lease")
    >>> body = check_package(case, {"package": "term=25,rent=r500k,dredging=split,hiring=half,"
    ...                                        "night_sailings=allowed"})
    >>> got = scored_packages(case, [("Group 1", body, 1)])["packages"][0]
    >>> got["on_frontier"], got["nash_distance"], got["utilities"]
    (True, 0.0, {'port': 0.75, 'ferries': 0.69})
    """
    date = case.as_of if at is None else engine.as_date(at, "at")
    parties = scored_parties(case)
    out: dict[str, Any] = {
        "parties": [
            {"id": p, "name": case.party(p).short_name, "reservation": case.party(p).reservation}
            for p in parties
        ],
        "at": date.isoformat(),
        "issues": [
            {"id": i, "name": case.issue(i).name, "short": case.issue(i).short_name}
            for i in package_issues(case)
        ],
        "frontier": [],
        "nash": None,
        "reason": "",
        "packages": [],
    }
    front = None
    try:
        front = engine.pareto_packages(case, parties, at=date)
        out["nash"] = _nash(case, parties, date)
        out["frontier"] = _frontier_rows(front, parties, out["nash"]["point"])
    except BargainingError as exc:
        out["reason"] = str(exc)
    scores: dict[str, PackageScore] = {}
    for e in entries(submissions):
        body = e.pop("body")
        row, s = _score_row(case, body["package"], parties, date, out["nash"])
        pkg = body["package"]
        out["packages"].append({**e, "package": pkg, "labels": labels(case, pkg), **row})
        if s is not None:
            scores[str(e["number"])] = s
    if figure:
        drawn = front is not None and len(parties) == 2
        out["svg"], out["svg_alt"] = _svg(case, front, scores) if drawn else (None, None)
    return out


def _svg(case: Case, front: Any, scores: Mapping[str, PackageScore]) -> tuple[str, str]:
    """The packages plot as an SVG document, and its alternative text."""
    from reports.figures import style
    from reports.figures.packages import alt_packages, packages_data, plot_packages, size_packages

    data = packages_data(front, scores, case=case)
    fig, ax = style.new_figure(*size_packages(data))
    plot_packages(data, ax=ax)
    alt = alt_packages(data)
    return style.to_svg(fig, alt=alt), alt
