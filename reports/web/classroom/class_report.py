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

The report is the teacher's at any time, revealed or not: it states whether
the students can see the results yet.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import engine
from reports.render.agreement import MEASURE_NAMES
from reports.render.markup import stylesheet, template
from reports.render.text import safe_url
from reports.web.classroom.coding import VARIABLES_SHOWN
from reports.web.classroom.export_state import ClassState

__all__ = ["render_class_report"]

_READING_CLASS = {"reliable": "ok", "tentative conclusions only": "tentative"}
#: The variables' names on a student's card.
_LABELS = {
    "ideal": "Ideal",
    "acceptable": "Acceptable",
    "salience": "Salience",
    "red_line": "Red line",
}


def _num(x: Any, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{x:.{digits}f}"


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
                "value": _num(agr["alpha"][v]),
                "interval": "–" if iv is None else f"{_num(iv[0])} – {_num(iv[1])}",
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
                "score": _num(d["disagreement"], 2),
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
        "exercises": sorted(state.exercises.items()),
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
            for s in state.submissions
            if s.kind != "coding"
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
