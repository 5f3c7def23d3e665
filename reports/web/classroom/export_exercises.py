"""The concessions and debrief exercises' part of the teacher's exports.

Two :class:`~.export_state.Section` s, built from the results the class's
state carries — :func:`reports.web.classroom.concessions.class_ranking` and
:func:`reports.web.classroom.debrief.scored_packages`, the numbers the
dashboard shows and ``/concessions/ranked`` and ``/packages`` answer — never
computed again another way:

- ``concessions``: the ``concessions`` table (one row per proposal entry,
  best first: rank and ties, who, the rationale, what it changes in words,
  total conflict before and after, removed, red lines crossed, zones opened
  and closed) and the ``concession_changes`` table (one row per change of
  each proposal, its fields as sent);
- ``debrief``: the ``packages`` table (one row per entry: each issue's
  outcome, each role's points, above the walk-away score or not, on the
  frontier, the distances) and the ``frontier`` table (the Pareto frontier's
  points and the Nash package); the plot goes in ``export.zip`` as
  ``debrief-frontier.svg`` (two roles only).

The JSON of each is the route's answer (the plot's SVG left out: it is a file
of the zip); ``null`` when the class has not run the exercise.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from engine.io.schema import POSITION_CHANGE_FIELDS
from reports.web.classroom.export_state import ClassState, Part, Section, Table

__all__ = ["CONCESSIONS_SECTION", "DEBRIEF_SECTION", "FRONTIER_SVG", "concession_headers"]

#: The debrief's plot in ``export.zip``.
FRONTIER_SVG = "debrief-frontier.svg"
#: Between the items of a list in one cell.
_SEP = "; "


def _number(x: Any) -> Any:
    """A whole float as an int (``250``, not ``250.0``): written exactly in CSV."""
    return int(x) if isinstance(x, float) and x.is_integer() else x


def _change_cell(value: Any) -> Any:
    """One field of a change in a cell: ``a|b`` for options, ``lo..hi`` for a range, else JSON."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        return _number(value)
    if isinstance(value, Mapping) and set(value) == {"min", "max"}:
        return f"{_number(value['min'])}..{_number(value['max'])}"
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "|".join(value)
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _group(state: ClassState, kind: str, student: str) -> str:
    """The group label on ``student``'s submission of ``kind`` (``""`` without one)."""
    for s in state.of_kind(kind):
        if s.name == student:
            return str(s.body.get("group") or "")
    return ""


# ------------------------------------------------------------------ concessions

#: The concessions table's columns.
_CONCESSIONS = [
    "rank", "tied_with", "number", "name", "group", "members", "by", "differ", "revision",
    "rationale", "what", "total_conflict_before", "total_conflict_after", "removed",
    "red_lines_crossed", "zones_opened", "zones_closed", "conflicts_resolved",
    "conflicts_created",
]  # fmt: skip


def concession_headers() -> list[str]:
    """The ``concession_changes`` table's columns: the entry, then every field a change may set."""
    return ["rank", "number", "name", "change", "party", "issue", *POSITION_CHANGE_FIELDS]


def _proposal_row(state: ClassState, p: Mapping[str, Any]) -> list[Any]:
    zones = [f"{z['name']}: {z['zone']}" for z in p["zones_opened"]]
    return [
        p["rank"], _SEP.join(p["tied_with"]), p["number"], p["name"],
        _group(state, "concessions", p["by"]), _SEP.join(p["members"]), p["by"], p["differ"],
        p["revision"], p["rationale"], "\n".join(w["text"] for w in p["what"]),
        p["total_conflict_before"], p["total_conflict_after"], p["removed"],
        _SEP.join(r["text"] for r in p["red_lines_crossed"]), _SEP.join(zones),
        _SEP.join(z["name"] for z in p["zones_closed"]), p["conflicts_resolved"],
        p["conflicts_created"],
    ]  # fmt: skip


def _change_rows(p: Mapping[str, Any]) -> list[list[Any]]:
    return [
        [p["rank"], p["number"], p["name"], n, change.get("party"), change.get("issue"),
         *(_change_cell(change.get(f)) for f in POSITION_CHANGE_FIELDS)]
        for n, change in enumerate(p["changes"], 1)
    ]  # fmt: skip


def _concessions_part(state: ClassState) -> Part:
    ranked = state.concessions
    proposals: Sequence[Mapping[str, Any]] = [] if ranked is None else ranked["proposals"]
    tables: dict[str, Table] = {
        "concessions": (_CONCESSIONS, [_proposal_row(state, p) for p in proposals]),
        "concession_changes": (
            concession_headers(),
            [row for p in proposals for row in _change_rows(p)],
        ),
    }
    return Part(tables=tables, data=None if ranked is None else dict(ranked))


CONCESSIONS_SECTION = Section(
    "concessions",
    ("concessions",),
    {
        "concessions": "the proposed concessions, best first: rank (1 + the number of proposals "
        "removing strictly more total conflict; tied_with names the proposals at the same rank), "
        "the entry (its number, name — the group label, else the student — group, members, by: "
        "whose submission counts, differ: the members' submissions differ), the rationale, what "
        "it changes in words (one position a line), total conflict among all the case's parties "
        "on its date before and after the proposal (the explorer's number), removed (before − "
        "after; negative: it adds conflict), the red lines it crosses, the agreement zones it "
        "opens and closes, and how many issue × pair conflicts it resolves and creates",
        "concession_changes": "one row per change of each proposal, as the student sent it: "
        "party, issue and the fields it sets (options as a|b, ranges as lo..hi)",
    },
    _concessions_part,
)

# ------------------------------------------------------------------ debrief


def _package_headers(scored: Mapping[str, Any]) -> list[str]:
    parties = [p["id"] for p in scored["parties"]]
    return [
        "number", "name", "group", "members", "by", "differ", "revision",
        *(f"outcome_{i['id']}" for i in scored["issues"]),
        *(f"utility_{p}" for p in parties), *(f"above_reservation_{p}" for p in parties),
        "rational", "on_frontier", "distance", "nearest_point", "nash_distance",
    ]  # fmt: skip


def _package_rows(state: ClassState, scored: Mapping[str, Any]) -> list[list[Any]]:
    parties = [p["id"] for p in scored["parties"]]
    return [
        [e["number"], e["name"], _group(state, "debrief", e["by"]), _SEP.join(e["members"]),
         e["by"], e["differ"], e["revision"],
         *(_number(e["package"].get(i["id"])) for i in scored["issues"]),
         *(e["utilities"][p] for p in parties), *(e["above_reservation"][p] for p in parties),
         e["rational"], e["on_frontier"], e["distance"], e["nearest_point"], e["nash_distance"]]
        for e in scored["packages"]
    ]  # fmt: skip


def _frontier_table(scored: Mapping[str, Any]) -> Table:
    parties = [p["id"] for p in scored["parties"]]
    issues = [i["id"] for i in scored["issues"]]
    headers = ["kind", "point", *(f"utility_{p}" for p in parties), "packages", "nash",
               *(f"outcome_{i}" for i in issues)]  # fmt: skip
    rows = [
        ["frontier", f["point"], *(f["utilities"][p] for p in parties), f["packages"],
         f["nash"], *(_number(f["package"].get(i)) for i in issues)]
        for f in scored["frontier"]
    ]  # fmt: skip
    nash = scored["nash"]
    if nash and nash["found"]:
        rows.append(
            ["nash", nash["point"], *(nash["utilities"][p] for p in parties), None, True,
             *(_number(nash["package"].get(i)) for i in issues)]
        )  # fmt: skip
    return headers, rows


def _debrief_part(state: ClassState) -> Part:
    scored = state.debrief
    if scored is None:
        unexported = ("debrief",) if state.of_kind("debrief") else ()
        data = {"scorable_reason": state.scorable_reason} if state.runs("debrief") else None
        empty: dict[str, Table] = {
            "packages": (["number", "name", "group", "members", "by", "differ", "revision"], []),
            "frontier": (["kind", "point", "packages", "nash"], []),
        }
        return Part(tables=empty, data=data, unexported=unexported)
    tables: dict[str, Table] = {
        "packages": (_package_headers(scored), _package_rows(state, scored)),
        "frontier": _frontier_table(scored),
    }
    data = {k: v for k, v in scored.items() if k != "svg"}
    files = {FRONTIER_SVG: scored["svg"]} if scored.get("svg") else {}
    return Part(tables=tables, data={**data, "scorable_reason": ""}, files=files)


DEBRIEF_SECTION = Section(
    "debrief",
    ("debrief",),
    {
        "packages": "each group's package (its number on the plot, the entry's name, group, "
        "members, by and differ as for concessions): the outcome on each issue "
        "(outcome_<issue>: an option id or a number), each role's points from 0 to 1 "
        "(utility_<role>), whether they reach the role's walk-away score "
        "(above_reservation_<role>; rational: every role's do), whether the package is on the "
        "Pareto frontier, distance: the utility left on the table (the shortfall to the "
        "nearest frontier point, nearest_point), nash_distance: the distance between its "
        "points and the Nash package's",
        "frontier": "the Pareto frontier of the roles (kind frontier: each point's points for "
        "every role, how many packages reach it, nash: it is the Nash package's point, and a "
        "package that reaches it) and the Nash package (kind nash: the package maximising the "
        "product of the roles' gains over their walk-away scores)",
    },
    _debrief_part,
)
