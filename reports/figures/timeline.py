"""The timeline: total conflict, agreement zones and position changes at each snapshot."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch

import engine
from engine import Case
from reports.figures import style
from reports.figures.fit import fit_column
from reports.figures.labels import Parties, fit, issue_short, party_label, wrap
from reports.figures.layout import (
    Boxes,
    add_title,
    frame_tick_labels,
    hide_spines,
    legend_under_title,
    marker_handle,
    new_axes,
    no_data,
    shade_alternate_rows,
    vertical_rules,
)

__all__ = [
    "CHANGE_KINDS",
    "ZONE_STATES",
    "TimelineData",
    "alt_timeline",
    "plot_change_timeline",
    "plot_conflict_timeline",
    "plot_timeline",
    "plot_zone_timeline",
    "size_timeline",
    "timeline_data",
]


#: Zone states of :func:`timeline_data`.
ZONE_STATES = ("open", "empty", "not compared")


#: Change kinds counted by :func:`timeline_data` (engine.analysis.history.CHANGE_KINDS).
CHANGE_KINDS = ("softened", "hardened", "moved", "new", "withdrawn", "other")


@dataclass(frozen=True, eq=False)
class TimelineData:
    """What the timeline figures draw (see :func:`timeline_data`)."""

    snapshots: pd.DataFrame
    zones: pd.DataFrame
    changes: pd.DataFrame
    counts: pd.DataFrame
    issues: pd.DataFrame
    parties: pd.DataFrame


def timeline_data(case: Case, *, parties: Parties = None) -> TimelineData:
    """Conflict, agreement zones and position changes at each snapshot.

    Parameters
    ----------
    case : Case
    parties : iterable of str, optional
        Party ids to include (default: all).

    Returns
    -------
    TimelineData
        ``snapshots`` — one row per snapshot in date order
        (:func:`engine.timeline`): ``snapshot``, ``position`` (0, 1, … — the
        x coordinate; snapshots are evenly spaced, not to time scale),
        ``date`` (ISO), ``label``, ``total_conflict``,
        ``issues_with_positions``, ``issues_compared``, ``open_zones``,
        ``mean_overlap``, ``n_changes`` (position changes arriving at it).

        ``zones`` — snapshot × issue (:func:`engine.issue_timeline`):
        ``snapshot``, ``position``, ``issue``, ``issue_name``, ``row``
        (issue's row, 0 at the top), ``n_parties``, ``total_conflict``,
        ``state`` — ``"open"`` (two or more positions and a non-empty zone),
        ``"empty"`` (two or more, no zone) or ``"not compared"`` (fewer than
        two positions).

        ``changes`` — one row per position change
        (:func:`engine.position_changes`): ``party``, ``party_name``,
        ``issue``, ``issue_name``, ``from_snapshot``, ``to_snapshot``,
        ``position`` (of ``to_snapshot``), ``date``, ``kind`` (``softened``,
        ``hardened``, ``moved``, ``new``, ``withdrawn``, ``other``),
        ``direction`` (+1 softened, −1 hardened, 0 otherwise), ``before``,
        ``after``.

        ``counts`` — snapshot × party (every pair, zeros included):
        ``snapshot``, ``position``, ``party``, ``party_name``, ``row``,
        ``color_index`` and one count column per change kind.

        ``issues`` and ``parties`` — the rows (``issue``, ``issue_name``,
        ``issue_short``, ``row``) and the parties (``party``, ``party_name``, ``row``,
        ``color_index``).

    Notes
    -----
    The formulas are those of :func:`engine.timeline` (total conflict
    Σ_i Σ_{p<q} gap · (s_p + s_q)/2) and :func:`engine.position_changes`
    (softened: acceptable set widened or red line dropped; hardened: the
    reverse). O(T · m · n² · k).

    Examples
    --------
    >>> d = timeline_data(engine.load_case("tests/cases/tiny"))
    >>> d.snapshots[["snapshot", "total_conflict"]].round(12).values.tolist()
    [['early', 0.79], ['late', 0.565]]
    >>> d.changes[["party", "issue", "to_snapshot", "kind", "direction"]].values.tolist()
    [['a', 'ord', 'late', 'softened', 1]]
    """
    chosen = case.resolve_parties(parties)
    names = {p: party_label(case.party(p)) for p in chosen}
    snaps = _snapshots_frame(case, chosen)
    pos_of = {s: k for k, s in enumerate(snaps["snapshot"])}
    zones = _zones_frame(case, chosen, pos_of)
    changes = _changes_frame(case, chosen, names, pos_of)
    snaps["n_changes"] = [int((changes["to_snapshot"] == s).sum()) for s in snaps["snapshot"]]
    issues = pd.DataFrame(
        [
            {"issue": i.id, "issue_name": i.name, "issue_short": issue_short(i), "row": r}
            for r, i in enumerate(case.issues)
        ],
        columns=["issue", "issue_name", "issue_short", "row"],
    )
    party_rows = [
        {"party": p, "party_name": names[p], "row": r, "color_index": r}
        for r, p in enumerate(chosen)
    ]
    return TimelineData(
        snapshots=snaps,
        zones=zones,
        changes=changes,
        counts=_counts_frame(changes, party_rows, pos_of),
        issues=issues,
        parties=pd.DataFrame(party_rows, columns=["party", "party_name", "row", "color_index"]),
    )


_ZONE_COLUMNS = (
    *("snapshot", "position", "issue", "issue_name", "row", "n_parties"),
    *("total_conflict", "state"),
)
_CHANGE_COLUMNS = (
    *("party", "party_name", "issue", "issue_name", "from_snapshot", "to_snapshot"),
    *("position", "date", "kind", "direction", "before", "after"),
)


def _snapshots_frame(case: Case, chosen: tuple[str, ...]) -> pd.DataFrame:
    """:func:`engine.timeline` with a 0-based ``position`` column and ISO dates."""
    snaps = engine.timeline(case, parties=chosen).reset_index()
    snaps.insert(1, "position", np.arange(len(snaps), dtype=int))
    snaps["date"] = [pd.Timestamp(d).date().isoformat() for d in snaps["date"]]
    return snaps


def _zones_frame(case: Case, chosen: tuple[str, ...], pos_of: dict[str, int]) -> pd.DataFrame:
    """Snapshot × issue: is there an agreement zone (``open``, ``empty``, ``not compared``)."""
    row_of = {i: r for r, i in enumerate(case.issue_ids)}
    rows = []
    for (s, i), r in engine.issue_timeline(case, parties=chosen).iterrows():
        n = int(r["n_parties"])
        state = "not compared" if n < 2 else ("empty" if bool(r["zone_empty"]) else "open")
        rows.append(
            (s, pos_of[s], i, case.issue(i).name, row_of[i], n, float(r["total_conflict"]), state)
        )
    return pd.DataFrame(rows, columns=list(_ZONE_COLUMNS))


def _changes_frame(
    case: Case, chosen: tuple[str, ...], names: dict[str, str], pos_of: dict[str, int]
) -> pd.DataFrame:
    """One row per position change, with names, the x position and a ±1 direction."""
    rows = []
    for _, r in engine.position_changes(case, parties=chosen).iterrows():
        kind = str(r["kind"])
        rows.append(
            (
                *(r["party"], names[r["party"]], r["issue"], case.issue(r["issue"]).name),
                *(r["from_snapshot"], r["to_snapshot"], pos_of[r["to_snapshot"]]),
                pd.Timestamp(r["to_date"]).date().isoformat(),
                kind,
                1 if kind == "softened" else -1 if kind == "hardened" else 0,
                *(r["before"], r["after"]),
            )
        )
    return pd.DataFrame(rows, columns=list(_CHANGE_COLUMNS))


def _counts_frame(
    changes: pd.DataFrame, party_rows: list[dict[str, Any]], pos_of: dict[str, int]
) -> pd.DataFrame:
    """Snapshot × party: how many changes of each kind (zeros included)."""
    tally = changes.groupby(["to_snapshot", "party", "kind"]).size().to_dict()
    rows = [
        {"snapshot": s, "position": k, **p}
        | {kind: int(tally.get((s, p["party"], kind), 0)) for kind in CHANGE_KINDS}
        for s, k in pos_of.items()
        for p in party_rows
    ]
    cols = ["snapshot", "position", "party", "party_name", "row", "color_index", *CHANGE_KINDS]
    return pd.DataFrame(rows, columns=cols)


_NOT_TO_SCALE = "Snapshot (date order, evenly spaced — not to time scale)"

_ZONE_FACE = {"open": style.ZONE, "empty": "#7F7F7F", "not compared": "white"}


_ZONE_GLYPH = {"open": ("✓", "black"), "empty": ("✕", "white"), "not compared": ("", "black")}


_CHANGE_GLYPHS = (  # kind, glyph, colour, (dx, dy) offset in the cell
    ("softened", "▲", style.OKABE_ITO["blue"], (-0.2, -0.17)),
    ("hardened", "▼", style.OKABE_ITO["vermillion"], (0.2, -0.17)),
    ("moved", "◆", "#333333", (-0.2, 0.19)),
    ("new", "+", "#6E6E6E", (0.2, 0.19)),
)


#: Size (pt) of the snapshot labels under each panel.
SNAPSHOT_PT = 7.5


def snapshot_label_chars(width_in: float, label_in: float, n_snapshots: int) -> int:
    """How many characters of a snapshot label fit one snapshot's column (at most 14).

    ``width_in`` is the figure's width and ``label_in`` what the panel's y
    tick labels and y label take of it (inches); a character is taken as
    0.62 em of :data:`SNAPSHOT_PT`, with one character's margin between
    columns. At least 6, so a label always says something.

    Examples
    --------
    >>> snapshot_label_chars(13.6, 3.9, 11)  # the zone panel of the shipped case
    11
    >>> snapshot_label_chars(13.6, 1.8, 11)
    14
    """
    column = (width_in - label_in - 0.5) / max(n_snapshots, 1)
    chars = int(column * 72 / (0.62 * SNAPSHOT_PT)) - 1
    return max(6, min(14, chars))


def _label_inches(labels: list[str], size: float) -> float:
    """The width (inches) of a column of y tick labels at ``size`` pt, with the y label."""
    longest = max((len(x) for lab in labels for x in lab.split("\n")), default=0)
    return longest * 0.6 * size / 72 + 0.45


def _snapshot_axis(
    ax: Axes, data: TimelineData, ticks: bool, xlabel: str, label_in: float = 0.6
) -> None:
    """The shared x axis: one tick per snapshot, labelled (date and label) only if ``ticks``,
    each label fitted to its column (:func:`snapshot_label_chars`)."""
    snaps = data.snapshots
    ax.set_xticks(snaps["position"].tolist())
    if ticks:
        width = snapshot_label_chars(ax.figure.get_figwidth(), label_in, len(snaps))
        labels = [
            f"{d}\n{fit(lab, width, 3)}"
            for d, lab in zip(snaps["date"], snaps["label"], strict=True)
        ]
        ax.set_xticklabels(labels, fontsize=SNAPSHOT_PT)
        ax.set_xlabel(xlabel)
    else:
        ax.tick_params(axis="x", labelbottom=False)
        ax.set_xlabel("")


def plot_conflict_timeline(
    data: TimelineData, *, ax: Axes | None = None, ticks: bool = True
) -> Axes:
    """Total conflict at each snapshot (a line), with the number of open agreement zones.

    Snapshots are evenly spaced in date order (not to time scale). Each
    point is labelled with its value; the count of issues with an open
    agreement zone is written under it ("zones open: n of m compared").

    Parameters
    ----------
    data : TimelineData
        From :func:`timeline_data`.
    ax : Axes, optional
    ticks : bool
        Label the x axis with the snapshots (off when a panel below does).

    Returns
    -------
    Axes
    """
    with style.zopa_style():
        ax = new_axes(ax, (size_timeline(data)[0], 4.0))
        snaps = data.snapshots
        title = "Total conflict over time"
        if not len(snaps):
            return no_data(ax, title, "No snapshots: the case has no dated statements.")
        x, y = snaps["position"].to_numpy(), snaps["total_conflict"].to_numpy(dtype=float)
        ax.plot(x, y, color="#1A1A1A", lw=2.0, marker="o", markersize=6, zorder=3)
        top = float(np.nanmax(y)) if len(y) else 0.0
        top = top if top > 0 else 1.0
        for xi, yi, o, n in zip(x, y, snaps["open_zones"], snaps["issues_compared"], strict=True):
            ax.annotate(
                f"{yi:.2f}",
                (xi, yi),
                xytext=(0, 7),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=8.5,
                fontweight="bold",
            )
            ax.annotate(
                f"open zones\n{o} of {n}",
                (xi, 0),
                xytext=(0, -4),
                textcoords="offset points",
                ha="center",
                va="top",
                fontsize=7.5,
                color=style.TEXT_MUTED,
            )
        ax.set_ylim(-0.26 * top, top * 1.22)
        ax.set_yticks([t for t in ax.get_yticks() if 0 <= t <= top * 1.22])
        ax.set_ylim(-0.26 * top, top * 1.22)
        ax.set_xlim(-0.5, len(snaps) - 0.5)
        ax.axhline(0, color="#BFBFBF", lw=0.8, zorder=0)
        ax.set_ylabel("Total conflict\n(Σ over issues and pairs)")
        ax.yaxis.grid(True, color="#EEEEEE", zorder=0)
        ax.spines[["top", "right"]].set_visible(False)
        _snapshot_axis(ax, data, ticks, _NOT_TO_SCALE)
        add_title(ax, title)
        fit_column(ax)
        return ax


def plot_zone_timeline(data: TimelineData, *, ax: Axes | None = None, ticks: bool = True) -> Axes:
    """Issue × snapshot grid: is there an agreement zone?

    ``✓`` on pale yellow: open (two or more positions and a non-empty
    zone); ``✕`` on grey: empty; blank: fewer than two positions.

    Parameters
    ----------
    data : TimelineData
        From :func:`timeline_data`; its ``zones`` and ``issues`` are drawn.
    ax : Axes, optional
    ticks : bool
        Label the x axis with the snapshots (off in the stacked timeline).

    Returns
    -------
    Axes
    """
    with style.zopa_style():
        ax = new_axes(ax, (size_timeline(data)[0], 2.0 + 0.3 * len(data.issues)))
        title = "Agreement zone per issue"
        n_s, n_i = len(data.snapshots), len(data.issues)
        if not n_s or not n_i:
            return no_data(ax, title, "No snapshots or issues.")
        cells = Boxes()
        for z in data.zones.to_dict("records"):
            state = str(z["state"])
            x, y = int(z["position"]), int(z["row"])
            cells.add(
                (x - 0.46, y - 0.42),
                0.92,
                0.84,
                facecolor=_ZONE_FACE[state],
                edgecolor="#D0D0D0" if state == "not compared" else "white",
                hatch="..." if state == "not compared" else None,
                hatchcolor="#D6D6D6",
                lw=0.8,
            )
            glyph, col = _ZONE_GLYPH[state]
            if glyph:
                ax.text(
                    x,
                    y,
                    glyph,
                    ha="center",
                    va="center",
                    color=col,
                    fontsize=9,
                    fontweight="bold",
                    in_layout=False,  # inside its cell: no need to measure it for the layout
                )
        cells.draw(ax)
        ax.set_xlim(-0.5, n_s - 0.5)
        ax.set_ylim(n_i - 0.5, -0.5)
        ax.set_yticks(data.issues["row"].tolist())
        names = [wrap(n, 56, 1) for n in data.issues["issue_name"]]
        ax.set_yticklabels(names, fontsize=8)
        ax.set_ylabel("Issue")
        ax.tick_params(length=0)
        hide_spines(ax)
        label_in = _label_inches(names, 8)
        _snapshot_axis(ax, data, ticks, "Snapshot (date order, evenly spaced)", label_in)
        handles = [
            Patch(facecolor=style.ZONE, edgecolor="#BFBFBF", label="✓ zone open"),
            Patch(facecolor="#7F7F7F", edgecolor="#7F7F7F", label="✕ no zone (empty)"),
            Patch(
                facecolor="white",
                edgecolor="#D0D0D0",
                hatch="...",
                hatchcolor="#D6D6D6",
                label="fewer than two positions",
            ),
        ]
        add_title(ax, title, pad=legend_under_title(ax, handles))
        fit_column(ax)
        return ax


def plot_change_timeline(
    data: TimelineData, *, ax: Axes | None = None, ticks: bool = True
) -> Axes:
    """Party × snapshot grid: how many positions each party changed, and how.

    In each cell: ``▲n`` softened (blue), ``▼n`` hardened (vermillion),
    ``◆n`` moved (its set shifted, neither wider nor narrower) and ``+n``
    new positions, counted between the previous snapshot and this one.

    Parameters
    ----------
    data : TimelineData
    ax : Axes, optional
    ticks : bool
        Label the x axis with the snapshots.

    Returns
    -------
    Axes
    """
    with style.zopa_style():
        ax = new_axes(ax, (size_timeline(data)[0], 2.2 + 0.42 * len(data.parties)))
        title = "Position changes by party"
        n_s, n_p = len(data.snapshots), len(data.parties)
        if not n_s or not n_p:
            return no_data(ax, title, "No snapshots or parties.")
        shade_alternate_rows(ax, n_p, n_s)
        for c in data.counts.to_dict("records"):
            x, y = int(c["position"]), int(c["row"])
            for kind, glyph, col, (dx, dy) in _CHANGE_GLYPHS:
                n = int(c[kind])
                if n:
                    ax.text(
                        x + dx,
                        y + dy,
                        f"{glyph}{n}",
                        ha="center",
                        va="center",
                        color=col,
                        fontsize=8.5,
                        fontweight="bold",
                        in_layout=False,
                    )
        ax.set_xlim(-0.5, n_s - 0.5)
        ax.set_ylim(n_p - 0.5, -0.5)
        ax.set_yticks(data.parties["row"].tolist())
        names = [wrap(n, 20, 1) for n in data.parties["party_name"]]
        ax.set_yticklabels(names, fontsize=8.5)
        frame_tick_labels(ax.get_yticklabels(), data.parties["color_index"])
        ax.set_ylabel("Party")
        ax.tick_params(length=0)
        hide_spines(ax)
        vertical_rules(ax, [xv - 0.5 for xv in range(1, n_s)], color="#E6E6E6", lw=0.8, zorder=0)
        _snapshot_axis(ax, data, ticks, _NOT_TO_SCALE, _label_inches(names, 8.5) + 0.1)
        handles = [
            marker_handle("softened (accepts more)", "^", color=style.OKABE_ITO["blue"]),
            marker_handle("hardened (accepts less)", "v", color=style.OKABE_ITO["vermillion"]),
            marker_handle("moved", "D", color="#333333", markersize=5),
            marker_handle("new position", "P", color="#6E6E6E"),
        ]
        add_title(ax, title, pad=legend_under_title(ax, handles))
        fit_column(ax)
        return ax


def size_timeline(data: TimelineData) -> tuple[float, float]:
    """Width and height (inches) of the three-panel timeline: 0.95 inch per snapshot.

    Examples
    --------
    >>> import engine
    >>> from reports.figures.timeline import timeline_data
    >>> size_timeline(timeline_data(engine.load_case("tests/cases/tiny")))
    (7.6, 8.9)
    """
    n_s = max(len(data.snapshots), 4)
    width = 4.2 + 0.85 * n_s
    height = 3.4 + 1.2 + 0.3 * len(data.issues) + 0.8 + 0.42 * len(data.parties) + 1.3
    return (round(max(width, 7.0), 1), round(height, 1))


def plot_timeline(data: TimelineData, *, ax: Axes | None = None) -> Axes:
    """The three timeline panels stacked, sharing the snapshot axis.

    Total conflict (:func:`plot_conflict_timeline`), agreement zones per
    issue (:func:`plot_zone_timeline`) and position changes per party
    (:func:`plot_change_timeline`). The given ``ax`` is the *slot*: its
    place in its figure's grid is split into the three panels, and ``ax``
    becomes the top one; an ``ax`` not placed by a grid gets the conflict
    panel alone.

    Returns
    -------
    Axes
        The main (conflict) panel.
    """
    with style.zopa_style():
        ax = new_axes(ax, size_timeline(data))
        spec = ax.get_subplotspec()
        if spec is None or not len(data.snapshots):
            return plot_conflict_timeline(data, ax=ax)
        fig = ax.figure
        ratios = [3.2, 1.0 + 0.3 * len(data.issues), 0.8 + 0.42 * max(len(data.parties), 1)]
        gs = spec.subgridspec(3, 1, height_ratios=ratios)
        main = ax
        main.set_subplotspec(gs[0])
        zones = fig.add_subplot(gs[1])
        changes = fig.add_subplot(gs[2])
        plot_conflict_timeline(data, ax=main, ticks=False)
        plot_zone_timeline(data, ax=zones, ticks=False)
        plot_change_timeline(data, ax=changes, ticks=True)
        for a in (zones, changes):
            a.set_xlim(main.get_xlim())
        fit_column([main, zones, changes])
        return main


def alt_timeline(data: TimelineData) -> str:
    """Alternative text: the trend of total conflict and open zones, and the busiest changes.

    Examples
    --------
    >>> import engine
    >>> from reports.figures.timeline import timeline_data
    >>> print(alt_timeline(timeline_data(engine.load_case("tests/cases/tiny"))))
    Timeline over 2 snapshots from 2023-06-01 (Early) to 2024-01-01 (Late): total conflict went from 0.79 to 0.57, peaking at 0.79 (Early); issues with an open agreement zone: 0 then 0. 1 position changes: 1 softened, 0 hardened.
    """
    s = data.snapshots
    if not len(s):
        return "Timeline: the case has no snapshots."
    first, last = s.iloc[0], s.iloc[-1]
    peak = s.iloc[int(np.argmax(s["total_conflict"].to_numpy()))]
    ch = data.changes
    soft = int((ch["kind"] == "softened").sum()) if len(ch) else 0
    hard = int((ch["kind"] == "hardened").sum()) if len(ch) else 0
    return (
        f"Timeline over {len(s)} snapshots from {first['date']} ({first['label']}) to "
        f"{last['date']} ({last['label']}): total conflict went from {first['total_conflict']:.2f} "
        f"to {last['total_conflict']:.2f}, peaking at {peak['total_conflict']:.2f} ({peak['label']}); "
        f"issues with an open agreement zone: {int(first['open_zones'])} then {int(last['open_zones'])}. "
        f"{len(ch)} position changes: {soft} softened, {hard} hardened."
    )
