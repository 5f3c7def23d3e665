"""The figures of the report, drawn from :mod:`reports.figures.data`.

Every ``plot_*`` function takes the data object of one :mod:`reports.figures.data`
function first, draws on ``ax`` (a new figure of a readable size when
``ax`` is None) and returns the Axes. Each figure has two companions:

- ``size_*(data) -> (width, height)`` in inches: a size at which every label
  is readable, growing with the number of issues, parties or options;
- ``alt_*(data) -> str``: a plain-words alternative text for the HTML
  report — what the figure shows and its main finding.

Conventions (see :mod:`reports.figures.style`): parties are coloured with the
Okabe–Ito palette and always labelled by name; red lines are dark red *and*
hatched/outlined with an ``X`` marker at the ideal; "no position" is a light
grey with a dashed outline; missing matrix values are grey and hatched,
with a legend; every axis is labelled; titles say what is shown.

Typical use::

    from reports import figdata, figures, style
    data = figdata.zone_chart_data(case, "nato")
    fig, ax = style.new_figure(*figures.size_zone_chart(data))
    figures.plot_zone_chart(data, ax=ax)
    svg = style.to_svg(fig, alt=figures.alt_zone_chart(data))
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Patch, PathPatch, Rectangle
from matplotlib.path import Path
from matplotlib.transforms import ScaledTranslation

from reports.figures.data import (
    DeltaData,
    GraphData,
    HeatmapData,
    PositionMapData,
    SettlementData,
    TimelineData,
    ZoneChartData,
)

from . import style

__all__ = [
    "alt_delta",
    "alt_graph",
    "alt_heatmap",
    "alt_position_map",
    "alt_settlement",
    "alt_settlement_outcomes",
    "alt_timeline",
    "alt_zone_chart",
    "plot_change_timeline",
    "plot_conflict_timeline",
    "plot_delta",
    "plot_delta_issues",
    "plot_graph",
    "plot_heatmap",
    "plot_position_map",
    "plot_settlement",
    "plot_settlement_outcomes",
    "plot_timeline",
    "plot_zone_chart",
    "plot_zone_timeline",
    "size_delta",
    "size_delta_issues",
    "size_graph",
    "size_heatmap",
    "size_position_map",
    "size_settlement",
    "size_settlement_outcomes",
    "size_timeline",
    "size_zone_chart",
    "wrap",
]

# ------------------------------------------------------------------ helpers


def wrap(text: Any, width: int, max_lines: int | None = None) -> str:
    r"""Wrap a label on word boundaries into balanced lines; cut with an ellipsis past ``max_lines``.

    Lines are balanced: the narrowest width giving the same number of lines
    is used, so a label never ends on a lone short word.

    Examples
    --------
    >>> wrap("Special status within Ukraine (Minsk II)", 36)
    'Special status within\nUkraine (Minsk II)'
    >>> wrap("Ukrainian withdrawal into a DMZ recognised as Russian", 20, max_lines=2)
    'Ukrainian withdrawal\ninto a DMZ…'

    A word is never cut; a slash is a place to break:

    >>> wrap("E3/coalition", 10)
    'E3/\ncoalition'
    """
    text = " ".join(str(text).split())
    lines = _wrap_words(text, width) or [""]
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        lines[-1] = (last if len(last) < width else last[: width - 1].rstrip()) + "…"
        return "\n".join(lines)
    n = len(lines)
    if n > 1:
        longest = max(len(word) for word in text.split())
        for w in range(max(1, math.ceil(len(text) / n), longest), width):
            trial = _wrap_words(text, w)
            if len(trial) == n:
                lines = trial
                break
    return "\n".join(lines)


_SLASH = "/\x00 "  # a break opportunity after "/", removed again after wrapping


def _wrap_words(text: str, width: int) -> list[str]:
    """textwrap on word boundaries, never cutting a word; a word too long for the line may
    break after a slash."""
    words = [w.replace("/", _SLASH) if len(w) > width else w for w in text.split(" ")]
    lines = textwrap.wrap(" ".join(words), width, break_on_hyphens=False, break_long_words=False)
    return [line.replace("\x00 ", "").replace("\x00", "") for line in lines]


def _n_lines(text: str) -> int:
    return text.count("\n") + 1


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is None:
        _, ax = style.new_figure(*size)
    return ax


def _color(index: int) -> str:
    return style.party_style(int(index)).color


def _chars(ax: Axes, frac: float = 0.62) -> int:
    """About how many 10-point characters fit on a line across ``frac`` of the figure."""
    return max(30, int(ax.figure.get_figwidth() * frac * 12.5))


def _title(
    ax: Axes, title: str, subtitle: str = "", width: int | None = None, pad: float = 8.0
) -> None:
    """A bold title with an optional plain subtitle below it (both wrapped, flush left).

    The subtitle is the Axes' (left) title, which matplotlib places clear of
    tick labels on top of the Axes; the bold title hangs above it.
    """
    width = width or _chars(ax)
    if not subtitle:
        ax.set_title(wrap(title, int(width * 0.85)), loc="left", pad=pad)
        return
    t = ax.set_title(wrap(subtitle, width), loc="left", pad=pad, fontweight="normal", fontsize=10)
    ax.annotate(
        wrap(title, int(width * 0.85)),
        xy=(0, 1),
        xycoords=t,
        xytext=(0, 4),
        textcoords="offset points",
        ha="left",
        va="bottom",
        fontsize=12,
        fontweight="bold",
    )


def _names(names: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _renderer(fig: Any) -> Any:
    canvas = fig.canvas
    if hasattr(canvas, "get_renderer"):
        return canvas.get_renderer()
    return fig._get_renderer()


def _legend_below(
    ax: Axes, handles: list[Any], ncol: int, title: str | None = None, **kw: Any
) -> None:
    """A legend centred under the Axes, below its x tick labels and x label.

    The offset is measured in points from the drawn tick labels, so it
    holds whatever size the layout engine later gives the Axes.
    """
    fig = ax.figure
    longest = max((len(h.get_label()) for h in handles), default=10)
    fit = int(fig.get_figwidth() * 72 / (longest * 5.4 + 48))
    ncol = max(1, min(ncol, fit, len(handles)))
    renderer = _renderer(fig)
    below = ax.xaxis.get_tightbbox(renderer)
    offset = 0.0
    if below is not None:
        offset = max(0.0, ax.get_window_extent(renderer).y0 - below.y0) * 72.0 / fig.dpi
    trans = ax.transAxes + ScaledTranslation(0, -(offset + 4.0) / 72.0, fig.dpi_scale_trans)
    leg = ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        bbox_transform=trans,
        ncol=max(1, ncol),
        title=title,
        frameon=False,
        handlelength=2.2,
        handleheight=1.2,
        columnspacing=1.6,
        **kw,
    )
    if title:
        leg.get_title().set_ha("center")


def _no_data(ax: Axes, title: str, message: str) -> Axes:
    ax.set_xticks([])
    ax.set_yticks([])
    for s in ax.spines.values():
        s.set_visible(False)
    _title(ax, title)
    ax.text(
        0.5,
        0.5,
        message,
        ha="center",
        va="center",
        transform=ax.transAxes,
        color=style.TEXT_MUTED,
        fontsize=11,
    )
    ax.set_xlabel("")
    return ax


def _red_line_handles() -> list[Any]:
    return [
        Patch(
            facecolor="#9A9A9A",
            hatch=style.RED_LINE_HATCH,
            hatchcolor=style.RED_LINE,
            edgecolor=style.RED_LINE,
            linewidth=1.8,
            label="red line (will not move)",
        ),
        Line2D(
            [],
            [],
            ls="",
            marker=style.RED_LINE_MARKER,
            color=style.RED_LINE,
            markeredgecolor="white",
            markersize=9,
            label="ideal of a red-line position",
        ),
    ]


# ------------------------------------------------------------- position map

_MAP_LABEL_WIDTH = 30


def _issue_row_label(row: pd.Series) -> str:
    name = wrap(row["issue_name"], _MAP_LABEL_WIDTH, max_lines=3)
    if row["scale"] == "nominal":
        return name + "\n(options unordered)"
    if row["scale"] == "interval":
        lo, hi = row["min"], row["max"]
        return name + f"\n({lo:g}–{hi:g} {row['unit']})".replace(" )", ")")
    return name


def size_position_map(data: PositionMapData) -> tuple[float, float]:
    """Width and height (inches): 1 inch per party, about 0.5 inch per issue.

    Examples
    --------
    >>> import engine
    >>> from reports.figures.data import position_map_data
    >>> size_position_map(position_map_data(engine.load_case("tests/cases/tiny")))
    (6.2, 4.5)
    """
    n_p, n_i = len(data.parties), len(data.issues)
    lines = sum(_n_lines(_issue_row_label(r)) for _, r in data.issues.iterrows())
    width = 3.2 + 1.0 * max(n_p, 3)
    height = 2.6 + max(0.55 * n_i, 0.17 * lines) + 0.3
    return (round(width, 1), round(max(height, 4.0), 1))


def plot_position_map(data: PositionMapData, *, ax: Axes | None = None) -> Axes:
    """The position map: one row per issue, one column per party.

    Each cell is a strip along the issue's scale: options in their order
    (first on the left; separate chips when the options are unordered), or
    the interval from min to max. Acceptable options are filled in the
    party's colour, the ideal is a diamond, a red line is hatched and
    outlined in dark red with an ``X`` at its ideal, and the grey line under
    the strip is the salience (full width = 1). Cells without a position
    are grey with a dashed outline.

    Parameters
    ----------
    data : PositionMapData
        From :func:`reports.figures.data.position_map_data`.
    ax : Axes, optional
        Where to draw (default: a new figure of :func:`size_position_map`).

    Returns
    -------
    Axes
    """
    with style.zopa_style():
        ax = _axes(ax, size_position_map(data))
        n_p, n_i = len(data.parties), len(data.issues)
        title = f"Positions on each issue, as of {data.at}"
        if n_p == 0 or n_i == 0:
            return _no_data(ax, title, "No parties or issues to show.")
        x_pad, width = 0.1, 0.8
        for r in range(n_i):
            if r % 2:
                ax.add_patch(
                    Rectangle((0, r), n_p, 1, facecolor="#F4F4F4", edgecolor="none", zorder=0)
                )
        for c in range(1, n_p):
            ax.axvline(c, color="#E0E0E0", lw=0.8, zorder=0.5)
        for _, cell in data.cells.iterrows():
            c, r = int(cell["column"]), int(cell["row"])
            x0, y0, h = c + x_pad, r + 0.16, 0.42
            if not cell["has_position"]:
                ax.add_patch(
                    Rectangle(
                        (x0, y0),
                        width,
                        h,
                        facecolor=style.NO_POSITION,
                        edgecolor="#9A9A9A",
                        linestyle=(0, (3, 2)),
                        lw=0.8,
                        zorder=1,
                    )
                )
                ax.text(
                    x0 + width / 2,
                    y0 + h / 2,
                    "no position",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color=style.TEXT_MUTED,
                    zorder=2,
                )
                continue
            color = _color(cell["color_index"])
            red = bool(cell["red_line"])
            hatch = style.RED_LINE_HATCH if red else None
            ymid = y0 + h / 2
            if cell["scale"] == "interval":
                ax.add_patch(
                    Rectangle(
                        (x0, y0),
                        width,
                        h,
                        facecolor="white",
                        edgecolor="#9A9A9A",
                        lw=0.8,
                        zorder=1,
                    )
                )
                lo, hi = float(cell["lo_norm"]), float(cell["hi_norm"])
                seg = max((hi - lo) * width, 0.025)
                ax.add_patch(
                    Rectangle(
                        (x0 + lo * width, y0),
                        seg,
                        h,
                        facecolor=color,
                        edgecolor=style.RED_LINE if red else "none",
                        lw=1.6,
                        hatch=hatch,
                        hatchcolor=style.RED_LINE,
                        zorder=2,
                    )
                )
                ix = x0 + float(cell["ideal_norm"]) * width
            else:
                k = int(cell["k"])
                w = width / k
                gap = 0.14 * w if cell["scale"] == "nominal" else 0.0
                for j, ok in enumerate(cell["accepts"]):
                    ax.add_patch(
                        Rectangle(
                            (x0 + j * w + gap / 2, y0),
                            w - gap,
                            h,
                            facecolor=color if ok else "white",
                            edgecolor="#9A9A9A"
                            if not ok
                            else ("white" if not red else style.RED_LINE),
                            lw=0.6 if not red else 1.2,
                            hatch=hatch if ok else None,
                            hatchcolor=style.RED_LINE,
                            zorder=1.5 if not ok else 2,
                        )
                    )
                if red:
                    ax.add_patch(
                        Rectangle(
                            (x0, y0),
                            width,
                            h,
                            facecolor="none",
                            edgecolor=style.RED_LINE,
                            lw=1.8,
                            zorder=2.5,
                        )
                    )
                ix = x0 + (float(cell["ideal_index"]) + 0.5) * w
            ax.plot(
                [ix],
                [ymid],
                ls="",
                marker=style.RED_LINE_MARKER if red else style.IDEAL_MARKER,
                markersize=8 if red else 6.5,
                color=style.RED_LINE if red else "black",
                markeredgecolor="white",
                markeredgewidth=1.0,
                zorder=4,
            )
            if cell["requires"]:
                ax.text(
                    x0 + width,
                    y0 - 0.01,
                    "if",
                    ha="right",
                    va="bottom",
                    fontsize=7.5,
                    fontstyle="italic",
                    fontweight="bold",
                    color=style.TEXT,
                    zorder=4,
                )
            s = float(cell["salience"])
            ax.plot(
                [x0, x0 + width],
                [r + 0.76] * 2,
                color="#E3E3E3",
                lw=2.6,
                solid_capstyle="butt",
                zorder=1,
            )
            if s > 0:
                ax.plot(
                    [x0, x0 + width * s],
                    [r + 0.76] * 2,
                    color="#4D4D4D",
                    lw=2.6,
                    solid_capstyle="butt",
                    zorder=2,
                )
        # party swatches under the column headers
        for _, p in data.parties.iterrows():
            c = int(p["column"])
            ax.add_patch(
                Rectangle(
                    (c + x_pad, -0.22),
                    width,
                    0.12,
                    facecolor=_color(p["color_index"]),
                    edgecolor="none",
                    clip_on=False,
                    zorder=1,
                )
            )
        ax.set_xlim(0, n_p)
        ax.set_ylim(n_i, -0.3)
        ax.xaxis.tick_top()
        ax.xaxis.set_label_position("top")
        ax.set_xticks([c + 0.5 for c in range(n_p)])
        ax.set_xticklabels(
            [wrap(n, 13, max_lines=3) for n in data.parties["party_name"]], fontsize=9
        )
        ax.set_yticks([r + 0.47 for r in range(n_i)])
        ax.set_yticklabels([_issue_row_label(r) for _, r in data.issues.iterrows()], fontsize=8.5)
        ax.tick_params(length=0)
        for s in ax.spines.values():
            s.set_color("#BFBFBF")
        ax.set_xlabel("Party", fontweight="bold", labelpad=6)
        ax.set_ylabel("Issue", fontweight="bold")
        _title(ax, title)
        handles = [
            Patch(facecolor="#9A9A9A", edgecolor="white", label="acceptable (party's colour)"),
            Patch(facecolor="white", edgecolor="#9A9A9A", label="not acceptable"),
            Line2D(
                [],
                [],
                ls="",
                marker=style.IDEAL_MARKER,
                color="black",
                markeredgecolor="white",
                markersize=7,
                label="ideal",
            ),
            *_red_line_handles(),
            Patch(
                facecolor=style.NO_POSITION,
                edgecolor="#9A9A9A",
                linestyle=(0, (3, 2)),
                label="no position",
            ),
            Line2D(
                [],
                [],
                color="#4D4D4D",
                lw=2.6,
                solid_capstyle="butt",
                label="salience (full cell width = 1)",
            ),
            Line2D(
                [],
                [],
                ls="",
                marker=r"$\mathbf{\mathit{if}}$",
                color=style.TEXT,
                markersize=9,
                label="acceptance requires an outcome on another issue",
            ),
        ]
        _legend_below(
            ax,
            handles,
            ncol=4 if n_p >= 6 else 2,
            title=wrap(
                "Each strip runs along the issue's options in order, first option on the "
                "left (the agreement-zone charts name them); interval issues run from min "
                "to max.",
                int(ax.figure.get_figwidth() * 12),
            ),
        )
        return ax


def alt_position_map(data: PositionMapData) -> str:
    """Alternative text: what the position map shows and who holds the red lines.

    Examples
    --------
    >>> import engine
    >>> from reports.figures.data import position_map_data
    >>> print(alt_position_map(position_map_data(engine.load_case("tests/cases/tiny"))))
    Position map of 3 issues and 3 parties as of 2024-01-01: 8 stated positions, 1 cell without a position, 1 red line (Party B 1).
    """
    cells = data.cells
    n_pos = int(cells["has_position"].sum())
    missing = len(cells) - n_pos
    red = cells[cells["red_line"]]
    text = (
        f"Position map of {len(data.issues)} issues and {len(data.parties)} parties as of "
        f"{data.at}: {n_pos} stated positions, {missing} cell{'s' if missing != 1 else ''} "
        f"without a position, {len(red)} red line{'s' if len(red) != 1 else ''}"
    )
    if len(red):
        by = (
            red.groupby("party_name", sort=False)
            .size()
            .sort_values(ascending=False, kind="mergesort")
        )
        text += " (" + ", ".join(f"{p} {n}" for p, n in by.items()) + ")"
    return text + "."


# --------------------------------------------------------------- zone chart


def zone_finding(data: ZoneChartData) -> str:
    """The chart's finding in one sentence (used as subtitle and alt text).

    Examples
    --------
    >>> import engine
    >>> from reports.figures.data import zone_chart_data
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
    >>> from reports.figures.data import zone_chart_data
    >>> size_zone_chart(zone_chart_data(engine.load_case("tests/cases/tiny"), "num"))
    (7.2, 6.9)
    """
    n_p = max(len(data.parties), 2)
    width = 3.4 + 0.95 * n_p + 0.9
    if data.scale == "interval":
        body = 3.6
    else:
        lines = [_n_lines(wrap(o, _zone_option_width(data), 3)) for o in data.options["label"]]
        body = sum(max(0.42, 0.19 * n + 0.12) for n in lines)
    head = 1.2 + 0.2 * _n_lines(wrap(zone_finding(data), int(width * 11)))
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
        From :func:`reports.figures.data.zone_chart_data`.
    ax : Axes, optional
        Where to draw (default: a new figure of :func:`size_zone_chart`).

    Returns
    -------
    Axes
    """
    with style.zopa_style():
        ax = _axes(ax, size_zone_chart(data))
        n_p = len(data.parties)
        title = f"Agreement zone — {data.issue_name}"
        finding = zone_finding(data)
        if data.note:
            finding += " " + data.note
        if n_p == 0:
            return _no_data(ax, title, "No parties to show.")
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
                "facecolor": _color(p["color_index"]),
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
                        color=_color(p["color_index"]),
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
        _title(ax, title, finding)
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
            *_red_line_handles(),
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
        _legend_below(ax, handles, ncol=3)
        return ax


def alt_zone_chart(data: ZoneChartData) -> str:
    """Alternative text, e.g. "Agreement-zone chart for NATO membership: no zone; blocked by Russia alone."

    Examples
    --------
    >>> import engine
    >>> from reports.figures.data import zone_chart_data
    >>> print(alt_zone_chart(zone_chart_data(engine.load_case("tests/cases/tiny"), "num")))
    Agreement-zone chart for Interval issue (3 parties with a position): no agreement zone; blocked by Party A alone, or by Party C alone.
    """
    finding = zone_finding(data)
    return (
        f"Agreement-zone chart for {data.issue_name} ({data.n_parties} "
        f"part{'y' if data.n_parties == 1 else 'ies'} with a position): "
        f"{finding[0].lower()}{finding[1:]}"
    )


# ------------------------------------------------------------------ heatmap

_HEATMAP_TITLES = {
    "overlap": "Overlap between parties (1 = identical acceptable sets)",
    "conflict": "Conflict between parties (0 = compatible on every shared issue)",
    "gap": "Gap between parties",
    "distance": "Distance between the parties' ideals",
    "compatible": "Compatible pairs (1 = the acceptable sets meet)",
    "overlap_delta": "Change in overlap (after − before)",
    "conflict_delta": "Change in conflict (after − before)",
}
_HEATMAP_BAR = {
    "overlap": "overlap (salience-weighted mean)",
    "conflict": "conflict (salience-weighted mean gap)",
    "gap": "gap",
    "distance": "distance",
    "compatible": "compatible",
    "overlap_delta": "change in overlap (blue = more alike)",
    "conflict_delta": "change in conflict (blue = less conflict)",
}


def size_heatmap(data: HeatmapData) -> tuple[float, float]:
    """Width and height (inches): about 0.85 inch per party, plus labels and the colour bar.

    Examples
    --------
    >>> import engine
    >>> from reports.figures.data import heatmap_data
    >>> size_heatmap(heatmap_data(engine.overlap_matrix(engine.load_case("tests/cases/tiny")), kind="overlap"))
    (5.1, 4.8)
    """
    n_r, n_c = max(len(data.rows), 1), max(len(data.columns), 1)
    label_w = max(
        (len(line) for s in data.row_labels for line in wrap(s, 20).split("\n")), default=4
    )
    width = 1.2 + 0.075 * label_w + 0.8 * max(n_c, 3) + 1.4
    height = 2.4 + 0.8 * max(n_r, 3)
    return (round(width, 1), round(height, 1))


def plot_heatmap(data: HeatmapData, *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """An annotated heatmap of a party × party matrix.

    Every cell prints its value (black or white text, whichever contrasts
    more with the cell's colour); missing values ("no position / no shared
    issue") are grey and hatched, explained in a legend; the colour bar is
    labelled with the measure.

    Parameters
    ----------
    data : HeatmapData
        From :func:`reports.figures.data.heatmap_data`.
    ax : Axes, optional
        Where to draw (default: a new figure of :func:`size_heatmap`).
    title : str, optional
        Default: what the matrix is (e.g. "Conflict between parties …").

    Returns
    -------
    Axes
    """
    with style.zopa_style():
        ax = _axes(ax, size_heatmap(data))
        title = title or _HEATMAP_TITLES.get(data.kind, data.kind)
        n_r, n_c = len(data.rows), len(data.columns)
        if n_r == 0 or n_c == 0:
            return _no_data(ax, title, "No parties to compare.")
        values = np.full((n_r, n_c), np.nan)
        cells = data.cells
        values[cells["i"].to_numpy(), cells["j"].to_numpy()] = cells["value"].to_numpy()
        cmap = colormaps[style.CMAPS.get(data.kind, "cividis")].with_extremes(bad=style.NAN_COLOR)
        norm = Normalize(vmin=data.vmin, vmax=data.vmax)
        mesh = ax.pcolormesh(
            np.arange(n_c + 1) - 0.5,
            np.arange(n_r + 1) - 0.5,
            np.ma.masked_invalid(values),
            cmap=cmap,
            norm=norm,
            edgecolors="white",
            linewidth=1.5,
        )
        font = 10 if max(n_r, n_c) <= 8 else 8
        for _, cell in cells.iterrows():
            i, j = int(cell["i"]), int(cell["j"])
            if cell["is_nan"]:
                ax.add_patch(
                    Rectangle(
                        (j - 0.5, i - 0.5),
                        1,
                        1,
                        facecolor=style.NAN_COLOR,
                        hatch=style.HATCH_NAN,
                        hatchcolor="#B5B5B5",
                        edgecolor="white",
                        lw=1.5,
                        zorder=2,
                    )
                )
                ax.text(
                    j,
                    i,
                    cell["text"],
                    ha="center",
                    va="center",
                    fontsize=font + 2,
                    fontweight="bold",
                    color=style.TEXT_MUTED,
                    zorder=3,
                )
            else:
                ax.text(
                    j,
                    i,
                    cell["text"],
                    ha="center",
                    va="center",
                    fontsize=font,
                    zorder=3,
                    color=style.contrast_text(cmap(norm(cell["value"]))),
                )
        ax.set_xlim(-0.5, n_c - 0.5)
        ax.set_ylim(n_r - 0.5, -0.5)
        ax.set_xticks(range(n_c))
        ax.set_xticklabels([wrap(s, 11, 3) for s in data.column_labels], fontsize=9)
        ax.set_yticks(range(n_r))
        ax.set_yticklabels([wrap(s, 20, 2) for s in data.row_labels], fontsize=9)
        ax.tick_params(length=0)
        for s in ax.spines.values():
            s.set_visible(False)
        ax.set_xlabel("Party", fontweight="bold")
        ax.set_ylabel("Party", fontweight="bold")
        bar = ax.figure.colorbar(mesh, ax=ax, fraction=0.05, pad=0.03, shrink=0.9)
        bar.set_label(_HEATMAP_BAR.get(data.kind, data.kind))
        bar.outline.set_visible(False)
        _title(ax, title)
        if cells["is_nan"].any():
            _legend_below(
                ax,
                [
                    Patch(
                        facecolor=style.NAN_COLOR,
                        hatch=style.HATCH_NAN,
                        hatchcolor="#B5B5B5",
                        edgecolor="#B5B5B5",
                        label="– no position / no shared issue",
                    )
                ],
                ncol=1,
            )
        return ax


def alt_heatmap(data: HeatmapData) -> str:
    """Alternative text: the matrix's extremes among pairs of different parties.

    Examples
    --------
    >>> import engine
    >>> from reports.figures.data import heatmap_data
    >>> m = engine.conflict_matrix(engine.load_case("tests/cases/tiny"))
    >>> print(alt_heatmap(heatmap_data(m, kind="conflict")))
    Conflict matrix of 3 parties. Highest: a and b (0.30); lowest: b and c (0.00).
    """
    what = {
        "overlap": "Overlap matrix",
        "conflict": "Conflict matrix",
        "overlap_delta": "Change in the overlap matrix",
        "conflict_delta": "Change in the conflict matrix",
    }.get(data.kind, f"{data.kind} matrix")
    cells = data.cells
    pairs = cells[(cells["i"] < cells["j"]) & ~cells["is_nan"]] if len(cells) else cells
    n = len(data.rows)
    text = f"{what} of {n} part{'y' if n == 1 else 'ies'}."
    if not len(pairs):
        return text + " No pair of parties shares an issue: every cell is empty."
    order = pairs.sort_values(["value", "i", "j"], ascending=[False, True, True], kind="mergesort")
    hi, lo = order.iloc[0], order.iloc[-1]
    if data.kind.endswith("_delta"):
        by = pairs.assign(a=pairs["value"].abs()).sort_values(
            ["a", "i", "j"], ascending=[False, True, True]
        )
        top = by.iloc[0]
        text += f" Largest change: {top['row_label']} and {top['column_label']} ({top['text']})."
    else:
        text += (
            f" Highest: {hi['row_label']} and {hi['column_label']} ({hi['text']}); "
            f"lowest: {lo['row_label']} and {lo['column_label']} ({lo['text']})."
        )
    missing = int((cells["is_nan"] & (cells["i"] < cells["j"])).sum())
    if missing:
        text += f" {missing} pair{'s' if missing != 1 else ''} share no issue (no value)."
    return text


# -------------------------------------------------------------------- graph


def size_graph(data: GraphData) -> tuple[float, float]:
    """Width and height (inches): 1 inch per party column, 0.62 inch per issue row.

    Examples
    --------
    >>> import engine
    >>> from reports.figures.data import graph_data
    >>> size_graph(graph_data(engine.incompatibility_graph(engine.load_case("tests/cases/tiny"))))
    (6.2, 5.5)
    """
    n_c, n_r = max(len(data.columns), 3), max(len(data.rows), 1)
    lines = sum(_n_lines(wrap(n, 28, 3)) for n in data.rows["issue_name"]) if len(data.rows) else 1
    return (
        round(3.2 + 1.0 * n_c, 1),
        round(max(2.9 + max(0.62 * n_r, 0.16 * lines) + 0.7, 4.0), 1),
    )


#: Conflict weight drawn at full width and darkness (weights run from 0 to 1).
_EDGE_FULL = 1.0


def _edge_color(f: float) -> tuple[float, float, float, float]:
    """Light grey for weak conflicts to near-black for strong ones (f in [0, 1])."""
    return colormaps["Greys"](0.3 + 0.55 * f)


def _edge_width(f: float) -> float:
    return 0.5 + 3.5 * f


def _node_size(salience: Any) -> Any:
    return 40 + 260 * np.asarray(salience, dtype=float)


def plot_graph(data: GraphData, *, ax: Axes | None = None) -> Axes:
    """The incompatibility graph on the position map's grid.

    Nodes are positions: issue rows × party columns, coloured by party,
    sized by salience; red-line positions are squares with a dark-red
    outline. An arc over a row joins two incompatible positions on that
    issue (thicker = more conflict); dashed lines are linkages (an
    acceptance that requires an outcome on another issue). A black ring
    marks the cheapest set of positions to relax so that no conflict
    remains. Small grey dots are cells without a position.

    Parameters
    ----------
    data : GraphData
        From :func:`reports.figures.data.graph_data`.
    ax : Axes, optional
        Where to draw (default: a new figure of :func:`size_graph`).

    Returns
    -------
    Axes
    """
    with style.zopa_style():
        ax = _axes(ax, size_graph(data))
        title = "Incompatibility graph: who collides with whom on each issue"
        if len(data.nodes) == 0:
            return _no_data(ax, title, "No positions: the graph is empty.")
        n_c, n_r = len(data.columns), len(data.rows)
        for r in range(n_r):
            if r % 2:
                ax.add_patch(
                    Rectangle(
                        (-0.5, r - 0.5), n_c, 1, facecolor="#F4F4F4", edgecolor="none", zorder=0
                    )
                )
        for c in range(n_c):
            ax.axvline(c, color="#E6E6E6", lw=0.8, zorder=0.2)
        # empty cells
        if len(data.empty_cells):
            ax.scatter(
                data.empty_cells["column"],
                data.empty_cells["row"],
                s=6,
                color="#BDBDBD",
                zorder=1,
                linewidths=0,
            )
        edges = data.edges
        conf = edges[edges["kind"] == "conflict"]
        wscale = _EDGE_FULL
        for _, e in conf.iterrows():
            x0, x1, y, h = e["x0"], e["x1"], e["y0"], e["height"]
            path = Path(
                [(x0, y), ((x0 + x1) / 2, y - 2 * h), (x1, y)],
                [Path.MOVETO, Path.CURVE3, Path.CURVE3],
            )
            f = min(float(e["weight"]) / wscale, 1.0)
            ax.add_patch(
                PathPatch(
                    path,
                    facecolor="none",
                    edgecolor=_edge_color(f),
                    lw=_edge_width(f),
                    capstyle="round",
                    zorder=2 + f,
                )
            )
        link = edges[edges["kind"] == "linkage"]
        for _, e in link.iterrows():
            ax.add_patch(
                FancyArrowPatch(
                    (e["x0"], e["y0"]),
                    (e["x1"], e["y1"]),
                    arrowstyle="-",
                    connectionstyle="arc3,rad=-0.25",
                    linestyle=(0, (4, 3)),
                    color="#1A1A1A",
                    lw=1.3,
                    zorder=2.5,
                    shrinkA=6,
                    shrinkB=6,
                )
            )
        nodes = data.nodes
        colors = [_color(i) for i in nodes["color_index"]]
        sizes = _node_size(nodes["salience"])
        red = nodes["red_line"].to_numpy(dtype=bool)
        cols = np.array(colors, dtype=object)
        if (~red).any():
            ax.scatter(
                nodes.loc[~red, "x"],
                nodes.loc[~red, "y"],
                s=sizes[~red],
                c=list(cols[~red]),
                marker="o",
                edgecolors="white",
                linewidths=1.0,
                zorder=4,
            )
        if red.any():
            ax.scatter(
                nodes.loc[red, "x"],
                nodes.loc[red, "y"],
                s=sizes[red],
                c=list(cols[red]),
                marker="s",
                edgecolors=style.RED_LINE,
                linewidths=2.2,
                zorder=4,
            )
        relax = nodes["relax"].to_numpy(dtype=bool)
        if relax.any():
            ax.scatter(
                nodes.loc[relax, "x"],
                nodes.loc[relax, "y"],
                s=sizes[relax] + 180,
                facecolors="none",
                edgecolors="black",
                linewidths=1.4,
                zorder=3.5,
            )
        ax.set_xlim(-0.5, n_c - 0.5)
        ax.set_ylim(n_r - 0.5, -0.6)
        ax.xaxis.tick_top()
        ax.xaxis.set_label_position("top")
        ax.set_xticks(range(n_c))
        ax.set_xticklabels([wrap(n, 13, 3) for n in data.columns["party_name"]], fontsize=9)
        ax.set_yticks(range(n_r))
        ax.set_yticklabels([wrap(n, 28, 3) for n in data.rows["issue_name"]], fontsize=8.5)
        for lab, ci in zip(ax.get_xticklabels(), data.columns["color_index"], strict=True):
            lab.set_bbox(
                {
                    "boxstyle": "square,pad=0.15",
                    "facecolor": "white",
                    "edgecolor": _color(ci),
                    "linewidth": 2.0,
                }
            )
        ax.tick_params(length=0)
        for s in ax.spines.values():
            s.set_color("#BFBFBF")
        ax.set_xlabel("Party (node colour)", fontweight="bold", labelpad=6)
        ax.set_ylabel("Issue", fontweight="bold")
        n_conf, n_link = len(conf), len(link)
        sub = (
            f"{len(nodes)} positions, {n_conf} conflict{'s' if n_conf != 1 else ''}, "
            f"{n_link} linkage{'s' if n_link != 1 else ''}."
        )
        if data.relaxation:
            sub += (
                f" Relaxing the {len(data.relaxation)} ringed positions (total salience "
                f"{data.relaxation_salience:.2f}{'' if data.relaxation_exact else ', approximate'}) "
                "would remove every conflict."
            )
        _title(ax, title, sub)
        grey = "#8C8C8C"
        handles: list[Any] = [
            Line2D(
                [],
                [],
                ls="",
                marker="o",
                color=grey,
                markeredgecolor="white",
                markersize=5,
                label="position, salience 0.1",
            ),
            Line2D(
                [],
                [],
                ls="",
                marker="o",
                color=grey,
                markeredgecolor="white",
                markersize=11,
                label="position, salience 1",
            ),
            Line2D(
                [],
                [],
                ls="",
                marker="s",
                color=grey,
                markeredgecolor=style.RED_LINE,
                markeredgewidth=2.2,
                markersize=9,
                label="red-line position",
            ),
            Line2D(
                [],
                [],
                ls="",
                marker="o",
                markerfacecolor="none",
                markeredgecolor="black",
                markeredgewidth=1.4,
                markersize=14,
                label="in the cheapest set to relax",
            ),
            Line2D(
                [],
                [],
                color=_edge_color(0.1 / _EDGE_FULL),
                lw=_edge_width(0.1 / _EDGE_FULL),
                label="conflict, weight 0.1",
            ),
            Line2D(
                [],
                [],
                color=_edge_color(1.0),
                lw=_edge_width(1.0),
                label=f"conflict, weight ≥ {_EDGE_FULL:g}",
            ),
            Line2D(
                [], [], color="#1A1A1A", lw=1.3, ls=(0, (4, 3)), label="linkage between issues"
            ),
            Line2D([], [], ls="", marker="o", color="#BDBDBD", markersize=3, label="no position"),
        ]
        _legend_below(ax, handles, ncol=4)
        return ax


def alt_graph(data: GraphData) -> str:
    """Alternative text: counts, the most conflicted position, the cheapest relaxation.

    Examples
    --------
    >>> import engine
    >>> from reports.figures.data import graph_data
    >>> print(alt_graph(graph_data(engine.incompatibility_graph(engine.load_case("tests/cases/tiny")))))
    Incompatibility graph of 8 positions on 3 issues: 3 conflicts and 2 linkages. Most conflicted position: Party A on Nominal issue (1 conflict, weight 0.30). Relaxing 3 positions (Party A on Ordinal issue, Party B on Nominal issue, Party C on Interval issue) would remove every conflict.
    """
    nodes, edges = data.nodes, data.edges
    if not len(nodes):
        return "Incompatibility graph: no positions, so no conflicts."
    n_conf = int((edges["kind"] == "conflict").sum())
    n_link = int((edges["kind"] == "linkage").sum())
    text = (
        f"Incompatibility graph of {len(nodes)} positions on {len(data.rows)} issues: "
        f"{n_conf} conflict{'s' if n_conf != 1 else ''} and {n_link} linkage{'s' if n_link != 1 else ''}."
    )
    if n_conf:
        top = nodes.sort_values(
            ["conflict_strength", "conflict_degree"], ascending=False, kind="mergesort"
        ).iloc[0]
        d = int(top["conflict_degree"])
        text += (
            f" Most conflicted position: {top['party_name']} on {top['issue_name']} ({d} "
            f"conflict{'s' if d != 1 else ''}, weight {top['conflict_strength']:.2f})."
        )
    if data.relaxation:
        label = nodes.set_index("node")
        parts = [
            f"{label.loc[v, 'party_name']} on {label.loc[v, 'issue_name']}"
            for v in data.relaxation
        ]
        shown = ", ".join(parts[:6]) + (f" and {len(parts) - 6} more" if len(parts) > 6 else "")
        text += f" Relaxing {len(parts)} positions ({shown}) would remove every conflict."
    return text


# ----------------------------------------------------------------- timeline

_ZONE_FACE = {"open": style.ZONE, "empty": "#7F7F7F", "not compared": "white"}
_ZONE_GLYPH = {"open": ("✓", "black"), "empty": ("✕", "white"), "not compared": ("", "black")}
_CHANGE_GLYPHS = (  # kind, glyph, colour, (dx, dy) offset in the cell
    ("softened", "▲", style.OKABE_ITO["blue"], (-0.2, -0.17)),
    ("hardened", "▼", style.OKABE_ITO["vermillion"], (0.2, -0.17)),
    ("moved", "◆", "#333333", (-0.2, 0.19)),
    ("new", "+", "#6E6E6E", (0.2, 0.19)),
)


def _legend_under_title(ax: Axes, handles: list[Any]) -> float:
    """A legend between the title and the Axes, flush left; returns the title pad it needs."""
    longest = max(len(h.get_label()) for h in handles)
    ncol = max(
        1, min(len(handles), int(ax.figure.get_figwidth() * 0.8 * 72 / (longest * 5.0 + 40)))
    )
    ax.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncol=ncol,
        frameon=False,
        borderaxespad=0.2,
        borderpad=0.1,
        fontsize=8.5,
        handlelength=1.6,
        columnspacing=1.4,
    )
    rows = math.ceil(len(handles) / ncol)
    return 8.0 + 17.0 * rows


def _snapshot_ticks(ax: Axes, data: TimelineData, *, top: bool = False) -> None:
    snaps = data.snapshots
    labels = [
        f"{d}\n{wrap(lab, 14, 3)}" for d, lab in zip(snaps["date"], snaps["label"], strict=True)
    ]
    ax.set_xticks(snaps["position"].tolist())
    ax.set_xticklabels(labels, fontsize=7.5)
    if top:
        ax.xaxis.tick_top()
        ax.xaxis.set_label_position("top")


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
        From :func:`reports.figures.data.timeline_data`.
    ax : Axes, optional
    ticks : bool
        Label the x axis with the snapshots (off when a panel below does).

    Returns
    -------
    Axes
    """
    with style.zopa_style():
        ax = _axes(ax, (size_timeline(data)[0], 4.0))
        snaps = data.snapshots
        title = "Total conflict over time"
        if not len(snaps):
            return _no_data(ax, title, "No snapshots: the case has no dated statements.")
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
        for s in ("top", "right"):
            ax.spines[s].set_visible(False)
        if ticks:
            _snapshot_ticks(ax, data)
            ax.set_xlabel("Snapshot (date order, evenly spaced — not to time scale)")
        else:
            ax.set_xticks(snaps["position"].tolist())
            ax.tick_params(axis="x", labelbottom=False)
            ax.set_xlabel("")
        _title(ax, title)
        return ax


def plot_zone_timeline(data: TimelineData, *, ax: Axes | None = None, ticks: bool = True) -> Axes:
    """Issue × snapshot grid: is there an agreement zone?

    ``✓`` on pale yellow: open (two or more positions and a non-empty
    zone); ``✕`` on grey: empty; blank: fewer than two positions.

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
        ax = _axes(ax, (size_timeline(data)[0], 2.0 + 0.3 * len(data.issues)))
        title = "Agreement zone per issue"
        n_s, n_i = len(data.snapshots), len(data.issues)
        if not n_s or not n_i:
            return _no_data(ax, title, "No snapshots or issues.")
        for _, z in data.zones.iterrows():
            state = str(z["state"])
            x, y = int(z["position"]), int(z["row"])
            ax.add_patch(
                Rectangle(
                    (x - 0.46, y - 0.42),
                    0.92,
                    0.84,
                    facecolor=_ZONE_FACE[state],
                    edgecolor="#D0D0D0" if state == "not compared" else "white",
                    hatch="..." if state == "not compared" else None,
                    hatchcolor="#D6D6D6",
                    lw=0.8,
                )
            )
            glyph, col = _ZONE_GLYPH[state]
            if glyph:
                ax.text(
                    x, y, glyph, ha="center", va="center", color=col, fontsize=9, fontweight="bold"
                )
        ax.set_xlim(-0.5, n_s - 0.5)
        ax.set_ylim(n_i - 0.5, -0.5)
        ax.set_yticks(data.issues["row"].tolist())
        ax.set_yticklabels([wrap(n, 56, 1) for n in data.issues["issue_name"]], fontsize=8)
        ax.set_ylabel("Issue")
        ax.tick_params(length=0)
        for s in ax.spines.values():
            s.set_visible(False)
        if ticks:
            _snapshot_ticks(ax, data)
            ax.set_xlabel("Snapshot (date order, evenly spaced)")
        else:
            ax.set_xticks(data.snapshots["position"].tolist())
            ax.tick_params(axis="x", labelbottom=False)
            ax.set_xlabel("")
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
        _title(ax, title, pad=_legend_under_title(ax, handles))
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
        ax = _axes(ax, (size_timeline(data)[0], 2.2 + 0.42 * len(data.parties)))
        title = "Position changes by party"
        n_s, n_p = len(data.snapshots), len(data.parties)
        if not n_s or not n_p:
            return _no_data(ax, title, "No snapshots or parties.")
        for r in range(n_p):
            if r % 2:
                ax.add_patch(
                    Rectangle(
                        (-0.5, r - 0.5), n_s, 1, facecolor="#F4F4F4", edgecolor="none", zorder=0
                    )
                )
        for _, c in data.counts.iterrows():
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
                    )
        ax.set_xlim(-0.5, n_s - 0.5)
        ax.set_ylim(n_p - 0.5, -0.5)
        ax.set_yticks(data.parties["row"].tolist())
        ax.set_yticklabels([wrap(n, 20, 1) for n in data.parties["party_name"]], fontsize=8.5)
        for lab, ci in zip(ax.get_yticklabels(), data.parties["color_index"], strict=True):
            lab.set_bbox(
                {
                    "boxstyle": "square,pad=0.15",
                    "facecolor": "white",
                    "edgecolor": _color(ci),
                    "linewidth": 2.0,
                }
            )
        ax.set_ylabel("Party")
        ax.tick_params(length=0)
        for s in ax.spines.values():
            s.set_visible(False)
        for xv in range(1, n_s):
            ax.axvline(xv - 0.5, color="#E6E6E6", lw=0.8, zorder=0)
        if ticks:
            _snapshot_ticks(ax, data)
            ax.set_xlabel("Snapshot (date order, evenly spaced — not to time scale)")
        handles = [
            Line2D(
                [],
                [],
                ls="",
                marker="^",
                color=style.OKABE_ITO["blue"],
                label="softened (accepts more)",
            ),
            Line2D(
                [],
                [],
                ls="",
                marker="v",
                color=style.OKABE_ITO["vermillion"],
                label="hardened (accepts less)",
            ),
            Line2D([], [], ls="", marker="D", color="#333333", markersize=5, label="moved"),
            Line2D([], [], ls="", marker="P", color="#6E6E6E", label="new position"),
        ]
        _title(ax, title, pad=_legend_under_title(ax, handles))
        return ax


def size_timeline(data: TimelineData) -> tuple[float, float]:
    """Width and height (inches) of the three-panel timeline: 0.95 inch per snapshot.

    Examples
    --------
    >>> import engine
    >>> from reports.figures.data import timeline_data
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
    place in its figure's grid is split into the three panels (``ax``
    itself is removed); an ``ax`` not placed by a grid gets the conflict
    panel alone.

    Returns
    -------
    Axes
        The main (conflict) panel.
    """
    with style.zopa_style():
        ax = _axes(ax, size_timeline(data))
        spec = ax.get_subplotspec()
        if spec is None or not len(data.snapshots):
            return plot_conflict_timeline(data, ax=ax)
        fig = ax.figure
        ratios = [3.2, 1.0 + 0.3 * len(data.issues), 0.8 + 0.42 * max(len(data.parties), 1)]
        gs = spec.subgridspec(3, 1, height_ratios=ratios)
        ax.remove()
        main = fig.add_subplot(gs[0])
        zones = fig.add_subplot(gs[1])
        changes = fig.add_subplot(gs[2])
        plot_conflict_timeline(data, ax=main, ticks=False)
        plot_zone_timeline(data, ax=zones, ticks=False)
        plot_change_timeline(data, ax=changes, ticks=True)
        for a in (zones, changes):
            a.set_xlim(main.get_xlim())
        return main


def alt_timeline(data: TimelineData) -> str:
    """Alternative text: the trend of total conflict and open zones, and the busiest changes.

    Examples
    --------
    >>> import engine
    >>> from reports.figures.data import timeline_data
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


# --------------------------------------------------------------- settlement

_OBJECTIVE_STYLE = (  # face, hatch — greys and hatches: colour is kept for parties
    ("#3B3B3B", ""),
    ("#A6A6A6", "//"),
    ("white", ".."),
    ("#6E6E6E", "xx"),
    ("#D4D4D4", "\\\\"),
    ("white", "--"),
)


def size_settlement(data: SettlementData) -> tuple[float, float]:
    """Width and height (inches): one group of bars per party, one bar per package.

    Examples
    --------
    >>> import engine
    >>> from reports.figures.data import settlement_data
    >>> case = engine.load_case("tests/cases/tiny")
    >>> from engine.solve.settlement import settle
    >>> size_settlement(settlement_data({"total": settle(case)}, case=case))
    (8.0, 4.4)
    """
    n_p = max(len(_settlement_parties(data)), 1)
    n_l = max(int(data.objectives["feasible"].sum()) if len(data.objectives) else 0, 1)
    notes = _infeasible_notes(data)
    height = (
        2.4
        + n_p * (0.28 * n_l + 0.3)
        + 0.25 * n_l
        + 0.2 * sum(_n_lines(wrap(n, 80)) for n in notes)
    )
    return (8.0, round(max(height, 3.5), 1))


def _settlement_parties(data: SettlementData) -> pd.DataFrame:
    """The parties of the feasible packages (all parties when none is feasible), in order."""
    shown = data.costs.loc[data.costs["feasible"], "party"]
    parties = data.parties[data.parties["party"].isin(set(shown))] if len(shown) else data.parties
    return parties.reset_index(drop=True).assign(row=lambda d: range(len(d)))


def _infeasible_notes(data: SettlementData) -> list[str]:
    """One sentence per distinct set of colliding red lines, naming the packages it blocks."""
    groups: dict[str, list[str]] = {}
    for _, o in data.objectives[~data.objectives["feasible"]].iterrows():
        rl = data.red_lines[data.red_lines["label"] == o["label"]]
        lines = _names([f"{r['party_name']} on {r['issue_name']}" for _, r in rl.iterrows()])
        groups.setdefault(lines, []).append(str(o["label"]))
    return [
        f"{_names(labels)}: no package respects every red line"
        + (f" (the red lines of {lines} collide)." if lines else ".")
        for lines, labels in groups.items()
    ]


def plot_settlement(data: SettlementData, *, ax: Axes | None = None) -> Axes:
    """Each party's concession cost in each settlement package (grouped bars).

    One group per party, one bar per package (greys and hatches, in the
    order given), each labelled with its value. Packages that cross a red
    line whatever the outcome (infeasible) have no bars; a note names the
    colliding red lines instead.

    Parameters
    ----------
    data : SettlementData
        From :func:`reports.figures.data.settlement_data`.
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    with style.zopa_style():
        ax = _axes(ax, size_settlement(data))
        title = "Concession cost by party in each settlement package"
        objs = data.objectives
        if not len(objs):
            return _no_data(ax, title, "No settlement to show.")
        feasible = objs[objs["feasible"]]
        notes = _infeasible_notes(data)
        if not len(feasible):
            return _no_data(ax, title, wrap(" ".join(notes) or "No feasible package.", 70))
        parties = _settlement_parties(data)
        n_p, n_l = len(parties), len(feasible)
        bar_h = 0.8 / n_l
        costs = data.costs.set_index(["label", "party"])
        top = (
            float(np.nanmax(data.costs["cost"].to_numpy(dtype=float)))
            if data.costs["cost"].notna().any()
            else 0
        )
        top = max(top, 1e-9)
        handles = []
        for k, (_, o) in enumerate(feasible.iterrows()):
            face, hatch = _OBJECTIVE_STYLE[k % len(_OBJECTIVE_STYLE)]
            ys, vals = [], []
            for _, p in parties.iterrows():
                key = (o["label"], p["party"])
                if key not in costs.index:
                    continue
                ys.append(int(p["row"]) - 0.4 + bar_h * (k + 0.5))
                vals.append(float(costs.loc[key, "cost"]))
            ax.barh(
                ys,
                vals,
                height=bar_h * 0.9,
                color=face,
                hatch=hatch or None,
                edgecolor="#1A1A1A",
                lw=0.8,
                zorder=2,
            )
            for y, v in zip(ys, vals, strict=True):
                ax.annotate(
                    f"{v:.2f}",
                    (v, y),
                    xytext=(4, 0),
                    textcoords="offset points",
                    ha="left",
                    va="center",
                    fontsize=8,
                )
            total = o["total_cost"]
            handles.append(
                Patch(
                    facecolor=face,
                    hatch=hatch or None,
                    edgecolor="#1A1A1A",
                    label=f"{o['label']} (total {total:.2f})",
                )
            )
        ax.set_yticks(parties["row"].tolist())
        ax.set_yticklabels([wrap(n, 22, 2) for n in parties["party_name"]], fontsize=9)
        ax.set_ylim(n_p - 0.5, -0.5)
        ax.set_xlim(0, top * 1.18)
        ax.xaxis.grid(True, color="#EEEEEE", zorder=0)
        ax.tick_params(axis="y", length=0)
        for s in ("top", "right"):
            ax.spines[s].set_visible(False)
        ax.set_xlabel(
            "Concession cost\n(Σ over issues of salience × distance from the outcome to "
            "the party's acceptable set)"
        )
        ax.set_ylabel("Party", fontweight="bold")
        _title(ax, title, " ".join(notes))
        _legend_below(ax, handles, ncol=3, title="Package (objective)")
        return ax


def alt_settlement(data: SettlementData) -> str:
    """Alternative text: for each package, its total cost and who pays most.

    Examples
    --------
    >>> import engine
    >>> from reports.figures.data import settlement_data
    >>> case = engine.load_case("tests/cases/tiny")
    >>> from engine.solve.settlement import settle
    >>> print(alt_settlement(settlement_data({"total": settle(case)}, case=case)))
    Concession cost by party. total: total cost 0.42, highest for Party A (0.20).
    """
    parts = []
    for _, o in data.objectives.iterrows():
        if not o["feasible"]:
            parts.append(f"{o['label']}: no package respects every red line.")
            continue
        c = data.costs[data.costs["label"] == o["label"]].sort_values(
            "cost", ascending=False, kind="mergesort"
        )
        if len(c):
            top = c.iloc[0]
            parts.append(
                f"{o['label']}: total cost {o['total_cost']:.2f}, highest for "
                f"{top['party_name']} ({top['cost']:.2f})."
            )
    return "Concession cost by party. " + " ".join(parts) if parts else "No settlement to show."


def size_settlement_outcomes(data: SettlementData) -> tuple[float, float]:
    """Width and height (inches) of the outcome table: one column per package."""
    labels = list(data.objectives.loc[data.objectives["feasible"], "label"])
    issues = list(dict.fromkeys(data.outcomes["issue"])) if len(data.outcomes) else []
    lines = 0
    for i in issues:
        sub = data.outcomes[data.outcomes["issue"] == i]
        lines += max(
            [_n_lines(wrap(t, 26, 3)) for t in sub["outcome_label"]]
            + [_n_lines(wrap(sub["issue_name"].iloc[0], 30, 3))]
        )
    return (
        round(3.4 + 2.3 * max(len(labels), 1), 1),
        round(max(1.6 + 0.19 * lines + 0.12 * len(issues), 2.5), 1),
    )


def plot_settlement_outcomes(data: SettlementData, *, ax: Axes | None = None) -> Axes:
    """The outcome each package chooses on each issue, as a table.

    Rows are issues, columns packages; a cell reads the outcome and is
    shaded by the concession cost it causes on that issue (darker = costlier;
    the number is printed).

    Returns
    -------
    Axes
    """
    with style.zopa_style():
        ax = _axes(ax, size_settlement_outcomes(data))
        title = "Outcome of each package, issue by issue"
        labels = list(data.objectives.loc[data.objectives["feasible"], "label"])
        out = data.outcomes
        if not labels or not len(out):
            return _no_data(ax, title, "No feasible package to show.")
        issues = list(dict.fromkeys(out["issue"]))
        names = dict(zip(out["issue"], out["issue_name"], strict=False))
        heights = []
        for i in issues:
            sub = out[out["issue"] == i]
            heights.append(
                max(
                    [_n_lines(wrap(t, 26, 3)) for t in sub["outcome_label"]]
                    + [_n_lines(wrap(names[i], 30, 3))]
                )
                * 0.19
                + 0.14
            )
        tops = np.concatenate([[0.0], np.cumsum(heights)])
        cmap = colormaps[style.CMAPS["conflict"]]
        cmax = max(float(out["cost"].max()), 0.5)
        table = out.set_index(["issue", "label"])
        for r, i in enumerate(issues):
            y0, h = tops[r], heights[r]
            for c, lab in enumerate(labels):
                if (i, lab) not in table.index:
                    continue
                cell = table.loc[(i, lab)]
                cost = float(cell["cost"])
                face = cmap(0.55 * cost / cmax)
                ax.add_patch(Rectangle((c, y0), 1, h, facecolor=face, edgecolor="white", lw=1.5))
                txt = wrap(cell["outcome_label"], 26, 3) + (
                    f"\ncost {cost:.2f}" if cost > 0 else ""
                )
                ax.text(
                    c + 0.04,
                    y0 + h / 2,
                    txt,
                    ha="left",
                    va="center",
                    fontsize=8,
                    color=style.contrast_text(face),
                )
        ax.set_xlim(0, len(labels))
        ax.set_ylim(tops[-1], 0)
        ax.set_yticks([(tops[r] + tops[r + 1]) / 2 for r in range(len(issues))])
        ax.set_yticklabels([wrap(names[i], 30, 3) for i in issues], fontsize=8.5)
        ax.xaxis.tick_top()
        ax.xaxis.set_label_position("top")
        ax.set_xticks([c + 0.5 for c in range(len(labels))])
        ax.set_xticklabels([wrap(lab, 24, 2) for lab in labels], fontsize=9, fontweight="bold")
        ax.tick_params(length=0)
        for s in ax.spines.values():
            s.set_visible(False)
        ax.set_xlabel("Package (objective)")
        ax.set_ylabel("Issue")
        _title(
            ax, title, "Shading and 'cost' give the parties' total concession cost on the issue."
        )
        return ax


def alt_settlement_outcomes(data: SettlementData) -> str:
    """Alternative text of :func:`plot_settlement_outcomes`: the packages' outcomes."""
    parts = []
    for lab in data.objectives.loc[data.objectives["feasible"], "label"]:
        sub = data.outcomes[data.outcomes["label"] == lab]
        parts.append(
            f"{lab}: "
            + "; ".join(f"{r['issue_name']}: {r['outcome_label']}" for _, r in sub.iterrows())
            + "."
        )
    return "Outcome of each package. " + " ".join(parts) if parts else "No feasible package."


# -------------------------------------------------------------------- delta


def _delta_summary(data: DeltaData, names: Callable[[str], str]) -> str:
    d = data.total_after - data.total_before
    sign = "+" if d > 0 else "−" if d < 0 else "±"
    text = f"Total conflict {data.total_before:.2f} → {data.total_after:.2f} ({sign}{abs(d):.2f})."
    if data.opened:
        text += " Zones opened: " + ", ".join(names(i) for i in data.opened) + "."
    if data.closed:
        text += " Zones closed: " + ", ".join(names(i) for i in data.closed) + "."
    if data.resolved or data.created:
        text += f" Conflicts resolved: {data.resolved}; created: {data.created}."
    return text


def _issue_name(data: DeltaData) -> Callable[[str], str]:
    table = dict(zip(data.issues["issue"], data.issues["issue_name"], strict=False))
    return lambda i: table.get(i, i)


def size_delta(data: DeltaData) -> tuple[float, float]:
    """Width and height (inches) of the conflict-delta heatmap (like :func:`size_heatmap`)."""
    w, h = size_heatmap(data.conflict)
    return (w, round(h + 0.4, 1))


def plot_delta(data: DeltaData, *, ax: Axes | None = None) -> Axes:
    """How a scenario changes the conflict matrix: after − before, per pair.

    A diverging heatmap (blue = less conflict, red = more; white = no
    change); the subtitle gives the total conflict before and after and the
    agreement zones opened or closed.

    Parameters
    ----------
    data : DeltaData
        From :func:`reports.figures.data.delta_data`.
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    with style.zopa_style():
        ax = _axes(ax, size_delta(data))
        plot_heatmap(
            data.conflict, ax=ax, title="Change in conflict between parties (after − before)"
        )
        _title(
            ax,
            "Change in conflict between parties (after − before)",
            _delta_summary(data, _issue_name(data)),
        )
        return ax


def alt_delta(data: DeltaData) -> str:
    """Alternative text: total change, zones opened/closed, the largest pair change.

    Examples
    --------
    >>> import engine
    >>> from reports.figures.data import delta_data
    >>> case = engine.load_case("tests/cases/tiny")
    >>> from engine.whatif.compare import compare
    >>> d = delta_data(compare(case, engine.apply(case, case.scenario("b-softens"))), case=case)
    >>> print(alt_delta(d))
    Change in the conflict matrix. Total conflict 0.57 → 0.34 (−0.22). Zones opened: Ordinal issue. Conflicts resolved: 1; created: 0. Largest change: Party A and Party B (−0.13).
    """
    text = "Change in the conflict matrix. " + _delta_summary(data, _issue_name(data))
    cells = data.conflict.cells
    pairs = cells[(cells["i"] < cells["j"]) & ~cells["is_nan"]]
    if len(pairs) and (pairs["value"].abs() > 0.005).any():
        top = (
            pairs.assign(a=pairs["value"].abs())
            .sort_values(["a", "i", "j"], ascending=[False, True, True])
            .iloc[0]
        )
        text += f" Largest change: {top['row_label']} and {top['column_label']} ({top['text']})."
    return text


def alt_delta_issues(data: DeltaData) -> str:
    """Alternative text: total conflict by issue before and after, largest changes first.

    Examples
    --------
    >>> import engine
    >>> from reports.figures.data import delta_data
    >>> case = engine.load_case("tests/cases/tiny")
    >>> from engine.whatif.compare import compare
    >>> d = delta_data(compare(case, engine.apply(case, case.scenario("b-softens"))), case=case)
    >>> print(alt_delta_issues(d))
    Conflict by issue, before and after. Total conflict 0.57 → 0.34 (−0.22). Zones opened: Ordinal issue. Conflicts resolved: 1; created: 0. Largest changes: Ordinal issue 0.23 → 0.00.
    """
    text = "Conflict by issue, before and after. " + _delta_summary(data, _issue_name(data))
    moved = data.issues[data.issues["delta"].abs() > 0.005]
    if len(moved):
        top = (
            moved.assign(a=moved["delta"].abs())
            .sort_values(["a", "row"], ascending=[False, True])
            .head(3)
        )
        text += (
            " Largest changes: "
            + "; ".join(f"{r.issue_name} {r.before:.2f} → {r.after:.2f}" for r in top.itertuples())
            + "."
        )
    return text


def size_delta_issues(data: DeltaData) -> tuple[float, float]:
    """Width and height (inches) of :func:`plot_delta_issues`: 0.42 inch per issue."""
    return (9.0, round(max(2.6 + 0.42 * len(data.issues), 3.5), 1))


def plot_delta_issues(data: DeltaData, *, ax: Axes | None = None) -> Axes:
    """Total conflict per issue before (hollow) and after (filled) a scenario.

    An arrow joins the two; the right margin says when the issue's
    agreement zone opened or closed.

    Returns
    -------
    Axes
    """
    with style.zopa_style():
        ax = _axes(ax, size_delta_issues(data))
        title = "Total conflict per issue, before and after"
        iss = data.issues
        if not len(iss):
            return _no_data(ax, title, "No issues.")
        top = max(float(np.nanmax(iss[["before", "after"]].to_numpy(dtype=float))), 1e-9)
        for _, r in iss.iterrows():
            y, b, a = int(r["row"]), float(r["before"]), float(r["after"])
            if abs(a - b) > 1e-12:
                ax.annotate(
                    "",
                    xy=(a, y),
                    xytext=(b, y),
                    arrowprops={
                        "arrowstyle": "-|>",
                        "color": "#555555",
                        "lw": 1.2,
                        "shrinkA": 5,
                        "shrinkB": 5,
                    },
                )
            ax.plot(
                [b],
                [y],
                ls="",
                marker="o",
                markerfacecolor="white",
                markeredgecolor="black",
                markersize=7,
            )
            ax.plot([a], [y], ls="", marker="o", color="black", markersize=6)
            change = str(r["zone_change"])
            if change in ("opened", "closed"):
                ax.text(
                    1.01,
                    y,
                    f"zone {change}",
                    transform=ax.get_yaxis_transform(),
                    ha="left",
                    va="center",
                    fontsize=8.5,
                    fontweight="bold",
                    clip_on=False,
                )
        ax.set_yticks(iss["row"].tolist())
        ax.set_yticklabels([wrap(n, 34, 2) for n in iss["issue_name"]], fontsize=8.5)
        ax.set_ylim(len(iss) - 0.5, -0.5)
        ax.set_xlim(-0.03 * top, top * 1.08)
        ax.xaxis.grid(True, color="#EEEEEE")
        ax.set_xlabel("Total conflict on the issue (Σ over pairs of gap × mean salience)")
        ax.set_ylabel("Issue")
        _title(ax, title, _delta_summary(data, _issue_name(data)))
        handles = [
            Line2D(
                [],
                [],
                ls="",
                marker="o",
                markerfacecolor="white",
                markeredgecolor="black",
                label="before",
            ),
            Line2D([], [], ls="", marker="o", color="black", label="after"),
        ]
        _legend_below(ax, handles, ncol=2, handler_map={tuple: HandlerTuple()})
        return ax
