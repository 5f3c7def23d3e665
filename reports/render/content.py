"""The conflict-matrix report's content: every section's data and figures.

:func:`build_report` computes everything once into a :class:`Report` (plain
data and rendered figures; the words about the results come from
:mod:`reports.render.findings`); :func:`reports.render.markup.render_html`,
:func:`reports.render.markup.render_markdown` and
:func:`reports.render.pdf.render_pdf` turn it into files. Every number in the report
comes from an engine function whose definition the "Method" section states.
The evaluation date (the case's ``as_of`` unless ``--at`` is given) is the
only date in the output, so the same input gives byte-identical files.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

import engine
from engine import Case, Scenario
from engine.solve.settlement import OBJECTIVES
from reports.figures.deltas import (
    alt_delta,
    alt_delta_issues,
    delta_data,
    plot_delta,
    plot_delta_issues,
    size_delta,
    size_delta_issues,
)
from reports.figures.graph import alt_graph, graph_data, plot_graph, size_graph
from reports.figures.heatmap import alt_heatmap, heatmap_data, plot_heatmap, size_heatmap
from reports.figures.position_map import (
    alt_position_map,
    plot_position_map,
    position_map_data,
    size_position_map,
)
from reports.figures.settlement import (
    alt_settlement,
    alt_settlement_outcomes,
    plot_settlement,
    plot_settlement_outcomes,
    settlement_data,
    size_settlement,
    size_settlement_outcomes,
)
from reports.figures.zones import alt_zone_chart, plot_zone_chart, size_zone_chart, zone_chart_data
from reports.render.drawing import SvgDrawer
from reports.render.figure import MIN_PRINT_PT, Figure, Part, position_map_rows
from reports.render.findings import headline_findings, party_names, settlement_section
from reports.render.helper import Helper
from reports.render.method import METHOD, SCALES
from reports.render.text import md_escape, num, plural, safe_url
from reports.render.timeline import timeline_section

__all__ = [
    "MIN_PRINT_PT",
    "OBJECTIVES",
    "Figure",
    "Part",
    "Report",
    "build_report",
    "md_escape",  # from reports.render.text, as before
    "safe_url",  # from reports.render.text, as before
]


# -------------------------------------------------------------------- report


@dataclass
class Report:
    """Everything the report shows, computed once."""

    case: Case
    at: Any
    parties: tuple[str, ...]
    negotiators: tuple[str, ...]
    negotiators_label: str
    scenario: Scenario | None = None
    scenario_case: Case | None = None
    headlines: list[str] = field(default_factory=list)
    figures: dict[str, Figure] = field(default_factory=dict)
    sections: dict[str, Any] = field(default_factory=dict)
    sources: list[tuple[int, engine.Source]] = field(default_factory=list)
    citations: dict[str, int] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.case.title

    def cite(self, source_ids: Iterable[str]) -> list[int]:
        """Source numbers for ids, numbering new ones in order of first citation."""
        out = []
        for sid in source_ids:
            if sid not in self.citations:
                self.citations[sid] = len(self.citations) + 1
                self.sources.append((self.citations[sid], self.case.source(sid)))
            out.append(self.citations[sid])
        return sorted(set(out))

    def name(self, party: str) -> str:
        """The party's short name (for prose, tables and figures)."""
        return self._case_for(party).party(party).short_name

    def full_name(self, party: str) -> str:
        return self._case_for(party).party(party).name

    def _case_for(self, party: str) -> Case:
        if party not in self.case.party_ids and self.scenario_case is not None:
            return self.scenario_case
        return self.case


#: The sections in the order the report shows them (they are computed in another).
_DOCUMENT_ORDER = (
    "positions",
    "agreement zones",
    "matrices",
    "incompatibility graph",
    "settlement packages",
    "timeline",
    "scenario",
    "headline findings",
)


def _progress(step: str, i: int, n: int) -> None:
    """Progress on a terminal only (never in files or pipes)."""
    if sys.stderr.isatty():
        sys.stderr.write(f"\r  [{i}/{n}] {step:<50}")
        sys.stderr.flush()
        if i == n:
            sys.stderr.write("\n")


def build_report(
    case: Case,
    *,
    at: Any = None,
    parties: Iterable[str] | None = None,
    scenario: Scenario | None = None,
    figures_on: bool = True,
    jobs: int = 1,
    formats: Collection[str] = ("html",),
    helper: Helper | None = None,
) -> Report:
    """Compute the report's content and figures.

    Parameters
    ----------
    case : Case
        The case.
    at : date or str, optional
        Evaluation date (default: the case's ``as_of``, or the scenario's date).
    parties : iterable of str, optional
        Parties to include (default: all).
    scenario : Scenario, optional
        Adds a before/after section; the rest of the report describes the case
        as it is (before the scenario).
    figures_on : bool
        Render figures (off only for fast tests of the text).
    jobs : int
        Worker processes that draw the figures' SVG (for HTML and Markdown)
        while the later sections are computed
        (:class:`~reports.render.drawing.SvgDrawer`; Linux only). The default
        1 draws each SVG in this process when it is first needed. With more
        than 1, the settlement search also runs from the start in a process
        of its own. Nothing is forked from a process running other threads.
    formats : collection of str
        The formats the report will be written in (``html``, ``md``,
        ``pdf``): the workers draw only the SVGs these show (the PDF draws
        PNGs; the HTML shows the agreement zones as tables).
    helper : Helper, optional
        A :class:`~reports.render.helper.Helper` forked earlier (by the
        command, before its imports) to run the settlement search; without
        one, ``jobs`` > 1 forks one here.

    Returns
    -------
    Report
    """
    chosen = case.resolve_parties(parties)
    date = (
        engine.as_date(at, "at")
        if at is not None
        else (scenario.at if scenario and scenario.at else case.as_of)
    )
    negotiators, label = case.negotiators(chosen)
    rep = Report(case, date, chosen, negotiators, label, scenario)
    steps: list[tuple[str, Callable[[Report], None]]] = [
        ("positions", _positions),  # first: it numbers the sources in order of citation
        ("timeline", timeline_section),  # its figure is the slowest to draw: start it early
        ("agreement zones", _zones),
        ("matrices", _matrices),
        ("incompatibility graph", _graph),
        ("settlement packages", _settlements),
    ]
    if scenario is not None:
        steps.append(("scenario", _scenario))
    steps.append(("headline findings", _headlines))
    rep.sections["figures_on"] = figures_on
    shown = ("html" in formats, "md" in formats)
    with SvgDrawer(jobs, early=(settlement_section, (rep,)), helper=helper) as drawer:
        steps = [
            (
                what,
                (lambda r: _settlements(r, drawer.early_result()))
                if step is _settlements
                else step,
            )
            for what, step in steps
        ]
        added: dict[str, list[str]] = {}
        for i, (what, step) in enumerate(steps, 1):
            _progress(what, i, len(steps))
            before = set(rep.figures)
            step(rep)
            added[what] = [n for n in rep.figures if n not in before]
            drawer.submit(f for f in rep.figures.values() if shown[1] or (shown[0] and f.in_html))
        drawer.finish()
    order = [n for what in _DOCUMENT_ORDER for n in added.get(what, [])]
    rep.figures = {n: rep.figures[n] for n in order}
    rep.sections["method"] = {"scales": SCALES, "terms": METHOD}
    return rep


# --------------------------------------------------------------- the sections


def _only_ideal(issue: engine.Issue, pos: engine.Position) -> bool:
    acc = pos.acceptable
    if isinstance(acc, engine.Span):
        return acc.lo == acc.hi == float(pos.ideal)
    return acc.ids == frozenset([pos.ideal])


def _positions(rep: Report) -> None:
    case, at = rep.case, rep.at
    state = case.at(at)
    rows = []
    for issue in case.issues:
        cells = []
        for pid in rep.parties:
            pos = state.get((pid, issue.id))
            if pos is None:
                cells.append(None)
                continue
            cells.append(
                {
                    "ideal": issue.label(pos.ideal),
                    # None when the party accepts only its ideal (said in fewer words)
                    "acceptable": None
                    if _only_ideal(issue, pos)
                    else issue.describe(pos.acceptable),
                    "salience": num(pos.salience),
                    "red_line": pos.red_line,
                    "requires": [
                        f"{case.issue(i).short_name}: {case.issue(i).describe(a)}"
                        for i, a in pos.requires
                    ],
                    "confidence": pos.confidence,
                    "as_of": pos.as_of.isoformat() if pos.as_of else "",
                    "cites": rep.cite(pos.sources),
                    "note": pos.note,
                }
            )
        rows.append({"issue": issue, "cells": cells})
    rep.sections["positions"] = {
        "rows": rows,
        "parties": [(p, rep.name(p)) for p in rep.parties],
        "full_names": [rep.full_name(p) for p in rep.parties],
    }
    if rep.sections["figures_on"]:
        data = position_map_data(case, at=at, parties=rep.parties)
        rep.figures["position_map"] = Figure(
            "position-map",
            "Position map",
            "Each cell shows a party's position on an issue: the acceptable span on the issue's scale "
            "and its ideal; red lines are marked; an empty cell means no position.",
            data,
            plot_position_map,
            size_position_map,
            alt_position_map,
            parts=_chunks(data, len(data.issues)),
        )


#: Issues per PDF page of the position map (a landscape page holds six rows at full size).
_MAP_ROWS_PER_PAGE = 6


def _chunks(data: Any, n: int) -> tuple[Part, ...]:
    """The position map in pieces of at most :data:`_MAP_ROWS_PER_PAGE` issues, evenly split."""
    if n <= _MAP_ROWS_PER_PAGE:
        return ()
    k = -(-n // _MAP_ROWS_PER_PAGE)
    bounds = [round(i * n / k) for i in range(k + 1)]
    return tuple(
        Part(
            f"issues {a + 1}–{b} of {n}",
            position_map_rows(data, a, b),
            plot_position_map,
            size_position_map,
        )
        for a, b in itertools.pairwise(bounds)
    )


def _zones(rep: Report) -> None:
    case, at = rep.case, rep.at
    zones = engine.agreement_zones(case, at=at, parties=rep.parties)
    rows = []
    for issue in case.issues:
        z = zones.loc[issue.id]
        n = int(z["n_parties"])
        if n == 0:
            text = "No party has a position."
        elif bool(z["empty"]):
            blockers = ", or without ".join(party_names(rep, b) for b in z["blockers"])
            text = (
                f"No agreement zone among the {n} parties with positions. A zone would open without "
                f"{blockers} (the fewest parties whose absence opens one)."
            )
        elif n == 1:
            text = f"Only {party_names(rep, z['parties'])} has a position."
        else:
            text = f"Agreement zone among all {n} parties with positions: {z['zone']}."
        fig = None
        if rep.sections["figures_on"] and n > 1:
            data = zone_chart_data(
                case, issue.id, at=at, parties=rep.parties, show_missing=False, zones=zones
            )
            caption = f"No position: {', '.join(data.missing)}." if data.missing else ""
            fig = Figure(
                f"zone-{issue.id}",
                f"Agreement zone: {issue.name}",
                caption,
                data,
                plot_zone_chart,
                size_zone_chart,
                alt_zone_chart,
                in_html=False,  # the HTML shows the zone as a table (reports.render.zone_table)
            )
            rep.figures[f"zone-{issue.id}"] = fig
        rows.append(
            {
                "issue": issue,
                "n": n,
                "empty": bool(z["empty"]) and n > 0,
                "text": text,
                "figure": fig,
            }
        )
    rep.sections["zones"] = rows


def _matrix_rows(rep: Report, m: pd.DataFrame) -> list[list[str]]:
    return [[rep.name(p), *[num(m.loc[p, q]) for q in m.columns]] for p in m.index]


#: What each heatmap computes, in the words of its caption (tested against the engine).
MATRIX_CAPTIONS = {
    "overlap": (
        "Pair overlap by stake: Σ over the issues both parties state of w·overlap, divided by "
        "Σ w over every issue either states, with w the pair's mean salience (a party without a "
        "position counts 0). 1 = identical acceptable sets on every issue either states; issues "
        "only one of them states count as no overlap. Each cell reads value · n, "
        "n = issues both parties state."
    ),
    "conflict": (
        "Pair conflict by stake: Σ over the issues both parties state of w·gap (the distance "
        "between their acceptable sets, 0 where they meet), divided by "
        "Σ w over every issue either states, with w the pair's mean salience (a party without a "
        "position counts 0). 0 = compatible on every shared issue; 1 = as far apart as the "
        "scales allow on every issue either states, both caring fully. Each cell reads "
        "value · n, n = issues both parties state."
    ),
}

SECTION_MATRICES = (
    "Party × party, by stake: each issue either party states counts, weighted by the pair's "
    "mean salience; an issue only one of them states adds weight but no overlap and no conflict. "
    "Overlap: 1 = same acceptable sets everywhere. Conflict: 0 = compatible everywhere."
)


def _matrices(rep: Report) -> None:
    case, at = rep.case, rep.at
    ov = engine.overlap_matrix(case, at=at, parties=rep.parties)
    co = engine.conflict_matrix(case, at=at, parties=rep.parties)
    shared = engine.shared_issues_matrix(case, at=at, parties=rep.parties)
    rep.sections["matrices"] = {
        "names": [rep.name(p) for p in ov.columns],
        "overlap": _matrix_rows(rep, ov),
        "conflict": _matrix_rows(rep, co),
        "overlap_df": ov,
        "intro": SECTION_MATRICES,
        "conflict_df": co,
    }
    if rep.sections["figures_on"]:
        for kind, m in (("overlap", ov), ("conflict", co)):
            names = {p: rep.name(p) for p in m.columns}
            data = heatmap_data(m, kind=kind, names=names, shared=shared)
            rep.figures[kind] = Figure(
                f"{kind}-matrix",
                f"{kind.capitalize()} matrix",
                MATRIX_CAPTIONS[kind],
                data,
                plot_heatmap,
                size_heatmap,
                alt_heatmap,
            )


def _graph(rep: Report) -> None:
    case, at = rep.case, rep.at
    G = engine.incompatibility_graph(case, at=at, parties=rep.parties)
    cent = engine.position_centrality(G)
    conflict_edges = [(u, v, d) for u, v, d in G.edges(data=True) if d.get("kind") == "conflict"]
    relax = engine.cheapest_relaxation(G)
    clusters = engine.conflict_clusters(G)
    top = []
    for node, row in cent.head(8).iterrows():
        if row["conflict_degree"] == 0:
            continue
        top.append(
            {
                "party": rep.name(row["party"]),
                "issue": case.issue(row["issue"]).name,
                "degree": int(row["conflict_degree"]),
                "strength": num(row["conflict_strength"]),
                "node": node,
            }
        )
    by_party: dict[str, list[str]] = {}
    for node in relax.positions:
        party, issue = str(node).split(":", 1)
        by_party.setdefault(party, []).append(case.issue(issue).short_name)
    conflict_issues = {d.get("issue") or str(u).split(":", 1)[1] for u, _, d in conflict_edges}
    n_size = len(relax.positions)
    rep.sections["graph"] = {
        # conflict edges join positions on the same issue, so each issue's conflicts form their
        # own component: the summary counts issues, not "clusters"
        "summary": (
            f"{plural(G.number_of_nodes(), 'stated position')}; "
            f"{plural(len(conflict_edges), 'conflict edge')} (pairs of incompatible positions on the "
            f"same issue) on {plural(len(conflict_issues), 'issue')}; "
            f"{plural(G.number_of_edges() - len(conflict_edges), 'linkage edge')} "
            "(a position whose acceptance depends on another issue's outcome)."
        ),
        "relaxation_text": (
            f"Relaxing {'this position' if n_size == 1 else f'these {n_size} positions'} "
            f"(total salience {num(relax.total_salience)}) would remove every conflict edge"
            + (
                "; no cheaper set exists (exact integer programme)"
                if relax.exact
                else "; this set is within a factor 2 of the cheapest (approximation: the graph is "
                "too large for the exact method)"
            )
        ),
        "n_positions": G.number_of_nodes(),
        "n_conflicts": len(conflict_edges),
        "n_linkages": G.number_of_edges() - len(conflict_edges),
        "central": top,
        "n_clusters": len([c for c in clusters if len(c) > 1]),
        "relaxation": {
            "size": len(relax.positions),
            "salience": num(relax.total_salience),
            "exact": relax.exact,
            "by_party": [
                (rep.name(p), sorted(v))
                for p, v in sorted(
                    by_party.items(),
                    key=lambda kv: rep.parties.index(kv[0]) if kv[0] in rep.parties else 99,
                )
            ],
        },
    }
    if rep.sections["figures_on"] and G.number_of_nodes():
        data = graph_data(G, case=case)
        rep.figures["graph"] = Figure(
            "incompatibility-graph",
            "Incompatibility graph",
            "Positions (party × issue) as nodes; an arc joins two incompatible positions on the same "
            "issue, thicker for more conflict; dashed lines are linkages between issues.",
            data,
            plot_graph,
            size_graph,
            alt_graph,
        )


def _settlements(rep: Report, section: dict[str, Any] | None = None) -> None:
    """The settlement section (``section``: already computed by :func:`settlement_section`)."""
    case = rep.case
    rep.sections["settlement"] = section if section is not None else settlement_section(rep)
    results = rep.sections["settlement"]["results"]
    if rep.sections["figures_on"]:
        shown = {k: v for k, v in results.items() if v.feasible}
        if shown:
            data = settlement_data(shown, case=case)
            rep.figures["settlement"] = Figure(
                "settlement",
                "Concession cost by party",
                "Each party's concession cost in each package (salience × distance from the outcome to "
                "its acceptable set, summed over issues).",
                data,
                plot_settlement,
                size_settlement,
                alt_settlement,
            )
            rep.figures["settlement_outcomes"] = Figure(
                "settlement-outcomes",
                "Outcome of each package, issue by issue",
                "The outcome each package chooses on each issue; the shading and the number give the "
                "parties' total concession cost on that issue.",
                data,
                plot_settlement_outcomes,
                size_settlement_outcomes,
                alt_settlement_outcomes,
            )


def _scenario(rep: Report) -> None:
    assert rep.scenario is not None
    after = engine.apply(rep.case, rep.scenario, at=rep.at)
    rep.scenario_case = after
    parties = [p for p in rep.parties if p in after.party_ids] + [
        p for p in after.party_ids if p not in rep.case.party_ids
    ]
    cmp = engine.compare(rep.case, after, at_before=rep.at, at_after=rep.at, parties=None)
    rep.cite(rep.scenario.sources)
    changed = [
        {
            "party": rep.name(ch.party),
            "issue": rep.case.issue(ch.issue).name if ch.issue else "",
            "kind": ch.kind,
        }
        for ch in rep.scenario.changes
    ]
    rep.sections["scenario"] = {
        "title": rep.scenario.title,
        "description": rep.scenario.description,
        "cites": rep.cite(rep.scenario.sources),
        "summary": cmp.summary(),
        "changes": changed,
        "parties": parties,
        "comparison": cmp,
    }
    if rep.sections["figures_on"]:
        data = delta_data(cmp, case=after)
        rep.figures["delta"] = Figure(
            "scenario-delta",
            "Change in the conflict matrix",
            "Conflict after the scenario minus conflict before; negative values (less conflict) mean "
            "the scenario brings the pair closer. A party the scenario adds or removes has no value "
            "(no position on one side).",
            data,
            plot_delta,
            size_delta,
            alt_delta,
        )
        rep.figures["delta_issues"] = Figure(
            "scenario-delta-issues",
            "Conflict by issue, before and after",
            "Total conflict on each issue before and after the scenario, with the agreement zones it "
            "opens or closes.",
            data,
            plot_delta_issues,
            size_delta_issues,
            alt_delta_issues,
        )


def _headlines(rep: Report) -> None:
    rep.headlines = headline_findings(rep)
