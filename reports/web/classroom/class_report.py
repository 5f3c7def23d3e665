"""The HTML class report: one self-contained page for the teacher, to read, keep or print.

:func:`render_class_report` turns a :class:`~.export_state.ClassState` into
HTML with the report's stylesheet inline, no scripts, nothing fetched (its
Content-Security-Policy allows inline style and ``data:`` images only). Every
student's text — names, justifications, other submissions — goes through
Jinja's autoescaping. It says what each number compares and over what: the
coders, the units coded of those assigned, α per variable with its interval
and Krippendorff's reading (the words of ``zopa agree``'s page), the spread per
position, each student against the key, and the most disputed positions with
every student's coding and justification side by side.

The concessions and debrief exercises each get a section once they have
submissions: the proposals ranked by the total conflict they remove (what each
changes in words, the rationale, ties named) and the groups' packages scored
for each role (the plot against the Pareto frontier when there are two roles,
inline as a ``data:`` SVG image; the table of points, frontier and Nash
distances) — the numbers the class's state carries
(:func:`reports.web.classroom.concessions.class_ranking`,
:func:`reports.web.classroom.debrief.scored_packages`), in the words of the
teacher's page.

The report is the teacher's at any time, revealed or not: it states whether
the students can see the results yet.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

import engine
from reports.render.agreement import MEASURE_NAMES
from reports.render.markup import stylesheet, template
from reports.render.text import num, safe_url
from reports.web.classroom.coding import VARIABLES_SHOWN
from reports.web.classroom.entries import entries
from reports.web.classroom.export_state import ClassState
from reports.web.classroom.exports import other_submissions

__all__ = ["render_class_report"]

_READING_CLASS = {"reliable": "ok", "tentative conclusions only": "tentative"}
#: The variables' names on a student's card.
_LABELS = {
    "ideal": "Ideal",
    "acceptable": "Acceptable",
    "salience": "Salience",
    "red_line": "Red line",
}


#: The exercises' names in the report.
EXERCISE_NAMES = {
    "coding": "Coding",
    "concessions": "Concessions",
    "debrief": "Negotiation debrief",
}


def _share(x: Any) -> str:
    return "–" if x is None else f"{x:.0%}"


def _value(variable: str, value: Any) -> str:
    """A coded value in words: options as ids, ranges ``lo–hi``, red lines yes/no."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Mapping):
        return f"{value['min']:g}–{value['max']:g}"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "–"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _alpha_rows(agr: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for v in VARIABLES_SHOWN:
        iv = agr["intervals"][v]
        shown = agr["reading"][v] or agr["reason"]
        rows.append(
            {
                "variable": v,
                "name": MEASURE_NAMES[v],
                "value": num(agr["alpha"][v], 3),
                "interval": "–" if iv is None else f"{num(iv[0], 3)} – {num(iv[1], 3)}",
                "reading": shown,
                "cls": _READING_CLASS.get(shown, "bad" if agr["alpha"][v] is not None else ""),
            }
        )
    return rows


def _unit(state: ClassState, party: str, issue: str) -> str:
    case = state.case
    return f"{case.party(party).short_name} × {case.issue(issue).short_name}"


def _students(state: ClassState) -> list[dict[str, Any]]:
    by_name: dict[str, list[str]] = {}
    for s in state.submissions:
        by_name.setdefault(s.name, []).append(
            s.kind if s.revision == 1 else f"{s.kind} (version {s.revision})"
        )
    return [
        {"n": n, "name": name, "joined": joined, "submitted": by_name.get(name, [])}
        for n, (name, joined) in enumerate(state.students, 1)
    ]


def _disputed(state: ClassState) -> list[dict[str, Any]]:
    """The disputed units, most first, each with every student's coding of it."""
    codings = state.codings
    out = []
    for d in state.agreement["disputed"]:
        cards = []
        for name, positions in codings.items():
            pos = positions.get(d["party"], {}).get(d["issue"])
            if pos is None:
                continue
            cards.append(
                {
                    "name": name,
                    "values": [(_LABELS[v], _value(v, pos[v])) for v in VARIABLES_SHOWN],
                    "justification": pos.get("justification", ""),
                    "sources": pos.get("sources", []),
                }
            )
        out.append(
            {
                "unit": _unit(state, d["party"], d["issue"]),
                "score": num(d["disagreement"], 2),
                "variables": d["variables"],
                "cards": cards,
            }
        )
    return out


def _cited(state: ClassState) -> list[dict[str, Any]]:
    """The case's sources the students cited, in the case's order, with a safe link."""
    used = {s for pos in _all_positions(state) for s in pos.get("sources", [])}
    return [
        {"id": s.id, "title": s.title, "publisher": s.publisher, "date": s.date,
         "url": safe_url(s.url), "raw_url": s.url}
        for s in state.case.sources
        if s.id in used
    ]  # fmt: skip


def _all_positions(state: ClassState) -> list[Mapping[str, Any]]:
    return [pos for c in state.codings.values() for ps in c.values() for pos in ps.values()]


def _who(entry: Mapping[str, Any]) -> str:
    """Who entered a proposal or package, when it is not just the entry's own name."""
    members = entry["members"]
    if members == [entry["name"]]:
        return ""
    note = "entered by " + ", ".join(members)
    if entry["differ"]:
        note += f"; their entries differ: {entry['by']}'s, the latest, counts"
    return note


def _removed(x: float) -> str:
    return num(x, 3) if x >= 0 else f"−{num(-x, 3)} (adds conflict)"


def _concessions(state: ClassState) -> dict[str, Any] | None:
    """The ranked proposals in words, or None when there are none to show."""
    ranked = state.concessions
    if ranked is None or not state.of_kind("concessions"):
        return None
    rows = [
        {"rank": p["rank"], "tied_with": p["tied_with"], "name": p["name"], "who": _who(p),
         "what": p["what"], "rationale": p["rationale"],
         "before": num(p["total_conflict_before"], 3), "after": num(p["total_conflict_after"], 3),
         "removed": _removed(p["removed"]), "adds": p["removed"] < 0,
         "red_lines": [r["text"] for r in p["red_lines_crossed"]],
         "zones": [f"{z['name']}: opens at {z['zone']}" for z in p["zones_opened"]]
         + [f"{z['name']}: closes" for z in p["zones_closed"]]}
        for p in ranked["proposals"]
    ]  # fmt: skip
    return {
        "parties": len(ranked["parties"]),
        "at": ranked["at"],
        "total": num(ranked["total_conflict"], 3),
        "rows": rows,
    }


def _svg_src(svg: str) -> str:
    """The plot as a ``data:`` URI (the report fetches nothing; its policy allows ``img-src data:``)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _debrief(state: ClassState) -> dict[str, Any] | None:
    """The scored packages in words, or None when there are none to show."""
    scored = state.debrief
    if not state.of_kind("debrief"):
        return None
    if scored is None:  # a case that cannot be scored: the submissions are under "Other"
        return {"reason": state.scorable_reason, "parties": [], "rows": []}
    parties, issues = scored["parties"], scored["issues"]
    nash = scored["nash"] if scored["nash"] and scored["nash"]["found"] else None
    rows = [
        {"number": e["number"], "name": e["name"], "who": _who(e),
         "package": [(i["short"], e["labels"][i["id"]]) for i in issues],
         "points": [(num(e["utilities"][p["id"]], 3), e["above_reservation"][p["id"]] is False,
                     p["reservation"]) for p in parties],
         "on_frontier": {True: "yes", False: "no", None: "–"}[e["on_frontier"]],
         "distance": num(e["distance"], 3), "nash_distance": num(e["nash_distance"], 3)}
        for e in scored["packages"]
    ]  # fmt: skip
    return {
        "reason": scored["reason"],
        "parties": parties,
        "walk_away": [p for p in parties if p["reservation"] is not None],
        "svg": _svg_src(scored["svg"]) if scored.get("svg") else None,
        "svg_alt": scored.get("svg_alt"),
        "frontier_points": len(scored["frontier"]),
        "nash": None
        if nash is None
        else {
            "package": [(i["short"], nash["labels"][i["id"]]) for i in issues],
            "points": [(p["name"], num(nash["utilities"][p["id"]], 3)) for p in parties],
        },
        "rows": rows,
    }


def _counts(state: ClassState) -> list[str]:
    """Per exercise run: how many students submitted, and how many entries (groups) count."""
    out = []
    for kind in sorted({*state.exercises, *(s.kind for s in state.submissions)}):
        subs = state.of_kind(kind)
        name = EXERCISE_NAMES.get(kind, kind)
        text = f"{name}: {len(subs)} student{'' if len(subs) == 1 else 's'} submitted"
        if kind in ("concessions", "debrief") and subs:
            n = len(entries(state.entries_of(kind)))
            what = "proposal" if kind == "concessions" else "package"
            text += f" ({n} {what}{'' if n == 1 else 's'} counted, one per group)"
        out.append(text)
    return out


def _context(state: ClassState) -> dict[str, Any]:
    agr = state.agreement
    case = state.case
    coding = state.of_kind("coding")
    return {
        "state": state,
        "case": case,
        "agr": agr,
        "version": engine.__version__,
        "css": stylesheet(),
        "units": [_unit(state, p, i) for p, i in state.units],
        "submitted": len(coding),
        # the coding sections: with codings, or while coding is open (α explains what it needs)
        "coding": bool(coding) or state.exercises.get("coding") == "open",
        "counts": _counts(state),
        "exercises": [
            (EXERCISE_NAMES.get(k, k), v) for k, v in sorted(state.exercises.items())
        ],
        "concessions": _concessions(state),
        "debrief": _debrief(state),
        "alpha_rows": _alpha_rows(agr),
        "students": _students(state),
        "spread": [
            {"unit": _unit(state, u["party"], u["issue"]), "coded": u["coded"],
             "ideals": [(v, c) for v, c in u["ideals"]], "distinct": u["distinct"],
             "red_lines": u["red_lines"],
             "salience": "–" if u["salience"] is None
             else f"{u['salience'][0]:g}–{u['salience'][1]:g}"}
            for u in agr["spread"]
        ],
        "versus": [
            {"name": v["name"], "cells": [_share(v[k]) for k in VARIABLES_SHOWN]}
            for v in agr["versus"]
        ],
        "disputed": _disputed(state),
        "others": [
            {"kind": s.kind, "name": s.name, "revision": s.revision, "note": s.note,
             "body": json.dumps(s.body, indent=2, sort_keys=True, ensure_ascii=False)}
            for s in other_submissions(state)
        ],
        "cited": _cited(state),
    }  # fmt: skip


def render_class_report(state: ClassState) -> str:
    """The class report as one HTML page (a function of the class's state only).

    Examples
    --------
    >>> import engine
    >>> from reports.web.classroom.export_state import class_state
    >>> state = class_state("K7QX2M", engine.load_case("ukraine-russia"), [["russia", "nato"]])
    >>> html = render_class_report(state)
    >>> "K7QX2M" in html and "<script" not in html
    True
    """
    return template("class_report.html.j2").render(**_context(state))
