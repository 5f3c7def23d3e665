"""Annotated heatmaps of party × party matrices (overlap, conflict, their deltas)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.collections import QuadMesh
from matplotlib.colors import Colormap, Normalize
from matplotlib.patches import Patch, Rectangle

from engine.model.errors import UnknownIdError
from reports.figures import style
from reports.figures.fit import fit_column
from reports.figures.labels import format_value, wrap
from reports.figures.layout import add_title, legend_below, new_axes, no_data

__all__ = [
    "HEATMAP_KINDS",
    "SHARED_LEGEND",
    "HeatmapData",
    "alt_heatmap",
    "heatmap_data",
    "plot_heatmap",
    "size_heatmap",
]


#: Matrix kinds :func:`heatmap_data` knows, with their value range.
HEATMAP_KINDS: dict[str, tuple[float, float] | None] = {
    "overlap": (0.0, 1.0),
    "conflict": (0.0, 1.0),
    "gap": (0.0, 1.0),
    "distance": (0.0, 1.0),
    "compatible": (0.0, 1.0),
    "overlap_delta": None,  # symmetric around 0, from the data
    "conflict_delta": None,
}


#: What the count after a cell's value is, as the legend (and the report's caption) says.
SHARED_LEGEND = "value · n, n = issues both parties state"


@dataclass(frozen=True, eq=False)
class HeatmapData:
    """What :func:`plot_heatmap` draws (see :func:`heatmap_data`)."""

    kind: str
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]
    vmin: float
    vmax: float
    cells: pd.DataFrame
    has_shared: bool = False

    @property
    def all_nan(self) -> bool:
        """True when no cell has a value."""
        return bool(self.cells["is_nan"].all()) if len(self.cells) else True


def heatmap_data(
    matrix: pd.DataFrame,
    *,
    kind: str,
    names: Mapping[str, str] | None = None,
    shared: pd.DataFrame | None = None,
) -> HeatmapData:
    """A labelled matrix in long form, ready to draw as an annotated heatmap.

    Parameters
    ----------
    matrix : DataFrame
        A party × party (or any labelled) matrix, e.g.
        :func:`engine.overlap_matrix` or :attr:`engine.Comparison.conflict_delta`.
    kind : str
        One of :data:`HEATMAP_KINDS`: ``overlap``, ``conflict``, ``gap``,
        ``distance``, ``compatible`` (values in [0, 1]) or
        ``overlap_delta``, ``conflict_delta`` (signed changes).
    names : mapping of str to str, optional
        Display names for the row and column ids (default: the ids).
    shared : DataFrame, optional
        The number of issues both parties state, labelled like ``matrix``
        (:func:`engine.shared_issues_matrix` of the same case, date and
        parties): each cell's label then gives it after the value,
        ``"0.71 · 16"``, so that a reader sees what a value rests on.

    Returns
    -------
    HeatmapData
        ``kind``, ``rows``/``columns`` (ids), ``row_labels``/
        ``column_labels``, ``vmin``/``vmax`` (the colour scale: [0, 1], or
        ±the largest absolute change rounded up to a tenth, at least 0.1, for
        deltas) and ``cells``, one row per cell, rows then columns: ``row``,
        ``column`` (ids), ``row_label``, ``column_label``, ``i``, ``j``
        (0-based positions, row 0 at the top), ``value`` (float, NaN for
        missing), ``is_nan``, ``text`` (2 decimals, signed for deltas,
        ``"–"`` for NaN), ``n_shared`` (int, or ``<NA>`` without ``shared``)
        and ``label``, what the cell prints (``text``, then ``" · n"`` with
        ``shared``); ``has_shared`` says whether counts were given.

    Raises
    ------
    UnknownIdError
        For an unknown ``kind``.
    ValueError
        When ``shared`` lacks a row or column of ``matrix``.

    Notes
    -----
    NaN means "no position / no shared issue" (or a party present on only
    one side of a comparison): it is never drawn as 0. O(n²).

    Examples
    --------
    >>> import engine
    >>> m = engine.conflict_matrix(engine.load_case("tests/cases/tiny"))
    >>> d = heatmap_data(m, kind="conflict")
    >>> d.cells.loc[(d.cells.row == "a") & (d.cells.column == "b"), "text"].item()
    '0.30'
    >>> n = engine.shared_issues_matrix(engine.load_case("tests/cases/tiny"))
    >>> d = heatmap_data(m, kind="conflict", shared=n)
    >>> d.cells.loc[(d.cells.row == "a") & (d.cells.column == "c"), "label"].item()
    '0.03 · 2'
    """
    if kind not in HEATMAP_KINDS:
        raise UnknownIdError("heatmap kind", kind, tuple(HEATMAP_KINDS))
    names = dict(names or {})
    rows, cols = [str(r) for r in matrix.index], [str(c) for c in matrix.columns]
    values = matrix.to_numpy(dtype=float)
    counts = _shared_counts(shared, matrix)
    signed = HEATMAP_KINDS[kind] is None
    recs = []
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            v = float(values[i, j])
            text = format_value(v, signed=signed)
            n = None if counts is None else int(counts[i, j])
            recs.append(
                {
                    "row": r,
                    "column": c,
                    "row_label": names.get(r, r),
                    "column_label": names.get(c, c),
                    "i": i,
                    "j": j,
                    "value": v,
                    "is_nan": math.isnan(v),
                    "text": text,
                    "n_shared": n,
                    "label": text if n is None else f"{text} · {n}",
                }
            )
    limits = HEATMAP_KINDS[kind]
    if limits is None:
        finite = np.abs(values[np.isfinite(values)])
        top = float(finite.max()) if finite.size else 0.0
        lim = max(0.1, math.ceil(top * 10 - 1e-9) / 10)
        limits = (-lim, lim)
    cells = pd.DataFrame(
        recs,
        columns=[
            "row",
            "column",
            "row_label",
            "column_label",
            "i",
            "j",
            "value",
            "is_nan",
            "text",
            "n_shared",
            "label",
        ],
    ).astype({"value": float, "is_nan": bool, "n_shared": "Int64"})
    return HeatmapData(
        kind=kind,
        rows=tuple(rows),
        columns=tuple(cols),
        row_labels=tuple(names.get(r, r) for r in rows),
        column_labels=tuple(names.get(c, c) for c in cols),
        vmin=float(limits[0]),
        vmax=float(limits[1]),
        cells=cells,
        has_shared=counts is not None,
    )


def _shared_counts(shared: pd.DataFrame | None, matrix: pd.DataFrame) -> np.ndarray | None:
    """``shared`` in ``matrix``'s row and column order, as ints (None without it)."""
    if shared is None:
        return None
    missing = [x for x in matrix.index if x not in shared.index]
    missing += [x for x in matrix.columns if x not in shared.columns]
    if missing:
        raise ValueError(f"shared-issue counts lack {sorted(set(map(str, missing)))}")
    return shared.loc[list(matrix.index), list(matrix.columns)].to_numpy(dtype=int)


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
    "overlap": "pair overlap (by stake)",
    "conflict": "pair conflict (by stake)",
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
    >>> from reports.figures.heatmap import heatmap_data
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

    Every cell prints its label (the value, and when the data has them the
    number of issues the pair shares, ``0.71 · 16``; black or white text,
    whichever contrasts more with the cell's colour); missing values ("no
    position / no shared issue") are grey and hatched; a legend under the
    axes explains both; the colour bar is labelled with the measure.

    Parameters
    ----------
    data : HeatmapData
        From :func:`heatmap_data`.
    ax : Axes, optional
        Where to draw (default: a new figure of :func:`size_heatmap`).
    title : str, optional
        Default: what the matrix is (e.g. "Conflict between parties …").

    Returns
    -------
    Axes
    """
    with style.zopa_style():
        ax = new_axes(ax, size_heatmap(data))
        title = title or _HEATMAP_TITLES.get(data.kind, data.kind)
        if not data.rows or not data.columns:
            return no_data(ax, title, "No parties to compare.")
        cmap = colormaps[style.CMAPS.get(data.kind, "cividis")].with_extremes(bad=style.NAN_COLOR)
        norm = Normalize(vmin=data.vmin, vmax=data.vmax)
        mesh = _draw_mesh(ax, data, cmap, norm)
        _draw_cells(ax, data, cmap, norm)
        _label_axes(ax, data)
        _colour_bar(ax, mesh, _HEATMAP_BAR.get(data.kind, data.kind))
        add_title(ax, title)
        _legend(ax, data)
        fit_column(ax)
        return ax


def _colour_bar(ax: Axes, mesh: QuadMesh, label: str) -> None:
    """The colour bar, right of the Axes: 0.9 of its height, 20 times as tall as wide.

    It is an inset of the Axes (3 % of the Axes' width away), so it moves
    with them and its labels count in their tight box (:mod:`reports.figures.fit`).
    """
    cax = ax.inset_axes([1.03, 0.05, 0.05, 0.9])
    cax.set_box_aspect(20)
    cax.set_anchor((0.0, 0.5))
    bar = ax.figure.colorbar(mesh, cax=cax)
    bar.set_label(label)
    bar.outline.set_visible(False)


def _draw_mesh(ax: Axes, data: HeatmapData, cmap: Colormap, norm: Normalize) -> QuadMesh:
    """The coloured cells (NaN masked, so drawn in the colour map's "bad" grey)."""
    n_r, n_c = len(data.rows), len(data.columns)
    values = np.full((n_r, n_c), np.nan)
    cells = data.cells
    values[cells["i"].to_numpy(), cells["j"].to_numpy()] = cells["value"].to_numpy()
    return ax.pcolormesh(
        np.arange(n_c + 1) - 0.5,
        np.arange(n_r + 1) - 0.5,
        np.ma.masked_invalid(values),
        cmap=cmap,
        norm=norm,
        edgecolors="white",
        linewidth=1.5,
    )


def _cell_font(data: HeatmapData) -> float:
    """Cell text size: 10 pt for at most 8 parties (9 pt with the shared-issue count), else 8."""
    if max(len(data.rows), len(data.columns)) > 8:
        return 8
    return 9 if data.has_shared else 10


def _draw_cells(ax: Axes, data: HeatmapData, cmap: Colormap, norm: Normalize) -> None:
    """Each cell's label; a missing value gets a hatched grey patch and a muted, bold label."""
    font = _cell_font(data)
    for cell in data.cells.itertuples(index=False):
        i, j = int(cell.i), int(cell.j)
        if cell.is_nan:
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
            color, size, weight = style.TEXT_MUTED, font + (0 if data.has_shared else 2), "bold"
        else:
            color, size, weight = style.contrast_text(cmap(norm(cell.value))), font, "normal"
        ax.text(
            j,
            i,
            cell.label,
            ha="center",
            va="center",
            fontsize=size,
            fontweight=weight,
            color=color,
            zorder=3,
            in_layout=False,  # inside its cell: no need to measure it for the layout
        )


def _label_axes(ax: Axes, data: HeatmapData) -> None:
    """Limits (row 0 at the top), wrapped party names as tick labels, no spines."""
    n_r, n_c = len(data.rows), len(data.columns)
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


def _legend(ax: Axes, data: HeatmapData) -> None:
    """Under the axes: what a cell's label says (with counts) and what a hatched cell means."""
    handles = []
    if data.has_shared:
        handles.append(Patch(facecolor="none", edgecolor="none", label=SHARED_LEGEND))
    if data.cells["is_nan"].any():
        handles.append(
            Patch(
                facecolor=style.NAN_COLOR,
                hatch=style.HATCH_NAN,
                hatchcolor="#B5B5B5",
                edgecolor="#B5B5B5",
                label="– no position / no shared issue",
            )
        )
    if handles:
        legend_below(ax, handles, ncol=1)


def alt_heatmap(data: HeatmapData) -> str:
    """Alternative text: the matrix's extremes among pairs of different parties.

    Examples
    --------
    >>> import engine
    >>> from reports.figures.heatmap import heatmap_data
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
