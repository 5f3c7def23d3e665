"""The report's timeline section: the case snapshot by snapshot, and the timeline figure."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

import engine
from reports.figures.timeline import (
    alt_timeline,
    plot_change_timeline,
    plot_conflict_timeline,
    plot_timeline,
    plot_zone_timeline,
    size_timeline,
    timeline_data,
)
from reports.render.figure import Figure, Part
from reports.render.findings import party_names
from reports.render.text import num

if TYPE_CHECKING:
    from reports.render.content import Report

__all__ = ["timeline_panels", "timeline_section"]


def timeline_section(rep: Report) -> None:
    """The timeline section: each snapshot's conflict and open zones, the position changes."""
    case = rep.case
    tl = engine.timeline(case, parties=rep.parties)
    pair = rep.negotiators[:2] if len(rep.negotiators) >= 2 else ()
    rows = []
    for snap_id, r in tl.iterrows():
        bell = None
        if pair:
            m = engine.conflict_matrix(case, at=r["date"], parties=pair)
            bell = m.loc[pair[0], pair[1]]
        rows.append(
            {
                "id": snap_id,
                "date": pd.Timestamp(r["date"]).date().isoformat(),
                "label": r["label"],
                "total": num(r["total_conflict"]),
                "pair": num(bell),
                "open": int(r["open_zones"]),
                "compared": int(r["issues_compared"]),
                "with_positions": int(r["issues_with_positions"]),
            }
        )
    changes = engine.position_changes(case, parties=rep.parties)
    moves = []
    for _, c in changes.iterrows():
        if c["kind"] in (
            "softened",
            "hardened",
            "moved",
            "softened and moved",
            "hardened and moved",
        ):
            moves.append(
                {
                    "party": rep.name(c["party"]),
                    "issue": case.issue(c["issue"]).name,
                    "to": c["to_snapshot"],
                    "date": pd.Timestamp(c["to_date"]).date().isoformat(),
                    "kind": c["kind"],
                    "before": c["before"],
                    "after": c["after"],
                }
            )
    rep.sections["timeline"] = {
        "rows": rows,
        "pair": party_names(rep, pair) if pair else "",
        "moves": moves,
    }
    if rep.sections["figures_on"] and len(tl):
        data = timeline_data(case, parties=rep.parties)
        rep.figures["timeline"] = Figure(
            "timeline",
            "Conflict and agreement zones over time",
            "Total conflict and the issues with an agreement zone on each snapshot date.",
            data,
            plot_timeline,
            size_timeline,
            alt_timeline,
            parts=timeline_panels(data),
        )


def timeline_panels(data: Any) -> tuple[Part, ...]:
    """The timeline's three panels, each a figure of its own (for the PDF's pages)."""
    return (
        Part("total conflict", data, plot_conflict_timeline, _size_conflict_panel),
        Part("agreement zones by issue", data, plot_zone_timeline, _size_zone_panel),
        Part("position changes by party", data, plot_change_timeline, _size_change_panel),
    )


def _panel_width(data: Any) -> float:
    return max(4.2 + 0.85 * max(len(data.snapshots), 4), 7.0)


def _size_conflict_panel(data: Any) -> tuple[float, float]:
    return (_panel_width(data), 3.6)


def _size_zone_panel(data: Any) -> tuple[float, float]:
    return (_panel_width(data), 1.6 + 0.3 * len(data.issues))


def _size_change_panel(data: Any) -> tuple[float, float]:
    return (_panel_width(data), 1.4 + 0.42 * max(len(data.parties), 1))
