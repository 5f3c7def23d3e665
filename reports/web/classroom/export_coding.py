"""The coding exercise's part of the teacher's exports: codings, agreement, spread, consensus.

Tables (see README.txt of ``export.zip``): ``codings`` (one row per student ×
coded unit × variable, with the justification and sources), ``agreement``
(α per variable with its interval and reading: the numbers of
``GET /api/classes/{code}/agreement``), ``versus`` (each student against the
key), ``spread`` (per unit), ``disputed`` (the most disputed units, every
student's coding side by side) and ``consensus_ties``. The consensus coding is
:func:`engine.consensus` over the students' codings, written by
:func:`reports.export.caseio.case_files` as ``zopa agree --consensus`` writes it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import engine
from reports.web.classroom.coding import VARIABLES_SHOWN, coding_case
from reports.web.classroom.export_state import ClassState, Part, Section, Table

__all__ = ["CODING_SECTION", "CONSENSUS_RULES", "consensus_coding", "consensus_files"]

#: How the consensus treats each unit (said in README.txt and docs/classroom.md).
CONSENSUS_RULES = (
    "The consensus is engine.consensus over the students' codings (the key takes no part): "
    "a unit is in it when at least as many students coded it as left it uncoded (a unit "
    "one student of three coded is left out; one of two is kept); then the median option "
    "for ordinal ideals, the most frequent for nominal ones, the median on interval issues "
    "and for salience, the majority for red lines and for each acceptable option. Ties go "
    "to the lowest option in the scale's order and are written in the position's note. "
    "It needs two codings or more."
)

# ------------------------------------------------------------- the coding exercise


def _number(x: Any) -> Any:
    """A whole float as an int (``250``, not ``250.0``): written exactly in CSV."""
    return int(x) if isinstance(x, float) and x.is_integer() else x


def _acceptable_cell(value: Any) -> str:
    """An acceptable set in a cell: ``a|b`` or ``lo..hi`` (as ``zopa export`` writes it)."""
    if isinstance(value, Mapping):
        return f"{_number(value['min'])}..{_number(value['max'])}"
    return "|".join(map(str, value))


def _cell(variable: str, value: Any) -> Any:
    if variable == "acceptable":
        return _acceptable_cell(value)
    return _number(value)


def _coding_rows(state: ClassState) -> list[list[Any]]:
    """One row per student × coded unit × variable, with the justification and sources."""
    rows = []
    for sub in state.of_kind("coding"):
        positions = sub.body.get("positions", {})
        for p, i in state.units:
            pos = positions.get(p, {}).get(i)
            if pos is None:
                continue
            for v in VARIABLES_SHOWN:
                rows.append(
                    [sub.name, sub.revision, p, i, v, _cell(v, pos[v]),
                     pos.get("justification", ""), " ".join(pos.get("sources", []))]
                )  # fmt: skip
    return rows


def _agreement_rows(agr: Mapping[str, Any]) -> list[list[Any]]:
    rows = []
    for v in VARIABLES_SHOWN:
        iv = agr["intervals"][v] or [None, None]
        rows.append(
            [v, agr["alpha"][v], iv[0], iv[1], agr["reading"][v] or agr["reason"],
             agr["coders"], agr["units"], agr.get("coded_units"), agr["draws"], agr["seed"]]
        )  # fmt: skip
    return rows


def _spread_rows(agr: Mapping[str, Any]) -> list[list[Any]]:
    return [
        [u["party"], u["issue"], u["coded"], u["distinct"],
         "; ".join(f"{value} ({count})" for value, count in u["ideals"]), u["red_lines"],
         *(u["salience"] or [None, None])]
        for u in agr["spread"]
    ]  # fmt: skip


def _disputed_rows(state: ClassState) -> list[list[Any]]:
    """Each disputed unit (most disputed first) and every student's coding of it, side by side."""
    codings = state.codings
    rows = []
    for rank, d in enumerate(state.agreement["disputed"], 1):
        for name, positions in codings.items():
            pos = positions.get(d["party"], {}).get(d["issue"])
            if pos is None:
                continue
            rows.append(
                [rank, d["party"], d["issue"], d["disagreement"], d["variables"], name,
                 *(_cell(v, pos[v]) for v in VARIABLES_SHOWN),
                 pos.get("justification", ""), " ".join(pos.get("sources", []))]
            )  # fmt: skip
    return rows


def consensus_coding(state: ClassState) -> Any:
    """:func:`engine.consensus` of the students' codings (an :class:`engine.agreement.Consensus`).

    Returns ``None`` with fewer than two codings (the consensus needs two). The
    key (the shipped coding) takes no part; see :data:`CONSENSUS_RULES`.
    """
    codings = state.codings
    if len(codings) < 2:
        return None
    cases = [coding_case(state.case, c) for c in codings.values()]
    con = engine.consensus(cases, names=list(codings))
    description = (
        f"Consensus of the {len(codings)} codings of class {state.code} "
        f"({', '.join(codings)}) of '{state.case.title}', made by zopa class mode: medians, "
        "modes and majorities per party × issue; ties noted on the positions."
    )
    return dataclasses.replace(con, case=dataclasses.replace(con.case, description=description))


_TIES_HEADERS = ["party", "issue", "variable", "tied", "chosen", "rule"]


def _coding_part(state: ClassState) -> Part:
    agr = state.agreement
    con = consensus_coding(state)
    ties = [] if con is None else con.ties[_TIES_HEADERS].to_numpy().tolist()
    tables: dict[str, Table] = {
        "codings": (
            ["student", "revision", "party", "issue", "variable", "value", "justification",
             "sources"],
            _coding_rows(state),
        ),
        "agreement": (
            ["variable", "alpha", "low", "high", "reading", "coders", "units", "coded_units",
             "draws", "seed"],
            _agreement_rows(agr),
        ),
        "versus": (
            ["student", *VARIABLES_SHOWN],
            [[v["name"], *(v[k] for k in VARIABLES_SHOWN)] for v in agr["versus"]],
        ),
        "spread": (
            ["party", "issue", "coded", "distinct_ideals", "ideals", "red_lines", "salience_min",
             "salience_max"],
            _spread_rows(agr),
        ),
        "disputed": (
            ["rank", "party", "issue", "disagreement", "on", "student", *VARIABLES_SHOWN,
             "justification", "sources"],
            _disputed_rows(state),
        ),
        "consensus_ties": (_TIES_HEADERS, ties),
    }  # fmt: skip
    data = {
        "codings": [
            {"student": s.name, "revision": s.revision, "positions": s.body.get("positions", {}),
             "note": s.note}
            for s in state.of_kind("coding")
        ],
        "agreement": dict(agr),
        "consensus_ties": [dict(zip(_TIES_HEADERS, t, strict=True)) for t in ties],
    }  # fmt: skip
    return Part(tables=tables, data=data)


#: The sections of the export, in order; each claims the submission kinds it exports in full.


#: The coding exercise's section: it exports the ``coding`` submissions in full.
CODING_SECTION = Section(
    "coding",
    ("coding",),
    {
        "codings": "one row per student × coded position (party × issue) × variable (ideal, "
        "acceptable, salience, red_line), with the justification and the sources the student "
        "cited; acceptable sets as a|b or lo..hi",
        "agreement": "Krippendorff's α per variable over the students' codings (the key is not "
        "a coder), its 95% interval (percentile bootstrap over units: draws, seed), its reading "
        "(α ≥ 0.800 reliable; 0.667 to 0.800 tentative conclusions only; below, unreliable), "
        "the number of coders, of positions assigned and of positions at least one student coded",
        "versus": "each student against the key (the case's own coding): the share of the "
        "positions both coded where the student's value is the key's",
        "spread": "per position: how many students coded it, the ideals given (with counts), "
        "how many coded a red line, the salience range",
        "disputed": "the most disputed positions (most first) and each student's coding of them, "
        "with their justification and sources",
        "consensus_ties": "the ties the consensus coding broke, and how",
    },
    _coding_part,
)


def consensus_files(state: ClassState) -> dict[str, str] | None:
    """The consensus coding's case folder (path → YAML text), or ``None`` under two codings."""
    from reports.export.caseio import case_files

    con = consensus_coding(state)
    return None if con is None else case_files(con.case)
