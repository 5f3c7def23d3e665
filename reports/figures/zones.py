"""The agreement-zone chart of one issue: the parties' acceptable spans and the zone."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch, Rectangle

import engine
from engine import Case, Issue, Span
from reports.figures import style
from reports.figures.frames import requires_text, runs
from reports.figures.labels import Parties, n_lines, party_label, wrap
from reports.figures.layout import (
    acceptable_handle,
    add_title,
    draw_no_position,
    ideal_handle,
    legend_below,
    line_handle,
    new_axes,
    no_data,
    no_position_handle,
    party_color,
    plot_ideal,
    red_line_handles,
)
from reports.figures.zone_text import (
    ZONE_LEGEND,
    alt_zone_chart,
    zone_finding,
    zone_heading,
    zone_legend,
)

__all__ = [
    "STATUS_QUO",
    "ZONE_EDGE",
    "ZoneChartData",
    "alt_zone_chart",
    "plot_zone_chart",
    "size_zone_chart",
    "zone_chart_data",
    "zone_finding",
]

#: The zone band's outline, and the status quo's dashed line.
ZONE_EDGE = "#7A6A00"
STATUS_QUO = "#4D4D4D"


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


_PARTY_COLUMNS = [
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


def zone_chart_data(
    case: Case,
    issue_id: str,
    *,
    at: Any = None,
    parties: Parties = None,
    show_missing: bool = True,
    zones: pd.DataFrame | None = None,
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
    zones : DataFrame, optional
        :func:`engine.agreement_zones` of the same case, date and parties,
        when the caller has it already (a chart per issue need not compute
        every issue's zone again).

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
    if zones is None:
        zones = engine.agreement_zones(case, at=date, parties=chosen)
    z = zones.loc[issue.id]
    names = {p: party_label(case.party(p)) for p in chosen}
    prow: list[dict[str, Any]] = []
    spans: list[dict[str, Any]] = []
    missing: list[str] = []
    for color, p in enumerate(chosen):
        pos = state.get((p, issue.id))
        if pos is None and not show_missing:
            missing.append(names[p])
            continue
        c = len(prow)
        prow.append(_party_row(case, issue, p, names[p], c, color, pos))
        if pos is not None:
            spans += [
                {"party": p, "column": c, "lo": lo, "hi": hi} for lo, hi in _spans(issue, pos)
            ]
    holders = [r["party"] for r in prow if r["has_position"]]
    empty = bool(z["empty"])
    zone_ids = tuple(z["zone_ids"])
    if issue.is_interval:
        zone_spans: tuple[tuple[float, float], ...] = (
            () if empty else ((float(zone_ids[0]), float(zone_ids[1])),)
        )
    else:
        zone_spans = tuple((float(a), float(b)) for a, b in runs(issue.index(o) for o in zone_ids))
    sq_x, sq_label = _status_quo(issue)
    blockers = tuple(tuple(b) for b in z["blockers"])
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
        options=_option_table(issue, state, holders, zone_ids, empty),
        parties=pd.DataFrame(prow, columns=_PARTY_COLUMNS).astype(
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


def _party_row(
    case: Case, issue: Issue, p: str, name: str, c: int, color: int, pos: Any
) -> dict[str, Any]:
    """A party's column: its ideal on the axis, what it accepts, red line and salience."""
    row: dict[str, Any] = {
        "party": p,
        "party_name": name,
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
        ideal = float(pos.ideal) if issue.is_interval else str(pos.ideal)
        row.update(
            ideal=ideal,
            ideal_x=float(pos.ideal) if issue.is_interval else float(issue.index(str(ideal))),
            ideal_label=issue.label(pos.ideal),
            acceptable=issue.describe(pos.acceptable),
            red_line=bool(pos.red_line),
            salience=float(pos.salience),
            requires=requires_text(case, pos),
        )
    return row


def _spans(issue: Issue, pos: Any) -> list[tuple[float, float]]:
    """A position's contiguous acceptable spans: the interval, or runs of option indices."""
    acc = pos.acceptable
    if issue.is_interval:
        assert isinstance(acc, Span)
        return [(float(acc.lo), float(acc.hi))]
    idx = [issue.index(o) for o in issue.ordered(acc)]
    return [(float(lo), float(hi)) for lo, hi in runs(idx)]


def _option_table(
    issue: Issue, state: Any, holders: list[str], zone_ids: tuple[Any, ...], empty: bool
) -> pd.DataFrame:
    """One row per option (none on interval issues): who accepts it, is it in the zone."""
    rows = []
    for j, o in enumerate(issue.options if not issue.is_interval else ()):
        rejected = tuple(p for p in holders if o.id not in state[(p, issue.id)].acceptable)
        rows.append(
            {
                "option": o.id,
                "index": j,
                "label": o.label,
                "n_accept": len(holders) - len(rejected),
                "rejected_by": rejected,
                "in_zone": (not empty) and o.id in zone_ids,
            }
        )
    return pd.DataFrame(
        rows, columns=["option", "index", "label", "n_accept", "rejected_by", "in_zone"]
    )


def _status_quo(issue: Issue) -> tuple[float, str]:
    """The status quo's axis coordinate (option index or number; NaN without one) and label."""
    sq = issue.status_quo
    if sq is None:
        return np.nan, ""
    if issue.is_interval:
        return float(sq), issue.label(float(sq))
    return float(issue.index(str(sq))), issue.label(str(sq))


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
        title, finding = zone_heading(data)
        if len(data.parties) == 0:
            return no_data(ax, title, "No parties to show.")
        for c in range(1, len(data.parties)):
            ax.axvline(c - 0.5, color="#E6E6E6", lw=0.8, zorder=0)
        _draw_zone_band(ax, data)
        has_sq = not math.isnan(data.status_quo)
        if has_sq:
            ax.axhline(data.status_quo, color=STATUS_QUO, lw=1.0, ls=(0, (5, 3)), zorder=0.8)
        _draw_spans(ax, data)
        _draw_ideals(ax, data)
        _label_party_axis(ax, data)
        if data.scale == "interval":
            _label_interval_axis(ax, data)
        else:
            _label_option_axis(ax, data)
        ax.tick_params(axis="x", length=0)
        add_title(ax, title, finding)
        _zone_legend(ax, data)
        return ax


_BAR_W = 0.56


def _draw_zone_band(ax: Axes, data: ZoneChartData) -> None:
    """The agreement zone: a pale band across all columns (a line for a single number)."""
    for lo, hi in data.zone_spans if (data.n_parties and not data.zone_empty) else ():
        if data.scale != "interval":
            lo, hi = lo - 0.5, hi + 0.5
        elif hi <= lo:
            ax.axhline(lo, color=ZONE_EDGE, lw=2.5, zorder=0.5)
            continue
        ax.axhspan(lo, hi, facecolor=style.ZONE, edgecolor=ZONE_EDGE, lw=1.0, zorder=0.5)


def _draw_spans(ax: Axes, data: ZoneChartData) -> None:
    """Each party's acceptable spans as bars in its column (hatched for a red line)."""
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
        lo, hi, x = float(s["lo"]), float(s["hi"]), c - _BAR_W / 2
        if data.scale == "interval" and hi <= lo:
            _draw_point_span(ax, c, lo, party_color(p["color_index"]), red)
        elif data.scale == "interval":
            ax.add_patch(Rectangle((x, lo), _BAR_W, hi - lo, **kw))
        elif data.ordered:
            ax.add_patch(Rectangle((x, lo - 0.38), _BAR_W, hi - lo + 0.76, **kw))
        else:  # nominal: one chip per option, no run implied
            for j in range(int(lo), int(hi) + 1):
                ax.add_patch(Rectangle((x, j - 0.36), _BAR_W, 0.72, **kw))


def _draw_point_span(ax: Axes, c: int, y: float, color: str, red: bool) -> None:
    """A span of a single number: a thick line across the column."""
    xs = [c - _BAR_W / 2, c + _BAR_W / 2]
    ax.plot(xs, [y, y], color=color, lw=5, solid_capstyle="butt", zorder=2)
    if red:
        ax.plot(xs, [y, y], color=style.RED_LINE, lw=1.2, zorder=2.1)


def _draw_ideals(ax: Axes, data: ZoneChartData) -> None:
    """Each party's ideal; a grey column reading "no position" for a party without one."""
    for _, p in data.parties.iterrows():
        c = int(p["column"])
        if p["has_position"]:
            plot_ideal(
                ax, c, p["ideal_x"], red=bool(p["red_line"]), size=8.5, red_size=11, edge=1.2
            )
            continue
        draw_no_position(
            ax,
            (c - _BAR_W / 2, 0),
            _BAR_W,
            1,
            fontsize=9,
            transform=ax.get_xaxis_transform(),
            alpha=0.6,
            rotation=90,
        )


def _label_party_axis(ax: Axes, data: ZoneChartData) -> None:
    """Party names with their salience and red line under each column."""
    n_p = len(data.parties)
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


def _label_interval_axis(ax: Axes, data: ZoneChartData) -> None:
    pad = 0.03 * (data.max - data.min)
    ax.set_ylim(data.min - pad, data.max + pad)
    ax.set_ylabel(f"{data.issue_name} ({data.unit})" if data.unit else data.issue_name)
    ax.yaxis.grid(True, color="#EEEEEE", zorder=0)


def _label_option_axis(ax: Axes, data: ZoneChartData) -> None:
    """The options down the side; the right margin counts the parties accepting each."""
    k = len(data.options)
    ax.set_ylim(k - 0.5, -0.5)
    ax.set_yticks(range(k))
    ax.set_yticklabels(
        [wrap(o, _zone_option_width(data), 3) for o in data.options["label"]], fontsize=9
    )
    ax.set_ylabel(
        "Option (no order)" if not data.ordered else "Option, from one pole to the other"
    )
    n = data.n_parties
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
        ax.text(
            1.015,
            o["index"],
            f"{o['n_accept']} of {n}",
            transform=ax.get_yaxis_transform(),
            ha="left",
            va="center",
            fontsize=9,
            fontweight="bold" if bool(o["in_zone"]) else "normal",
            color=style.TEXT,
            clip_on=False,
        )
    for j in range(1, k):
        ax.axhline(j - 0.5, color="#EEEEEE", lw=0.8, zorder=0.2)


def _zone_legend(ax: Axes, data: ZoneChartData) -> None:
    keys = zone_legend(data)
    handles: list[Any] = [
        acceptable_handle(ZONE_LEGEND["acceptable"]),
        ideal_handle(ZONE_LEGEND["ideal"], 8),
        *red_line_handles(),
        Patch(facecolor=style.ZONE, edgecolor=ZONE_EDGE, label=ZONE_LEGEND["zone"]),
    ]
    if "status_quo" in keys:
        label = f"{ZONE_LEGEND['status_quo']}: {wrap(data.status_quo_label, 40, 1)}"
        handles.append(line_handle(label, color=STATUS_QUO, lw=1.0, ls=(0, (5, 3))))
    if "no_position" in keys:
        handles.append(no_position_handle())
    legend_below(ax, handles, ncol=3)
