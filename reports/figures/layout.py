"""Drawing steps shared by the figures: new Axes, titles, legends, the "no data" panel."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.legend_handler import HandlerBase
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text
from matplotlib.transforms import ScaledTranslation

from reports.figures import style
from reports.figures.labels import wrap

__all__ = [
    "Boxes",
    "acceptable_handle",
    "add_title",
    "color_spines",
    "draw_no_position",
    "frame_tick_labels",
    "hide_spines",
    "ideal_handle",
    "legend_below",
    "legend_under_title",
    "line_chars",
    "line_handle",
    "marker_handle",
    "new_axes",
    "no_data",
    "no_position_handle",
    "party_color",
    "plot_ideal",
    "red_line_handles",
    "shade_alternate_rows",
    "ticks_on_top",
    "vertical_rules",
]


def new_axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is None:
        _, ax = style.new_figure(*size)
    return ax


def party_color(index: int) -> str:
    return style.party_style(int(index)).color


def line_chars(ax: Axes, frac: float = 0.62) -> int:
    """About how many 10-point characters fit on a line across ``frac`` of the figure."""
    return max(30, int(ax.figure.get_figwidth() * frac * 12.5))


def add_title(
    ax: Axes, title: str, subtitle: str = "", width: int | None = None, pad: float = 8.0
) -> None:
    """A bold title with an optional plain subtitle below it (both wrapped, flush left).

    The subtitle is the Axes' (left) title, which matplotlib places clear of
    tick labels on top of the Axes; the bold title hangs above it.
    """
    width = width or line_chars(ax)
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


def _renderer(fig: Any) -> Any:
    canvas = fig.canvas
    if hasattr(canvas, "get_renderer"):
        return canvas.get_renderer()
    return fig._get_renderer()


def legend_below(
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
        handler_map={TextMark: _TextMarkHandler(), **kw.pop("handler_map", {})},
        **kw,
    )
    if title:
        leg.get_title().set_ha("center")


def legend_under_title(ax: Axes, handles: list[Any]) -> float:
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


def no_data(ax: Axes, title: str, message: str) -> Axes:
    ax.set_xticks([])
    ax.set_yticks([])
    hide_spines(ax)
    add_title(ax, title)
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


def red_line_handles() -> list[Any]:
    return [
        Patch(
            facecolor="#9A9A9A",
            hatch=style.RED_LINE_HATCH,
            hatchcolor=style.RED_LINE,
            edgecolor=style.RED_LINE,
            linewidth=1.8,
            label="red line (will not move)",
        ),
        marker_handle(
            "ideal of a red-line position",
            style.RED_LINE_MARKER,
            color=style.RED_LINE,
            markeredgecolor="white",
            markersize=9,
        ),
    ]


class TextMark:
    """A legend entry whose key is a short text drawn as in the figure (e.g. the map's *if*).

    A mathtext marker cannot do it: the report's style reads no mathtext
    (``text.parse_math`` is off, since names come from case files).
    """

    def __init__(self, label: str, text: str, **text_kw: Any) -> None:
        self._label, self.text, self.text_kw = label, text, text_kw

    def get_label(self) -> str:
        return self._label


class _TextMarkHandler(HandlerBase):
    def create_artists(  # type: ignore[override]
        self,
        legend: Any,
        orig_handle: TextMark,
        xdescent: float,
        ydescent: float,
        width: float,
        height: float,
        fontsize: float,
        trans: Any,
    ) -> list[Text]:
        x, y = width / 2 - xdescent, height / 2 - ydescent
        kw = {"ha": "center", "va": "center", **orig_handle.text_kw}
        return [Text(x, y, orig_handle.text, transform=trans, **kw)]


def marker_handle(label: str, marker: str, **kw: Any) -> Line2D:
    """A legend entry showing a marker alone (no line)."""
    return Line2D([], [], ls="", marker=marker, label=label, **kw)


def line_handle(label: str, **kw: Any) -> Line2D:
    """A legend entry showing a line."""
    return Line2D([], [], label=label, **kw)


def acceptable_handle(label: str) -> Patch:
    """The legend entry of what a party accepts (its colour, shown grey)."""
    return Patch(facecolor="#9A9A9A", edgecolor="white", label=label)


def ideal_handle(label: str, markersize: float) -> Line2D:
    """The legend entry of a party's ideal: a black diamond."""
    return marker_handle(
        label, style.IDEAL_MARKER, color="black", markeredgecolor="white", markersize=markersize
    )


def no_position_handle() -> Patch:
    """The legend entry of "no position": light grey, dashed outline."""
    return Patch(
        facecolor=style.NO_POSITION,
        edgecolor="#9A9A9A",
        linestyle=(0, (3, 2)),
        label="no position",
    )


#: How a box reads "no position" (light grey, dashed grey outline), wherever it is drawn.
NO_POSITION_BOX: dict[str, Any] = {
    "facecolor": style.NO_POSITION,
    "edgecolor": "#9A9A9A",
    "linestyle": (0, (3, 2)),
    "lw": 0.8,
    "zorder": 1,
}


def draw_no_position(
    ax: Axes,
    xy: tuple[float, float],
    width: float,
    height: float,
    *,
    fontsize: float,
    transform: Any = None,
    **kw: Any,
) -> None:
    """A light grey box with a dashed outline, reading "no position" at its centre.

    ``transform`` (default: data coordinates) applies to the box and the
    text; ``kw`` goes to the box (e.g. ``alpha``) except ``rotation``, which
    turns the text.
    """
    rotation = kw.pop("rotation", 0)
    where = {} if transform is None else {"transform": transform}
    ax.add_patch(
        Rectangle(
            xy,
            width,
            height,
            **NO_POSITION_BOX,
            **where,
            **kw,
        )
    )
    centre = (xy[0] + width / 2, xy[1] + height / 2)
    ax.text(
        *centre,
        "no position",
        rotation=rotation,
        ha="center",
        va="center",
        fontsize=fontsize,
        color=style.TEXT_MUTED,
        zorder=2,
        **where,
    )


def plot_ideal(
    ax: Axes, x: Any, y: Any, *, red: bool, size: float, red_size: float, edge: float
) -> None:
    """A party's ideal: a black diamond, or a dark-red ``X`` for a red line.

    ``x`` and ``y`` may be sequences: one mark each, all in one artist.
    """
    ax.plot(
        np.atleast_1d(x),
        np.atleast_1d(y),
        ls="",
        marker=style.RED_LINE_MARKER if red else style.IDEAL_MARKER,
        markersize=red_size if red else size,
        color=style.RED_LINE if red else "black",
        markeredgecolor="white",
        markeredgewidth=edge,
        zorder=4,
    )


def shade_alternate_rows(
    ax: Axes, n_rows: int, width: float, *, x: float = -0.5, y: float = -0.5
) -> None:
    """A light band behind every other row (rows 1, 3, …), ``width`` wide from ``x``."""
    bands = Boxes()
    for r in range(1, n_rows, 2):
        bands.add((x, r + y), width, 1, facecolor="#F4F4F4", zorder=0)
    bands.draw(ax)


class Boxes:
    """Rectangles drawn as one collection per look instead of one patch each.

    A patch costs its own artist (and, added with ``ax.add_patch``, an
    update of the data limits); hundreds of cells drawn as patches are most
    of a figure's drawing time. Rectangles that share a z-order, line
    width, line style, hatch and clipping go into one collection, each with
    its own face and edge colour; within a collection they are drawn in the
    order added, and collections stack by z-order as patches do. The Axes'
    limits are not updated: set them.

    Examples
    --------
    >>> from reports.figures import style
    >>> fig, ax = style.new_figure(2, 2)
    >>> boxes = Boxes()
    >>> boxes.add((0, 0), 1, 1, facecolor="white", edgecolor="grey", lw=0.8)
    >>> boxes.add((1, 0), 1, 1, facecolor="black", edgecolor="grey", lw=0.8)
    >>> boxes.draw(ax)
    >>> len(ax.collections)
    1
    """

    def __init__(self) -> None:
        self._groups: dict[tuple[Any, ...], tuple[list[Any], list[Any], list[Any]]] = {}

    def add(
        self,
        xy: tuple[float, float],
        width: float,
        height: float,
        *,
        facecolor: Any,
        edgecolor: Any = "none",
        lw: float = 0.0,
        zorder: float = 1.0,
        hatch: str | None = None,
        hatchcolor: Any = None,
        linestyle: Any = "solid",
        clip_on: bool = True,
    ) -> None:
        """One rectangle: lower-left corner ``xy``, ``width`` by ``height`` in data units."""
        key = (float(zorder), float(lw), hatch or None, hatchcolor if hatch else None)
        key += (linestyle, bool(clip_on))
        verts, faces, edges = self._groups.setdefault(key, ([], [], []))
        x0, y0 = float(xy[0]), float(xy[1])
        x1, y1 = x0 + float(width), y0 + float(height)
        verts.append([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
        faces.append(facecolor)
        edges.append(edgecolor)

    def draw(self, ax: Axes) -> None:
        """Add the collections to ``ax`` (lowest z-order first)."""
        for key in sorted(self._groups, key=lambda k: k[0]):
            verts, faces, edges = self._groups[key]
            zorder, lw, hatch, hatchcolor, linestyle, clip_on = key
            extra = {"hatch": hatch, "hatchcolors": hatchcolor} if hatch else {}
            ax.add_collection(
                PolyCollection(
                    verts,
                    facecolors=faces,
                    edgecolors=edges,
                    linewidths=lw,
                    linestyles=linestyle,
                    zorder=zorder,
                    clip_on=clip_on,
                    **extra,
                ),
                autolim=False,
            )


def vertical_rules(ax: Axes, xs: Any, **kw: Any) -> None:
    """Full-height vertical lines at data positions ``xs``, as one collection.

    Looks like one ``ax.axvline`` per position, without an artist and a
    data-limit update each; ``kw`` goes to :meth:`~matplotlib.axes.Axes.vlines`.
    """
    xs = list(xs)
    if xs:
        ax.vlines(xs, 0, 1, transform=ax.get_xaxis_transform(), **kw)


def hide_spines(ax: Axes) -> None:
    for s in ax.spines.values():
        s.set_visible(False)


def color_spines(ax: Axes, color: str = "#BFBFBF") -> None:
    for s in ax.spines.values():
        s.set_color(color)


def ticks_on_top(ax: Axes) -> None:
    """The x tick labels and the x label above the Axes."""
    ax.xaxis.tick_top()
    ax.xaxis.set_label_position("top")


def frame_tick_labels(labels: list[Any], color_indices: Any) -> None:
    """Frame each party's tick label in the party's colour."""
    for lab, ci in zip(labels, color_indices, strict=True):
        lab.set_bbox(
            {
                "boxstyle": "square,pad=0.15",
                "facecolor": "white",
                "edgecolor": party_color(ci),
                "linewidth": 2.0,
            }
        )
