"""What the explorer and the API show about a case: plain JSON-ready data.

Every number comes from an :mod:`engine` function with the report's definitions;
this module only selects and shapes it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import engine
from engine import Case, Settlement
from engine.whatif.requests import without_red_lines

__all__ = ["analysis", "changes", "negotiators", "settlement_result"]

#: The settlement objectives shown, in order.
OBJECTIVES = ("total", "fair", "nash")


def _num(x: Any, digits: int = 6) -> float | None:
    """A finite float rounded for JSON, or None (no position, undefined)."""
    if x is None:
        return None
    x = float(x)
    return round(x, digits) if math.isfinite(x) else None


def negotiators(case: Case, parties: Sequence[str]) -> tuple[str, ...]:
    """Whose settlement is searched (:meth:`engine.Case.negotiators`)."""
    return case.negotiators(parties)[0]


def _matrix(frame: Any, parties: Sequence[str]) -> dict[str, dict[str, float | None]]:
    return {p: {q: _num(frame.loc[p, q]) for q in parties} for p in parties}


def _shared_issues(case: Case, at: Any, parties: Sequence[str]) -> dict[str, dict[str, int]]:
    state = case.at(at)
    stated = {p: {i for (q, i) in state if q == p} for p in parties}
    return {p: {q: len(stated[p] & stated[q]) for q in parties} for p in parties}


def _zones(case: Case, at: Any, parties: Sequence[str]) -> list[dict[str, Any]]:
    table = engine.agreement_zones(case, at=at, parties=list(parties))
    return [
        {
            "issue": issue,
            "name": case.issue(issue).name,
            "parties": list(row["parties"]),
            "empty": bool(row["empty"]),
            "zone": row["zone"],
            "zone_ids": list(row["zone_ids"]),
            "blockers": [list(b) for b in row["blockers"]],
        }
        for issue, row in table.iterrows()
    ]


def _package(case: Case, s: Settlement) -> dict[str, Any]:
    return {
        "objective": s.objective,
        "status": s.status,
        "total_cost": _num(s.total_cost),
        "max_cost": _num(s.max_cost),
        "objective_value": _num(s.objective_value),
        "party_costs": {p: _num(s.party_costs.get(p)) for p in s.parties},
        "outcomes": {i: s.labels[i] for i in s.issues if i in s.labels},
        "concessions": [c.describe(case) for c in s.concessions],
        "note": s.note,
    }


def settlement_result(case: Case, *, at: Any, parties: Sequence[str]) -> dict[str, Any]:
    """The settlement search for the negotiators among ``parties``: packages or colliding red lines."""
    who = negotiators(case, parties)
    found = [engine.settle(case, objective=o, parties=who, at=at) for o in OBJECTIVES]
    out: dict[str, Any] = {"negotiators": list(who), "feasible": found[0].feasible}
    if found[0].feasible:
        out["packages"] = [_package(case, s) for s in found]
        return out
    out["colliding_red_lines"] = [
        {"party": r.party, "issue": r.issue, "description": r.description}
        for r in found[0].conflicting_red_lines
    ]
    relaxed = without_red_lines(case, at, who)
    out["packages_without_red_lines"] = [
        _package(relaxed, engine.settle(relaxed, objective=o, parties=who, at=at))
        for o in OBJECTIVES
    ]
    return out


def analysis(
    case: Case,
    *,
    at: Any = None,
    parties: Sequence[str] | None = None,
    settlement: bool = True,
) -> dict[str, Any]:
    """The explorer's results for one case on one date (the API's ``R``).

    Keys: ``at``; ``parties``; ``pair_conflict`` and ``pair_overlap`` (party →
    party → number by stake, :func:`engine.conflict_matrix`; ``null`` where
    undefined); ``pair_coverage`` (the share of the pair's stake on the issues
    both state, :func:`engine.coverage_matrix`); ``shared_issues`` (how many
    issues both state); ``zones`` (one per
    issue: ``empty``, readable ``zone``, ``blockers``); ``settlement`` (for the
    negotiators: ``feasible`` and ``packages``, or ``colliding_red_lines`` and
    ``packages_without_red_lines``; left out when ``settlement`` is false, as
    the search takes longer than the rest); ``total_conflict``.
    """
    date = engine.as_date(at, "at") if at is not None else case.as_of
    chosen = list(case.resolve_parties(parties))
    out = {
        "at": date.isoformat(),
        "parties": chosen,
        "pair_conflict": _matrix(engine.conflict_matrix(case, at=date, parties=chosen), chosen),
        "pair_overlap": _matrix(engine.overlap_matrix(case, at=date, parties=chosen), chosen),
        "pair_coverage": _matrix(engine.coverage_matrix(case, at=date, parties=chosen), chosen),
        "shared_issues": _shared_issues(case, date, chosen),
        "zones": _zones(case, date, chosen),
        "total_conflict": _num(engine.total_conflict(case, at=date, parties=chosen)),
    }
    if settlement:
        out["settlement"] = settlement_result(case, at=date, parties=chosen)
    return out


def changes(before: Case, after: Case, *, at: Any, parties: Sequence[str]) -> list[dict[str, Any]]:
    """What the changes did: conflicts resolved or created, zones opened or closed."""
    cmp = engine.compare(before, after, at_before=at, at_after=at, parties=list(parties))
    out: list[dict[str, Any]] = []
    for _, row in cmp.conflicts.iterrows():
        out.append(
            {
                "kind": "conflict",
                "change": row["change"],
                "issue": row["issue"],
                "parties": [row["party"], row["other"]],
            }
        )
    for issue, row in cmp.zones.iterrows():
        if row["change"] != "unchanged":
            out.append(
                {
                    "kind": "zone",
                    "change": row["change"],
                    "issue": issue,
                    "before": row["zone_before"],
                    "after": row["zone_after"],
                }
            )
    return out
