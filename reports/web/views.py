"""The explorer page's content: the position map, heatmaps, zones, relaxation, packages.

Functions here turn :mod:`engine` results into plain dicts for the Jinja2
templates; every user string is escaped by the templates (autoescape on).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import engine
from engine import Case, Issue, Position, Span
from reports.web.results import analysis, changes, negotiators

__all__ = [
    "cell_class",
    "date_choices",
    "page_context",
    "position_cell",
    "position_map",
    "relaxation",
    "side",
]


def cell_class(value: float | None, kind: str) -> str:
    """The CSS class of a heatmap cell: ``conflict-7`` for a conflict of 0.65–0.75 (``na``: no value).

    Ten even steps over [0, 1]; the stylesheet gives each its colour (the page's
    CSP allows no inline style).
    """
    if value is None:
        return "na"
    return f"{kind}-{round(min(max(float(value), 0.0), 1.0) * 10)}"


def _acceptable_ids(issue: Issue, position: Position) -> list[str]:
    acc = position.acceptable
    if isinstance(acc, Span):
        return []
    return [o for o in issue.option_ids if o in acc]


def position_cell(case: Case, issue: Issue, position: Position | None) -> dict[str, Any]:
    """One cell of the position map, with what the editor needs to change it."""
    if position is None:
        return {
            "stated": False,
            "text": "no position",
            "red_line": False,
            "edit": {"stated": False},
        }
    acc = position.acceptable
    span = [acc.lo, acc.hi] if isinstance(acc, Span) else None
    known = {s.id for s in case.sources}
    sources = [case.source(s) for s in position.sources if s in known]
    return {
        "stated": True,
        "ideal": issue.label(position.ideal),
        "acceptable": issue.describe(acc),
        "salience": position.salience,
        "red_line": position.red_line,
        "requires": [
            f"{case.issue(i).short_name}: {case.issue(i).describe(a)}"
            for i, a in position.requires
        ],
        "as_of": position.as_of.isoformat() if position.as_of else "",
        "confidence": position.confidence,
        "sources": [{"id": s.id, "title": s.title, "date": s.date, "url": s.url} for s in sources],
        "edit": {
            "stated": True,
            "ideal": position.ideal,
            "acceptable": _acceptable_ids(issue, position),
            "span": span,
            "salience": position.salience,
            "red_line": position.red_line,
        },
    }


def _issue_spec(issue: Issue) -> dict[str, Any]:
    return {
        "id": issue.id,
        "name": issue.name,
        "short": issue.short_name,
        "scale": issue.scale,
        "unit": issue.unit,
        "min": issue.min,
        "max": issue.max,
        "options": [{"id": o.id, "label": o.label} for o in issue.options],
    }


def position_map(case: Case, at: Any, parties: Sequence[str]) -> list[dict[str, Any]]:
    """Rows of the position map: one per issue, a cell per party."""
    state = case.at(at)
    return [
        {
            "issue": _issue_spec(issue),
            "cells": [
                {"party": p, **position_cell(case, issue, state.get((p, issue.id)))}
                for p in parties
            ],
        }
        for issue in case.issues
    ]


def _heatmap(r: dict[str, Any], key: str, kind: str) -> list[list[dict[str, Any]]]:
    parties = r["parties"]
    rows = []
    for p in parties:
        row = []
        for q in parties:
            v = r[key][p][q]
            row.append(
                {"value": v, "shared": r["shared_issues"][p][q], "cls": cell_class(v, kind)}
            )
        rows.append(row)
    return rows


def relaxation(case: Case, at: Any, parties: Sequence[str]) -> dict[str, Any]:
    graph = engine.incompatibility_graph(case, at=at, parties=list(parties))
    relax = engine.cheapest_relaxation(graph)
    by_party: dict[str, list[str]] = {}
    for n in relax.positions:
        by_party.setdefault(graph.nodes[n]["party"], []).append(graph.nodes[n]["issue"])
    groups = [
        {
            "party": case.party(p).short_name,
            "issues": [case.issue(i).short_name for i in by_party[p]],
        }
        for p in parties
        if p in by_party
    ]
    return {
        "count": len(relax.positions),
        "groups": groups,
        "total_salience": round(relax.total_salience, 6),
        "exact": relax.exact,
        "notes": list(relax.notes),
    }


def _summary(
    case: Case, b: dict[str, Any], a: dict[str, Any], parties: Sequence[str]
) -> dict[str, Any]:
    """The few numbers a room reads first: zones, the negotiators' pair conflict, total conflict."""
    who = negotiators(case, parties)
    pair = None
    if len(who) == 2:
        p, q = who
        pair = {
            "names": (case.party(p).short_name, case.party(q).short_name),
            "before": b["pair_conflict"][p][q],
            "after": a["pair_conflict"][p][q],
            "shared_before": b["shared_issues"][p][q],
            "shared_after": a["shared_issues"][p][q],
        }
    decided = [z for z in a["zones"] if len(z["parties"]) >= 2]
    return {
        "zones_before": sum(not z["empty"] for z in b["zones"] if len(z["parties"]) >= 2),
        "zones_after": sum(not z["empty"] for z in decided),
        "issues": len(decided),
        "pair": pair,
        "total_before": b["total_conflict"],
        "total_after": a["total_conflict"],
    }


def _changes(case: Case, changed: Case, at: Any, parties: Sequence[str]) -> list[dict[str, Any]]:
    return changes(case, changed, at=at, parties=parties) if changed is not case else []


def date_choices(case: Case, at: Any) -> list[dict[str, str]]:
    """The dates offered: the case's snapshots, its ``as_of`` and the date shown, in order."""
    choices = {s.date.isoformat(): s.label or s.id for s in case.snapshot_dates()}
    choices.setdefault(case.as_of.isoformat(), "the case's date")
    choices.setdefault(engine.as_date(at).isoformat(), "chosen date")
    return [{"date": d, "label": choices[d]} for d in sorted(choices)]


def side(case: Case, *, at: Any, parties: Sequence[str]) -> dict[str, Any]:
    """One side of the comparison (the case as coded, or as changed), without the packages."""
    return {
        "analysis": analysis(case, at=at, parties=parties, settlement=False),
        "relaxation": relaxation(case, at, parties),
        "map": position_map(case, at, parties),
    }


def page_context(
    case: Case,
    changed: Case,
    *,
    at: Any,
    parties: Sequence[str],
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    made: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Everything the explorer page shows, except the packages (filled in by a second request).

    ``before`` and ``after`` are the two :func:`side` results, and ``made`` what
    the changes did (:func:`reports.web.results.changes`), when already known.
    """
    before = before or side(case, at=at, parties=parties)
    after = after or side(changed, at=at, parties=parties)
    b, a = before["analysis"], after["analysis"]
    zones = [
        {"before": x, "after": y, "changed": (x["empty"], x["zone"]) != (y["empty"], y["zone"])}
        for x, y in zip(b["zones"], a["zones"], strict=True)
    ]
    return {
        "summary": _summary(case, b, a, parties),
        "case": case,
        "version": engine.__version__,
        "at": engine.as_date(at).isoformat(),
        "dates": date_choices(case, at),
        "issue_specs": {i.id: _issue_spec(i) for i in case.issues},
        "parties": [case.party(p) for p in parties],
        "names": {p.id: p.short_name for p in case.parties},
        "map": after["map"],
        "before": b,
        "after": a,
        "heat": {
            kind: (_heatmap(b, f"pair_{kind}", kind), _heatmap(a, f"pair_{kind}", kind))
            for kind in ("conflict", "overlap")
        },
        "zones": zones,
        "relaxation": (before["relaxation"], after["relaxation"]),
        "changes": made if made is not None else _changes(case, changed, at, parties),
    }
