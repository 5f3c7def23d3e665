"""The concessions exercise: a proposal checked as explorer changes, its effect, the proposals ranked.

A proposal is the JSON a student (or a group) sends::

    {"changes": [change, …], "rationale": "why", "group": "Group 3"}

``changes`` are change objects **exactly as the explorer and** ``POST
/api/whatif`` **take them** (docs/format.md, "Scenarios"), checked by the same
parser (:func:`engine.whatif.requests.apply_mappings`), so a problem is
located the same way (``changes[2].issue``). Only changes to a party's
position are proposals: ``add_party`` and ``remove_party`` are what-ifs
about who negotiates, not concessions, and are refused.

A proposal's effect is measured with the explorer's and the report's
quantity, **total conflict** (:func:`engine.total_conflict`), among all the
case's parties on the case's date, before and after the changes; the
proposals are ranked by the total conflict they remove, ties named
(:func:`engine.ranked`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import engine
from engine import Case, CaseError, Position
from engine.whatif.requests import apply_mappings
from reports.web.classroom.entries import (
    Submissions,
    check_fields,
    check_group,
    check_text,
    entries,
)
from reports.web.results import changes as changes_made
from reports.web.state import BadRequest, problems_of

__all__ = [
    "FIELDS",
    "MAX_PROPOSAL_CHANGES",
    "check_proposal",
    "class_ranking",
    "concession_effect",
    "position_changes",
    "ranked_concessions",
]

#: Most changes one proposal may hold.
MAX_PROPOSAL_CHANGES = 50
#: The fields of a proposal.
FIELDS = ("changes", "rationale", "group")

Effect = Callable[..., dict[str, Any]]


def check_proposal(case: Case, body: Mapping[str, Any]) -> dict[str, Any]:
    """The proposal in ``body`` checked; :class:`BadRequest` lists every problem, located.

    Returns ``{"changes", "rationale"}`` (and ``"group"`` when given): the
    changes as sent, which the explorer's parser accepts on ``case``.

    Examples
    --------
    >>> import engine
    >>> case = engine.load_case("tests/cases/tiny")
    >>> check_proposal(case, {"changes": [{"party": "b", "issue": "ord", "add": ["o3"]}],
    ...                       "rationale": "B can live with Three."})["rationale"]
    'B can live with Three.'
    >>> try:
    ...     check_proposal(case, {"changes": [{"party": "bb", "issue": "ord"}], "rationale": "x"})
    ... except BadRequest as exc:
    ...     print(exc.errors[0]["field"])
    changes[0].party
    """
    errors: list[dict[str, str]] = []
    check_fields(body, FIELDS, errors)
    rationale = check_text(body.get("rationale"), "rationale", errors)
    group = check_group(body.get("group"), errors)
    raw = body.get("changes")
    if not isinstance(raw, list) or not raw:
        errors.append(
            {
                "field": "changes",
                "message": f"required: a list of 1 to {MAX_PROPOSAL_CHANGES} changes, each as "
                "the explorer sends them: {party, issue, ideal / acceptable / add / remove / "
                "salience / red_line / withdraw}",
            }
        )
    elif len(raw) > MAX_PROPOSAL_CHANGES:
        errors.append({"field": "changes", "message": f"at most {MAX_PROPOSAL_CHANGES} changes"})
    else:
        for n, change in enumerate(raw):
            if isinstance(change, Mapping) and {"add_party", "remove_party"} & set(change):
                errors.append(
                    {
                        "field": f"changes[{n}]",
                        "message": "a concession changes a party's position (party, issue, …); "
                        "add_party and remove_party are not concessions",
                    }
                )
        try:
            apply_mappings(case, raw, at=case.as_of, title="proposed concessions")
        except CaseError as exc:
            errors += problems_of(exc)
    if errors:
        raise BadRequest(errors)
    out: dict[str, Any] = {"changes": raw, "rationale": rationale}
    if group:
        out["group"] = group
    return out


def _diff(case: Case, issue_id: str, before: Position | None, after: Position | None) -> list[str]:
    """What differs between two positions of one party on one issue, in words."""
    issue = case.issue(issue_id)
    if before is None and after is None:
        return []
    if before is None:
        assert after is not None
        red = ", red line" if after.red_line else ""
        return [
            f"new position: ideal {issue.label(after.ideal)}, accepts "
            f"{issue.describe(after.acceptable)}, salience {after.salience:g}{red}"
        ]
    if after is None:
        return ["withdraws its position"]
    parts = []
    if before.ideal != after.ideal:
        parts.append(f"ideal {issue.label(before.ideal)} → {issue.label(after.ideal)}")
    if before.acceptable != after.acceptable:
        parts.append(
            f"accepts {issue.describe(before.acceptable)} → {issue.describe(after.acceptable)}"
        )
    if before.salience != after.salience:
        parts.append(f"salience {before.salience:g} → {after.salience:g}")
    if before.red_line != after.red_line:
        parts.append("red line lifted" if before.red_line else "red line drawn")
    if before.requires != after.requires:
        parts.append("linkage changed")
    if before.values != after.values:
        parts.append("points changed")
    return parts


def position_changes(case: Case, changed: Case, at: Any = None) -> list[dict[str, Any]]:
    """Every position that differs between ``case`` and ``changed`` on one date, in words.

    Returns
    -------
    list of dict
        ``party``, ``issue`` (ids), ``where`` (``"Party B on Ordinal
        issue"``), ``parts`` (what changed, e.g. ``["accepts Four … Five →
        Three … Five", "red line lifted"]``) and ``text`` (both in one line,
        the parts joined by " · "), in the case's party, then
        issue order. Only what a reader compares is listed: ideal,
        acceptable set, salience, red line, linkage (``requires``), points
        (``values``).

    Examples
    --------
    >>> import engine
    >>> from engine.whatif.requests import apply_mappings
    >>> case = engine.load_case("tests/cases/tiny")
    >>> _, new = apply_mappings(case, [{"party": "b", "issue": "ord", "add": ["o3"], "red_line": False}])
    >>> [c["text"] for c in position_changes(case, new)]
    ['Party B on Ordinal issue: accepts Four … Five → Three … Five · red line lifted']
    """
    date = case.as_of if at is None else engine.as_date(at, "at")
    old, new = case.at(date), changed.at(date)
    party_pos = {p: n for n, p in enumerate(case.party_ids)}
    issue_pos = {i: n for n, i in enumerate(case.issue_ids)}
    keys = sorted(
        set(old) | set(new), key=lambda k: (party_pos.get(k[0], 1 << 30), issue_pos[k[1]])
    )
    out = []
    for party, issue_id in keys:
        parts = _diff(case, issue_id, old.get((party, issue_id)), new.get((party, issue_id)))
        if parts:
            who = case.party(party).short_name if party in party_pos else party
            where = f"{who} on {case.issue(issue_id).short_name}"
            out.append(
                {
                    "party": party,
                    "issue": issue_id,
                    "where": where,
                    "parts": parts,
                    "text": f"{where}: " + " · ".join(parts),
                }
            )
    return out


def concession_effect(
    case: Case,
    changes: Sequence[Mapping[str, Any]],
    *,
    at: Any = None,
    parties: Iterable[str] | None = None,
) -> dict[str, Any]:
    """What a proposal does: the total conflict before and after, red lines crossed, zones opened.

    Parameters
    ----------
    case : Case
    changes : list of mapping
        Checked change objects (:func:`check_proposal`).
    at : date or str, optional
        Default: the case's ``as_of``.
    parties : iterable of str, optional
        Among whom conflict and zones are measured (default: every party).

    Returns
    -------
    dict
        ``what`` (:func:`position_changes`), ``total_conflict_before``,
        ``total_conflict_after``, ``removed`` (before − after; negative when
        the proposal adds conflict), ``red_lines_crossed`` (``party``,
        ``issue``, ``text``), ``zones_opened`` and ``zones_closed``
        (``issue``, ``name``, ``zone``), ``conflicts_resolved`` and
        ``conflicts_created`` (how many issue × pair conflicts).

    Notes
    -----
    Total conflict ``T = Σ_i Σ_{p<q} gap_i(p, q) · (s_p,i + s_q,i) / 2``
    (:func:`engine.total_conflict`), the same number the explorer shows
    before and after the same changes. A red line is crossed when a
    red-line position's acceptable set grows (:func:`engine.crossed_red_lines`).
    Zones and conflicts are :func:`engine.compare`'s, as in ``POST /api/whatif``.

    Examples
    --------
    >>> import engine
    >>> case = engine.load_case("tests/cases/tiny")
    >>> e = concession_effect(case, [{"party": "b", "issue": "nom", "add": ["y"]}])
    >>> round(e["removed"], 12) == round(1 * (0.4 + 0.2) / 2, 12)   # gap(a, b) on nom: 1 → 0
    True
    >>> [z["issue"] for z in e["zones_opened"]], e["red_lines_crossed"]
    (['nom'], [])
    """
    date = case.as_of if at is None else engine.as_date(at, "at")
    chosen = case.resolve_parties(parties)
    _, changed = apply_mappings(case, list(changes), at=date, title="proposed concessions")
    before = float(engine.total_conflict(case, at=date, parties=chosen))
    after = float(engine.total_conflict(changed, at=date, parties=chosen))
    made = changes_made(case, changed, at=date, parties=chosen) if changed is not case else []
    crossed = [
        r for r in engine.crossed_red_lines(case, changed, at=date) if r.party in set(chosen)
    ]
    zones: dict[str, list[dict[str, Any]]] = {"opened": [], "closed": []}
    for m in made:
        if m["kind"] == "zone" and m["change"] in zones:
            name = case.issue(m["issue"]).name
            zones[m["change"]].append({"issue": m["issue"], "name": name, "zone": m["after"]})
    return {
        "what": position_changes(case, changed, date),
        "total_conflict_before": before,
        "total_conflict_after": after,
        "removed": before - after,
        "red_lines_crossed": [
            {
                "party": r.party,
                "issue": r.issue,
                "text": f"{case.party(r.party).short_name} on {case.issue(r.issue).short_name}",
            }
            for r in crossed
        ],
        "zones_opened": zones["opened"],
        "zones_closed": zones["closed"],
        "conflicts_resolved": sum(1 for m in made if m.get("change") == "resolved"),
        "conflicts_created": sum(1 for m in made if m.get("change") == "created"),
    }


def ranked_concessions(
    case: Case,
    submissions: Submissions,
    *,
    at: Any = None,
    parties: Iterable[str] | None = None,
    effect: Effect | None = None,
) -> list[dict[str, Any]]:
    """The class's proposals, ranked by how much total conflict they remove, ties named.

    Parameters
    ----------
    case : Case
    submissions : sequence of (name, body, revision)
        The ``concessions`` submissions (:func:`reports.web.classroom.store.submissions`);
        one entry per group counts (:func:`reports.web.classroom.entries.entries`).
    at, parties
        As in :func:`concession_effect` (default: the case's date, every party).
    effect : callable, optional
        ``effect(case, changes, at=, parties=)``, default :func:`concession_effect`
        (the server passes a remembering one).

    Returns
    -------
    list of dict
        Best first: ``rank`` (1 + the number of proposals removing strictly
        more), ``tied_with`` (the names of the other proposals at the same
        rank), the entry's ``number``, ``name``, ``by``, ``members``,
        ``differ``, ``revision``, the ``changes`` as sent, the
        ``rationale``, and every key of :func:`concession_effect`.

    Notes
    -----
    Ranked by ``removed`` = T(before) − T(after), largest first, with
    :func:`engine.ranked` (values within 1e-9 tie; tied proposals keep the
    students' joining order). O(n) evaluations of the effect.

    Examples
    --------
    >>> import engine
    >>> case = engine.load_case("tests/cases/tiny")
    >>> subs = [("Ann", {"changes": [{"party": "b", "issue": "ord", "add": ["o3"]}], "rationale": "r"}, 1),
    ...         ("Ben", {"changes": [{"party": "b", "issue": "nom", "add": ["y"]}], "rationale": "r"}, 1)]
    >>> [(r["rank"], r["name"]) for r in ranked_concessions(case, subs)]
    [(1, 'Ben'), (2, 'Ann')]
    """
    effect = effect or concession_effect
    date = case.as_of if at is None else engine.as_date(at, "at")
    chosen = tuple(case.resolve_parties(parties))
    rows = []
    for e in entries(submissions):
        body = e.pop("body")
        rows.append(
            {
                **e,
                "changes": body["changes"],
                "rationale": body.get("rationale", ""),
                **effect(case, body["changes"], at=date, parties=chosen),
            }
        )
    out = []
    for group in engine.ranked({n: r["removed"] for n, r in enumerate(rows)}):
        for n in group.items:
            others = [rows[m]["name"] for m in group.items if m != n]
            out.append({"rank": group.rank, "tied_with": others, **rows[n]})
    return out


def class_ranking(
    case: Case, submissions: Submissions, *, effect: Effect | None = None
) -> dict[str, Any]:
    """The class's proposals ranked, with what they are measured from.

    What ``GET /api/classes/{code}/concessions/ranked`` answers, the
    dashboard shows and the teacher's exports write.

    Parameters
    ----------
    case : Case
    submissions : sequence of (name, body, revision)
        The ``concessions`` submissions, as for :func:`ranked_concessions`.
    effect : callable, optional
        As for :func:`ranked_concessions`.

    Returns
    -------
    dict
        ``at`` (the case's date), ``parties`` (every party's id: the
        proposals are measured among all of them), ``total_conflict`` (before
        any proposal) and ``proposals`` (:func:`ranked_concessions`).

    Examples
    --------
    >>> import engine
    >>> case = engine.load_case("tests/cases/tiny")
    >>> got = class_ranking(case, [])
    >>> got["at"], got["proposals"], round(got["total_conflict"], 12) == round(
    ...     1 / 4 * (0.8 + 1.0) / 2 + 1 * (0.4 + 0.2) / 2 + 10 / 100 * (0.6 + 0.2) / 2, 12)
    ('2024-01-01', [], True)
    """
    return {
        "at": case.as_of.isoformat(),
        "parties": list(case.party_ids),
        "total_conflict": float(engine.total_conflict(case, at=case.as_of)),
        "proposals": ranked_concessions(case, submissions, effect=effect),
    }
