"""The position map: every party's position on every issue, as an issue × party grid."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.patches import Patch

import engine
from engine import Case, Issue, Span
from reports.figures import style
from reports.figures.fit import fit_column
from reports.figures.frames import option_position, parties_frame, requires_text, scale_position
from reports.figures.labels import Parties, issue_short, n_lines, party_label, wrap
from reports.figures.layout import (
    NO_POSITION_BOX,
    Boxes,
    TextMark,
    acceptable_handle,
    add_title,
    color_spines,
    ideal_handle,
    legend_below,
    line_handle,
    new_axes,
    no_data,
    no_position_handle,
    party_color,
    plot_ideal,
    red_line_handles,
    shade_alternate_rows,
    ticks_on_top,
    vertical_rules,
)

__all__ = [
    "PositionMapData",
    "alt_position_map",
    "plot_position_map",
    "position_map_data",
    "size_position_map",
]


@dataclass(frozen=True, eq=False)
class PositionMapData:
    """What :func:`plot_position_map` draws (see :func:`position_map_data`)."""

    case: str
    title: str
    at: str
    issues: pd.DataFrame
    parties: pd.DataFrame
    cells: pd.DataFrame
    options: pd.DataFrame


_CELL_COLUMNS = [
    "issue",
    "issue_name",
    "row",
    "party",
    "party_name",
    "column",
    "color_index",
    "scale",
    "k",
    "has_position",
    "ideal",
    "ideal_label",
    "ideal_index",
    "ideal_norm",
    "accepts",
    "lo",
    "hi",
    "lo_norm",
    "hi_norm",
    "range",
    "acceptable",
    "salience",
    "red_line",
    "requires",
]
_OPTION_COLUMNS = [
    "issue",
    "party",
    "option",
    "option_index",
    "option_label",
    "acceptable",
    "is_ideal",
]
_ISSUE_COLUMNS = [
    "issue",
    "issue_name",
    "issue_short",
    "row",
    "scale",
    "k",
    "unit",
    "min",
    "max",
    "option_ids",
    "option_labels",
    "first_label",
    "last_label",
    "n_positions",
]


def position_map_data(case: Case, *, at: Any = None, parties: Parties = None) -> PositionMapData:
    """Every party's position on every issue, laid out as an issue × party grid.

    Parameters
    ----------
    case : Case
    at : date or str, optional
        Evaluation date (default: the case's ``as_of``).
    parties : iterable of str, optional
        Party ids to show (default: all), in the case's order.

    Returns
    -------
    PositionMapData
        ``case``, ``title``, ``at`` (ISO date) and four tables:

        ``issues`` — one row per issue (case order): ``issue``,
        ``issue_name``, ``issue_short`` (the short name, else the name),
        ``row`` (0 = top), ``scale``, ``k`` (number of
        options; 0 on interval scales), ``unit``, ``min``, ``max`` (NaN off
        interval scales), ``option_ids`` and ``option_labels`` (tuples, in
        the issue's order), ``first_label`` and ``last_label`` (the poles of
        the scale: first and last option, or ``min`` and ``max`` with the
        unit), ``n_positions`` (selected parties with a position).

        ``parties`` — one row per selected party: ``party``, ``party_name``
        (short), ``party_full``, ``role``, ``column``, ``color_index``,
        ``n_positions``.

        ``cells`` — one row per (issue, party), issues then parties:
        ``issue``, ``issue_name``, ``row``, ``party``, ``party_name``,
        ``column``, ``color_index``, ``scale``, ``k``, ``has_position``;
        ``ideal`` (option id or number, None without a position),
        ``ideal_label``; ``ideal_index`` (the option's 0-based index, NaN on
        interval scales); ``ideal_norm`` (the ideal on [0, 1]: index / (k − 1)
        for options, (x − min) / (max − min) for numbers); ``accepts``
        (tuple of k bools, one per option in the issue's order; ``()`` on
        interval scales); ``lo``, ``hi`` (the acceptable interval's ends on
        interval scales, else NaN) and ``lo_norm``, ``hi_norm`` (the same on
        [0, 1]); ``range`` (``hi − lo``); ``acceptable`` (readable);
        ``salience`` (NaN without a position); ``red_line``; ``requires``
        (readable linkage, ``""`` without).

        ``options`` — tidy per-option acceptability, one row per position
        and option of ordinal/nominal issues: ``issue``, ``party``,
        ``option``, ``option_index``, ``option_label``, ``acceptable``,
        ``is_ideal``.

    Notes
    -----
    The position at date D is each party's latest statement on or before
    D (:meth:`engine.Case.at`). The normalised ideal uses the same scale as
    the distances: rank / (k − 1) on ordinal (and, for drawing only,
    nominal) scales, (x − min) / (max − min) on interval scales. O(m · n).

    Examples
    --------
    >>> d = position_map_data(engine.load_case("tests/cases/tiny"))
    >>> d.cells.set_index(["issue", "party"]).loc[("ord", "b"), "accepts"]
    (False, False, False, True, True)
    >>> d.cells.set_index(["issue", "party"]).loc[("num", "a"), ["lo", "hi", "ideal_norm"]].tolist()
    [10.0, 40.0, 0.2]
    """
    chosen = case.resolve_parties(parties)
    state = case.at(at)
    date = case.as_of if at is None else engine.as_date(at, "at")
    cells: list[dict[str, Any]] = []
    options: list[dict[str, Any]] = []
    issues: list[dict[str, Any]] = []
    counts = dict.fromkeys(chosen, 0)
    for r, issue in enumerate(case.issues):
        n_pos = 0
        for c, p in enumerate(chosen):
            pos = state.get((p, issue.id))
            row = _cell_without_position(case, issue, r, p, c)
            if pos is not None:
                n_pos += 1
                counts[p] += 1
                row.update(_position_fields(case, issue, pos))
                options += _option_rows(issue, p, pos)
            cells.append(row)
        issues.append(_issue_row(issue, r, n_pos))
    return PositionMapData(
        case=case.id,
        title=case.title,
        at=date.isoformat(),
        issues=pd.DataFrame(issues, columns=_ISSUE_COLUMNS),
        parties=parties_frame(case, chosen, counts),
        cells=pd.DataFrame(cells, columns=_CELL_COLUMNS).astype(
            {"has_position": bool, "red_line": bool, "salience": float}
        ),
        options=pd.DataFrame(options, columns=_OPTION_COLUMNS),
    )


#: The cell's numbers, NaN without a position.
_NUMBERS = ["ideal_index", "ideal_norm", "lo", "hi", "lo_norm", "hi_norm", "range", "salience"]


def _cell_without_position(case: Case, issue: Issue, r: int, p: str, c: int) -> dict[str, Any]:
    """The cell of party ``p`` on ``issue`` as it reads without a position."""
    return {
        "issue": issue.id,
        "issue_name": issue.name,
        "row": r,
        "party": p,
        "party_name": party_label(case.party(p)),
        "column": c,
        "color_index": c,
        "scale": issue.scale,
        "k": issue.k,
        "has_position": False,
        "ideal": None,
        "ideal_label": "no position",
        "accepts": (),
        "acceptable": "no position",
        "red_line": False,
        **dict.fromkeys(_NUMBERS, np.nan),
        "requires": "",
    }


def _position_fields(case: Case, issue: Issue, pos: engine.Position) -> dict[str, Any]:
    """The cell's fields a position fills in: ideal, acceptable span or options, salience."""
    acc = pos.acceptable
    fields: dict[str, Any] = {
        "has_position": True,
        "ideal": float(pos.ideal) if issue.is_interval else str(pos.ideal),
        "ideal_label": issue.label(pos.ideal),
        "acceptable": issue.describe(acc),
        "salience": float(pos.salience),
        "red_line": bool(pos.red_line),
        "requires": requires_text(case, pos),
    }
    if issue.is_interval:
        assert isinstance(acc, Span)
        fields.update(
            ideal_norm=scale_position(issue, float(pos.ideal)),
            lo=float(acc.lo),
            hi=float(acc.hi),
            lo_norm=scale_position(issue, acc.lo),
            hi_norm=scale_position(issue, acc.hi),
            range=float(acc.hi - acc.lo),
        )
    else:
        fields.update(
            ideal_index=float(issue.index(str(pos.ideal))),
            ideal_norm=option_position(issue, str(pos.ideal)),
            accepts=tuple(o in acc for o in issue.option_ids),
        )
    return fields


def _option_rows(issue: Issue, p: str, pos: engine.Position) -> list[dict[str, Any]]:
    """One row per option of an ordinal/nominal issue: is it acceptable, is it the ideal."""
    if issue.is_interval:
        return []
    return [
        {
            "issue": issue.id,
            "party": p,
            "option": o.id,
            "option_index": j,
            "option_label": o.label,
            "acceptable": o.id in pos.acceptable,  # type: ignore[operator]
            "is_ideal": o.id == pos.ideal,
        }
        for j, o in enumerate(issue.options)
    ]


def _issue_row(issue: Issue, r: int, n_pos: int) -> dict[str, Any]:
    """The issue's row: names, scale, options and the poles of its scale."""
    if issue.is_interval:
        first, last = issue.label(float(issue.min or 0)), issue.label(float(issue.max or 0))
    else:
        first, last = issue.options[0].label, issue.options[-1].label
    return {
        "issue": issue.id,
        "issue_name": issue.name,
        "issue_short": issue_short(issue),
        "row": r,
        "scale": issue.scale,
        "k": issue.k,
        "unit": issue.unit,
        "min": float(issue.min) if issue.min is not None else np.nan,
        "max": float(issue.max) if issue.max is not None else np.nan,
        "option_ids": issue.option_ids,
        "option_labels": tuple(o.label for o in issue.options),
        "first_label": first,
        "last_label": last,
        "n_positions": n_pos,
    }


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
    >>> from reports.figures.position_map import position_map_data
    >>> size_position_map(position_map_data(engine.load_case("tests/cases/tiny")))
    (6.2, 4.5)
    """
    n_p, n_i = len(data.parties), len(data.issues)
    lines = sum(n_lines(_issue_row_label(r)) for _, r in data.issues.iterrows())
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
        From :func:`position_map_data`.
    ax : Axes, optional
        Where to draw (default: a new figure of :func:`size_position_map`).

    Returns
    -------
    Axes
    """
    with style.zopa_style():
        ax = new_axes(ax, size_position_map(data))
        n_p, n_i = len(data.parties), len(data.issues)
        title = f"Positions on each issue, as of {data.at}"
        if n_p == 0 or n_i == 0:
            return no_data(ax, title, "No parties or issues to show.")
        shade_alternate_rows(ax, n_i, n_p, x=0, y=0)
        vertical_rules(ax, range(1, n_p), color="#E0E0E0", lw=0.8, zorder=0.5)
        marks = _Marks()
        for cell in data.cells.to_dict("records"):
            _draw_cell(ax, marks, cell)
        _party_swatches(marks.boxes, data.parties)
        marks.draw(ax)
        _label_map_axes(ax, data)
        add_title(ax, title)
        _map_legend(ax, n_p)
        fit_column(ax)
        return ax


#: Where a cell's strip sits in its grid cell (x from the column, y from the row).
_X_PAD, _STRIP_W, _STRIP_TOP, _STRIP_H = 0.1, 0.8, 0.16, 0.42


@dataclass
class _Marks:
    """The map's marks, gathered cell by cell and drawn as a few collections."""

    boxes: Boxes = field(default_factory=Boxes)
    ideals: list[tuple[float, float, bool]] = field(default_factory=list)
    salience: list[tuple[float, float, float]] = field(default_factory=list)

    def draw(self, ax: Axes) -> None:
        """The strips, then the salience bars (grey track, dark bar) and the ideals."""
        self.boxes.draw(ax)
        track = [[(x0, y), (x0 + _STRIP_W, y)] for x0, y, _ in self.salience]
        bars = [[(x0, y), (x0 + _STRIP_W * s, y)] for x0, y, s in self.salience if s > 0]
        for segments, color, z in ((track, "#E3E3E3", 1), (bars, "#4D4D4D", 2)):
            if segments:
                lines = LineCollection(segments, colors=color, lw=2.6, capstyle="butt", zorder=z)
                ax.add_collection(lines, autolim=False)
        for red in (False, True):
            xy = [(x, y) for x, y, r in self.ideals if r == red]
            if xy:
                xs, ys = zip(*xy, strict=True)
                plot_ideal(ax, xs, ys, red=red, size=6.5, red_size=8, edge=1.0)


def _draw_cell(ax: Axes, marks: _Marks, cell: dict[str, Any]) -> None:
    """One party's position on one issue: its strip, ideal, linkage mark and salience."""
    c, r = int(cell["column"]), int(cell["row"])
    x0, y0 = c + _X_PAD, r + _STRIP_TOP
    if not cell["has_position"]:
        marks.boxes.add((x0, y0), _STRIP_W, _STRIP_H, **NO_POSITION_BOX)
        ax.text(
            x0 + _STRIP_W / 2,
            y0 + _STRIP_H / 2,
            "no position",
            ha="center",
            va="center",
            fontsize=7,
            color=style.TEXT_MUTED,
            zorder=2,
            in_layout=False,
        )
        return
    color = party_color(cell["color_index"])
    red = bool(cell["red_line"])
    if cell["scale"] == "interval":
        ix = _interval_strip(marks.boxes, cell, x0, y0, color, red)
    else:
        ix = _option_strip(marks.boxes, cell, x0, y0, color, red)
    marks.ideals.append((ix, y0 + _STRIP_H / 2, red))
    if cell["requires"]:
        ax.text(
            x0 + _STRIP_W,
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
    marks.salience.append((x0, r + 0.76, float(cell["salience"])))


def _interval_strip(
    boxes: Boxes, cell: dict[str, Any], x0: float, y0: float, color: str, red: bool
) -> float:
    """The scale from min to max, the acceptable interval filled; returns the ideal's x."""
    boxes.add((x0, y0), _STRIP_W, _STRIP_H, facecolor="white", edgecolor="#9A9A9A", lw=0.8)
    lo, hi = float(cell["lo_norm"]), float(cell["hi_norm"])
    boxes.add(
        (x0 + lo * _STRIP_W, y0),
        max((hi - lo) * _STRIP_W, 0.025),
        _STRIP_H,
        facecolor=color,
        edgecolor=style.RED_LINE if red else "none",
        lw=1.6,
        hatch=style.RED_LINE_HATCH if red else None,
        hatchcolor=style.RED_LINE,
        zorder=2,
    )
    return x0 + float(cell["ideal_norm"]) * _STRIP_W


def _option_strip(
    boxes: Boxes, cell: dict[str, Any], x0: float, y0: float, color: str, red: bool
) -> float:
    """One box per option, acceptable ones filled (chips when unordered); returns the ideal's x."""
    w = _STRIP_W / int(cell["k"])
    gap = 0.14 * w if cell["scale"] == "nominal" else 0.0
    for j, ok in enumerate(cell["accepts"]):
        boxes.add(
            (x0 + j * w + gap / 2, y0),
            w - gap,
            _STRIP_H,
            facecolor=color if ok else "white",
            edgecolor="#9A9A9A" if not ok else ("white" if not red else style.RED_LINE),
            lw=0.6 if not red else 1.2,
            hatch=style.RED_LINE_HATCH if red and ok else None,
            hatchcolor=style.RED_LINE,
            zorder=1.5 if not ok else 2,
        )
    if red:
        boxes.add(
            (x0, y0),
            _STRIP_W,
            _STRIP_H,
            facecolor="none",
            edgecolor=style.RED_LINE,
            lw=1.8,
            zorder=2.5,
        )
    return x0 + (float(cell["ideal_index"]) + 0.5) * w


def _party_swatches(boxes: Boxes, parties: pd.DataFrame) -> None:
    """A strip of each party's colour under its column header."""
    for _, p in parties.iterrows():
        boxes.add(
            (int(p["column"]) + _X_PAD, -0.22),
            _STRIP_W,
            0.12,
            facecolor=party_color(p["color_index"]),
            clip_on=False,
        )


def _label_map_axes(ax: Axes, data: PositionMapData) -> None:
    """Parties across the top, issues (with their scales) down the side."""
    n_p, n_i = len(data.parties), len(data.issues)
    ax.set_xlim(0, n_p)
    ax.set_ylim(n_i, -0.3)
    ticks_on_top(ax)
    ax.set_xticks([c + 0.5 for c in range(n_p)])
    ax.set_xticklabels([wrap(n, 13, max_lines=3) for n in data.parties["party_name"]], fontsize=9)
    ax.set_yticks([r + 0.47 for r in range(n_i)])
    ax.set_yticklabels([_issue_row_label(r) for _, r in data.issues.iterrows()], fontsize=8.5)
    ax.tick_params(length=0)
    color_spines(ax)
    ax.set_xlabel("Party", fontweight="bold", labelpad=6)
    ax.set_ylabel("Issue", fontweight="bold")


def _map_legend(ax: Axes, n_p: int) -> None:
    handles = [
        acceptable_handle("acceptable (party's colour)"),
        Patch(facecolor="white", edgecolor="#9A9A9A", label="not acceptable"),
        ideal_handle("ideal", 7),
        *red_line_handles(),
        no_position_handle(),
        line_handle(
            "salience (full cell width = 1)", color="#4D4D4D", lw=2.6, solid_capstyle="butt"
        ),
        TextMark(
            "acceptance requires an outcome on another issue",
            "if",
            fontsize=7.5,
            fontstyle="italic",
            fontweight="bold",
            color=style.TEXT,
        ),
    ]
    legend_below(
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


def alt_position_map(data: PositionMapData) -> str:
    """Alternative text: what the position map shows and who holds the red lines.

    Examples
    --------
    >>> import engine
    >>> from reports.figures.position_map import position_map_data
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
