"""The agreement-zone chart of one issue: the parties' acceptable spans and the zone."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

import engine
from engine import Case, Span
from reports.figures import style
from reports.figures.frames import requires_text, runs
from reports.figures.labels import Parties, n_lines, party_label, wrap
from reports.figures.layout import (
    add_title,
    legend_below,
    new_axes,
    no_data,
    party_color,
    red_line_handles,
)

__all__ = [
    "ZoneChartData",
    "alt_zone_chart",
    "plot_zone_chart",
    "size_zone_chart",
    "zone_chart_data",
    "zone_finding",
]


@dataclass(frozen=True, eq=False)
class ZoneChartData:
    """What :func:`plot_zone_chart` draws (see :func:`zone_chart_data`)."""

    issue: str
    issue_name: str
    scale: str
    unit: str
    min: float
    max: float
    ordered: bool
    note: str
    at: str
    options: pd.DataFrame
    parties: pd.DataFrame
    spans: pd.DataFrame
    zone_empty: bool
    zone: str
    zone_spans: tuple[tuple[float, float], ...]
    n_parties: int
    blockers: tuple[tuple[str, ...], ...]
    blocker_names: tuple[tuple[str, ...], ...]
    status_quo: float
    status_quo_label: str
    missing: tuple[str, ...] = ()


def zone_chart_data(
    case: Case,
    issue_id: str,
    *,
    at: Any = None,
    parties: Parties = None,
    show_missing: bool = True,
) -> ZoneChartData:
    """The parties' acceptable spans on one issue, and the agreement zone.

    Parameters
    ----------
    case : Case
    issue_id : str
    at : date or str, optional
        Evaluation date (default: the case's ``as_of``).
    parties : iterable of str, optional
        Party ids to show (default: all).
    show_missing : bool
        Give a column to parties without a position on the issue (default);
        when False they are left out of ``parties`` and named in ``missing``.
        Either way a party keeps its colour (``color_index`` is its place
        among the selected parties), so colours match across figures.

    Returns
    -------
    ZoneChartData
        Scalars: ``issue``, ``issue_name``, ``scale``, ``unit``, ``min``,
        ``max`` (NaN off interval scales), ``ordered`` (False on nominal
        scales, whose option order is arbitrary; ``note`` then says so),
        ``at``; the zone: ``zone_empty``, ``zone`` (readable, ``"(empty)"``),
        ``zone_spans`` (contiguous runs of the zone on the axis: option
        indices ``(first, last)`` or ``(lo, hi)`` numbers; ``()`` when
        empty), ``n_parties`` (selected parties with a position),
        ``blockers`` (the smallest sets of parties whose removal opens an
        empty zone, from :func:`engine.agreement_zones`; ``()`` when the zone
        is not empty) and ``blocker_names``; ``status_quo`` (its axis
        coordinate: option index or number; NaN when none) and
        ``status_quo_label``.

        ``options`` — ordinal/nominal only, one row per option in the
        issue's order: ``option``, ``index`` (the axis coordinate),
        ``label``, ``n_accept`` (parties with a position accepting it),
        ``rejected_by`` (tuple of the ids of those who do not),
        ``in_zone``.

        ``parties`` — one row per selected party: ``party``, ``party_name``,
        ``party_full``, ``column``, ``color_index``, ``has_position``,
        ``ideal`` (option id or number), ``ideal_x`` (axis coordinate: option
        index or number; NaN without a position), ``ideal_label``,
        ``acceptable`` (readable), ``red_line``, ``salience``, ``requires``.

        ``spans`` — one row per contiguous acceptable span: ``party``,
        ``column``, ``lo``, ``hi`` (inclusive option indices, or the
        interval's numbers). A party without a position has no span.

    Raises
    ------
    UnknownIdError
        For an unknown issue or party.

    Notes
    -----
    Zone ``Z = ∩_p A_p`` over the selected parties with a position (the
    whole scale when none has one); blockers as in
    :func:`engine.agreement_zones`. O(n · k).

    Examples
    --------
    >>> d = zone_chart_data(engine.load_case("tests/cases/tiny"), "num")
    >>> d.spans[["party", "lo", "hi"]].values.tolist()
    [['a', 10.0, 40.0], ['b', 30.0, 90.0], ['c', 50.0, 50.0]]
    >>> d.zone_empty, d.blockers
    (True, (('a',), ('c',)))
    """
    issue = case.issue(issue_id)
    chosen = case.resolve_parties(parties)
    state = case.at(at)
    date = case.as_of if at is None else engine.as_date(at, "at")
    z = engine.agreement_zones(case, at=date, parties=chosen).loc[issue.id]
    names = {p: party_label(case.party(p)) for p in chosen}
    prow: list[dict[str, Any]] = []
    spans: list[dict[str, Any]] = []
    holders: list[str] = []
    missing: list[str] = []
    column = -1
    for color, p in enumerate(chosen):
        pos = state.get((p, issue.id))
        if pos is None and not show_missing:
            missing.append(names[p])
            continue
        column += 1
        c = column
        row: dict[str, Any] = {
            "party": p,
            "party_name": names[p],
            "party_full": case.party(p).name,
            "column": c,
            "color_index": color,
            "has_position": pos is not None,
            "ideal": None,
            "ideal_x": np.nan,
            "ideal_label": "no position",
            "acceptable": "no position",
            "red_line": False,
            "salience": np.nan,
            "requires": "",
        }
        if pos is not None:
            holders.append(p)
            acc = pos.acceptable
            if issue.is_interval:
                assert isinstance(acc, Span)
                ideal: Any = float(pos.ideal)
                x = float(pos.ideal)
                spans.append({"party": p, "column": c, "lo": float(acc.lo), "hi": float(acc.hi)})
            else:
                ideal = str(pos.ideal)
                x = float(issue.index(ideal))
                idx = [issue.index(o) for o in issue.ordered(acc)]  # type: ignore[arg-type]
                for lo, hi in runs(idx):
                    spans.append({"party": p, "column": c, "lo": float(lo), "hi": float(hi)})
            row.update(
                ideal=ideal,
                ideal_x=x,
                ideal_label=issue.label(pos.ideal),
                acceptable=issue.describe(acc),
                red_line=bool(pos.red_line),
                salience=float(pos.salience),
                requires=requires_text(case, pos),
            )
        prow.append(row)
    empty = bool(z["empty"])
    zone_ids = tuple(z["zone_ids"])
    opt_rows: list[dict[str, Any]] = []
    if issue.is_interval:
        zone_spans: tuple[tuple[float, float], ...] = (
            () if empty else ((float(zone_ids[0]), float(zone_ids[1])),)
        )
    else:
        zone_idx = [issue.index(o) for o in zone_ids]
        zone_spans = tuple((float(a), float(b)) for a, b in runs(zone_idx))
        for j, o in enumerate(issue.options):
            rejected = tuple(
                p
                for p in holders
                if o.id not in state[(p, issue.id)].acceptable  # type: ignore[operator]
            )
            opt_rows.append(
                {
                    "option": o.id,
                    "index": j,
                    "label": o.label,
                    "n_accept": len(holders) - len(rejected),
                    "rejected_by": rejected,
                    "in_zone": (not empty) and o.id in zone_ids,
                }
            )
    sq = issue.status_quo
    if sq is None:
        sq_x, sq_label = np.nan, ""
    elif issue.is_interval:
        sq_x, sq_label = float(sq), issue.label(float(sq))
    else:
        sq_x, sq_label = float(issue.index(str(sq))), issue.label(str(sq))
    blockers = tuple(tuple(b) for b in z["blockers"])
    party_cols = [
        "party",
        "party_name",
        "party_full",
        "column",
        "color_index",
        "has_position",
        "ideal",
        "ideal_x",
        "ideal_label",
        "acceptable",
        "red_line",
        "salience",
        "requires",
    ]
    return ZoneChartData(
        issue=issue.id,
        issue_name=issue.name,
        scale=issue.scale,
        unit=issue.unit,
        min=float(issue.min) if issue.min is not None else np.nan,
        max=float(issue.max) if issue.max is not None else np.nan,
        ordered=issue.scale != "nominal",
        note="Options of this issue have no order; their sequence here is arbitrary."
        if issue.scale == "nominal"
        else "",
        at=date.isoformat(),
        options=pd.DataFrame(
            opt_rows, columns=["option", "index", "label", "n_accept", "rejected_by", "in_zone"]
        ),
        parties=pd.DataFrame(prow, columns=party_cols).astype(
            {"has_position": bool, "red_line": bool, "salience": float, "ideal_x": float}
        ),
        spans=pd.DataFrame(spans, columns=["party", "column", "lo", "hi"]).astype(
            {"lo": float, "hi": float}
        ),
        zone_empty=empty and bool(holders),
        zone=str(z["zone"]),
        zone_spans=zone_spans,
        n_parties=int(z["n_parties"]),
        blockers=blockers,
        blocker_names=tuple(tuple(names[p] for p in b) for b in blockers),
        status_quo=sq_x,
        status_quo_label=sq_label,
        missing=tuple(missing),
    )


def zone_finding(data: ZoneChartData) -> str:
    """The chart's finding in one sentence (used as subtitle and alt text).

    Examples
    --------
    >>> import engine
    >>> from reports.figures.zones import zone_chart_data
    >>> zone_finding(zone_chart_data(engine.load_case("tests/cases/tiny"), "ord"))
    'No agreement zone; blocked by Party A alone, or by Party B alone.'
    """
    if data.n_parties == 0:
        return "No party has a position on this issue."
    if data.n_parties == 1:
        holder = data.parties.loc[data.parties["has_position"], "party_name"].iloc[0]
        return f"Only {holder} has a position (accepts {data.zone})."
    if not data.zone_empty:
        return f"Agreement zone: {data.zone} (accepted by all {data.n_parties} parties with a position)."
    groups = data.blocker_names
    if groups and len(groups[0]) == 1:
        return (
            "No agreement zone; blocked by "
            + ", or by ".join(f"{g[0]} alone" for g in groups)
            + "."
        )
    shown = "; or ".join(" + ".join(g) for g in groups[:4])
    more = f" (and {len(groups) - 4} more groups)" if len(groups) > 4 else ""
    return f"No agreement zone; it opens only without {shown}{more}."


def _zone_option_width(data: ZoneChartData) -> int:
    """Characters per line of the option labels (up to ~60-character labels in two lines)."""
    return 36


def size_zone_chart(data: ZoneChartData) -> tuple[float, float]:
    """Width and height (inches): 1.05 inch per party; rows sized to the wrapped option labels.

    Examples
    --------
    >>> import engine
    >>> from reports.figures.zones import zone_chart_data
    >>> size_zone_chart(zone_chart_data(engine.load_case("tests/cases/tiny"), "num"))
    (7.2, 6.9)
    """
    n_p = max(len(data.parties), 2)
    width = 3.4 + 0.95 * n_p + 0.9
    if data.scale == "interval":
        body = 3.6
    else:
        lines = [n_lines(wrap(o, _zone_option_width(data), 3)) for o in data.options["label"]]
        body = sum(max(0.42, 0.19 * n + 0.12) for n in lines)
    head = 1.2 + 0.2 * n_lines(wrap(zone_finding(data), int(width * 11)))
    return (round(max(width, 6.0), 1), round(max(head + body + 1.9, 3.5), 1))


def plot_zone_chart(data: ZoneChartData, *, ax: Axes | None = None) -> Axes:
    """The agreement-zone chart of one issue.

    The issue's scale runs down the y axis (options in their order, first
    at the top; numbers on interval issues, low at the bottom); each party
    is a column whose bar covers what it accepts, with its ideal (diamond,
    or ``X`` for a red line) marked. The agreement zone — what every party
    with a position accepts — is the pale band across all columns; the
    right margin counts how many parties accept each option, and the
    subtitle names the smallest groups blocking an empty zone.

    Parameters
    ----------
    data : ZoneChartData
        From :func:`zone_chart_data`.
    ax : Axes, optional
        Where to draw (default: a new figure of :func:`size_zone_chart`).

    Returns
    -------
    Axes
    """
    with style.zopa_style():
        ax = new_axes(ax, size_zone_chart(data))
        n_p = len(data.parties)
        title = f"Agreement zone — {data.issue_name}"
        finding = zone_finding(data)
        if data.note:
            finding += " " + data.note
        if n_p == 0:
            return no_data(ax, title, "No parties to show.")
        interval = data.scale == "interval"
        bar_w = 0.56
        for c in range(1, n_p):
            ax.axvline(c - 0.5, color="#E6E6E6", lw=0.8, zorder=0)
        # the zone band
        zone_edge = "#7A6A00"
        for lo, hi in data.zone_spans if (data.n_parties and not data.zone_empty) else ():
            if interval:
                if hi > lo:
                    ax.axhspan(
                        lo, hi, facecolor=style.ZONE, edgecolor=zone_edge, lw=1.0, zorder=0.5
                    )
                else:
                    ax.axhline(lo, color=zone_edge, lw=2.5, zorder=0.5)
            else:
                ax.axhspan(
                    lo - 0.5,
                    hi + 0.5,
                    facecolor=style.ZONE,
                    edgecolor=zone_edge,
                    lw=1.0,
                    zorder=0.5,
                )
        # status quo
        has_sq = not math.isnan(data.status_quo)
        if has_sq:
            ax.axhline(data.status_quo, color="#4D4D4D", lw=1.0, ls=(0, (5, 3)), zorder=0.8)
        # spans
        pcols = data.parties.set_index("party")
        for _, s in data.spans.iterrows():
            p = pcols.loc[s["party"]]
            c, red = int(s["column"]), bool(p["red_line"])
            kw = {
                "facecolor": party_color(p["color_index"]),
                "hatch": style.RED_LINE_HATCH if red else None,
                "hatchcolor": style.RED_LINE,
                "edgecolor": style.RED_LINE if red else "white",
                "lw": 1.8 if red else 0.8,
                "zorder": 2,
            }
            lo, hi = float(s["lo"]), float(s["hi"])
            if interval:
                height = hi - lo
                if height <= 0:
                    ax.plot(
                        [c - bar_w / 2, c + bar_w / 2],
                        [lo, lo],
                        color=party_color(p["color_index"]),
                        lw=5,
                        solid_capstyle="butt",
                        zorder=2,
                    )
                    if red:
                        ax.plot(
                            [c - bar_w / 2, c + bar_w / 2],
                            [lo, lo],
                            color=style.RED_LINE,
                            lw=1.2,
                            zorder=2.1,
                        )
                else:
                    ax.add_patch(Rectangle((c - bar_w / 2, lo), bar_w, height, **kw))
            elif data.ordered:
                ax.add_patch(Rectangle((c - bar_w / 2, lo - 0.38), bar_w, hi - lo + 0.76, **kw))
            else:  # nominal: one chip per option, no run implied
                for j in range(int(lo), int(hi) + 1):
                    ax.add_patch(Rectangle((c - bar_w / 2, j - 0.36), bar_w, 0.72, **kw))
        # ideals and empty columns
        for _, p in data.parties.iterrows():
            c = int(p["column"])
            if not p["has_position"]:
                ax.add_patch(
                    Rectangle(
                        (c - bar_w / 2, 0),
                        bar_w,
                        1,
                        transform=ax.get_xaxis_transform(),
                        facecolor=style.NO_POSITION,
                        edgecolor="#9A9A9A",
                        linestyle=(0, (3, 2)),
                        lw=0.8,
                        alpha=0.6,
                        zorder=1,
                    )
                )
                ax.text(
                    c,
                    0.5,
                    "no position",
                    transform=ax.get_xaxis_transform(),
                    rotation=90,
                    ha="center",
                    va="center",
                    color=style.TEXT_MUTED,
                    fontsize=9,
                    zorder=2,
                )
                continue
            red = bool(p["red_line"])
            ax.plot(
                [c],
                [p["ideal_x"]],
                ls="",
                marker=style.RED_LINE_MARKER if red else style.IDEAL_MARKER,
                markersize=11 if red else 8.5,
                color=style.RED_LINE if red else "black",
                markeredgecolor="white",
                markeredgewidth=1.2,
                zorder=4,
            )
        # axes
        ax.set_xlim(-0.5, n_p - 0.5)
        ax.set_xticks(range(n_p))
        labels = []
        for _, p in data.parties.iterrows():
            lab = wrap(p["party_name"], 13, max_lines=3)
            if p["has_position"]:
                lab += f"\nsalience {p['salience']:.2f}"
                if p["red_line"]:
                    lab += "\n✕ red line"
            labels.append(lab)
        ax.set_xticklabels(labels, fontsize=9)
        ax.set_xlabel("Party", fontweight="bold")
        if interval:
            pad = 0.03 * (data.max - data.min)
            ax.set_ylim(data.min - pad, data.max + pad)
            ax.set_ylabel(f"{data.issue_name} ({data.unit})" if data.unit else data.issue_name)
            ax.yaxis.grid(True, color="#EEEEEE", zorder=0)
        else:
            k = len(data.options)
            ax.set_ylim(k - 0.5, -0.5)
            ax.set_yticks(range(k))
            ax.set_yticklabels(
                [wrap(o, _zone_option_width(data), 3) for o in data.options["label"]], fontsize=9
            )
            ax.set_ylabel(
                "Option (no order)" if not data.ordered else "Option, from one pole to the other"
            )
            # right margin: how many accept each option
            n = data.n_parties
            trans = ax.get_yaxis_transform()
            ax.annotate(
                f"Parties accepting it (of {n})",
                xy=(1, 0.5),
                xycoords="axes fraction",
                xytext=(44, 0),
                textcoords="offset points",
                rotation=270,
                ha="left",
                va="center",
                rotation_mode="anchor",
                fontsize=9,
                color=style.TEXT,
            )
            for _, o in data.options.iterrows():
                full = bool(o["in_zone"])
                ax.text(
                    1.015,
                    o["index"],
                    f"{o['n_accept']} of {n}",
                    transform=trans,
                    ha="left",
                    va="center",
                    fontsize=9,
                    fontweight="bold" if full else "normal",
                    color=style.TEXT,
                    clip_on=False,
                )
            for j in range(1, k):
                ax.axhline(j - 0.5, color="#EEEEEE", lw=0.8, zorder=0.2)
        ax.tick_params(axis="x", length=0)
        add_title(ax, title, finding)
        handles: list[Any] = [
            Patch(facecolor="#9A9A9A", edgecolor="white", label="acceptable to the party"),
            Line2D(
                [],
                [],
                ls="",
                marker=style.IDEAL_MARKER,
                color="black",
                markeredgecolor="white",
                markersize=8,
                label="its ideal",
            ),
            *red_line_handles(),
            Patch(facecolor=style.ZONE, edgecolor=zone_edge, label="agreement zone (all accept)"),
        ]
        if has_sq:
            handles.append(
                Line2D(
                    [],
                    [],
                    color="#4D4D4D",
                    lw=1.0,
                    ls=(0, (5, 3)),
                    label=f"status quo: {wrap(data.status_quo_label, 40, 1)}",
                )
            )
        if (~data.parties["has_position"]).any():
            handles.append(
                Patch(
                    facecolor=style.NO_POSITION,
                    edgecolor="#9A9A9A",
                    linestyle=(0, (3, 2)),
                    label="no position",
                )
            )
        legend_below(ax, handles, ncol=3)
        return ax


def alt_zone_chart(data: ZoneChartData) -> str:
    """Alternative text, e.g. "Agreement-zone chart for NATO membership: no zone; blocked by Russia alone."

    Examples
    --------
    >>> import engine
    >>> from reports.figures.zones import zone_chart_data
    >>> print(alt_zone_chart(zone_chart_data(engine.load_case("tests/cases/tiny"), "num")))
    Agreement-zone chart for Interval issue (3 parties with a position): no agreement zone; blocked by Party A alone, or by Party C alone.
    """
    finding = zone_finding(data)
    return (
        f"Agreement-zone chart for {data.issue_name} ({data.n_parties} "
        f"part{'y' if data.n_parties == 1 else 'ies'} with a position): "
        f"{finding[0].lower()}{finding[1:]}"
    )
