"""Lay a figure's Axes out when it is drawn, in one pass: a faster constrained layout.

matplotlib's constrained layout measures every label several times: twice
while it solves, then once more in a draw that ``savefig`` makes only to run
the layout, and again in the draw that writes the file, each time with a new
renderer that measures the text anew. The figures here are a single column
of Axes (one, or the timeline's three panels) whose labels do not change
with the Axes' size, which needs much less: measure each Axes' tight box
once, with the renderer that is about to draw (so the draw finds the text
already measured), and place the Axes so that every box keeps the same
padding from the figure's edges and from its neighbours as constrained
layout gives it.

:func:`fit_column` replaces a figure's constrained layout by this one. A
colour bar belongs inside its Axes' box for it: make it an inset
(``ax.inset_axes``), not a new Axes of the figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib as mpl
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.ticker import FixedLocator

__all__ = ["fit_column"]


def fit_column(axes: Axes | Sequence[Axes]) -> bool:
    """Lay ``axes`` out at draw time (:class:`ColumnFit`) instead of with constrained layout.

    Only a figure made for these Axes is changed: it must have constrained
    layout and exactly these Axes, in one column of one grid (a figure
    from :func:`reports.figures.style.new_figure`, or the timeline's
    three panels in its slot). The padding is the constrained layout's.

    Parameters
    ----------
    axes : Axes or sequence of Axes
        The figure's Axes, top to bottom.

    Returns
    -------
    bool
        Whether the figure was changed (False: its own layout stays).
    """
    panels = [axes] if isinstance(axes, Axes) else list(axes)
    fig = panels[0].get_figure(root=True)
    engine = fig.get_layout_engine()
    if not isinstance(engine, ConstrainedLayoutEngine) or list(fig.axes) != panels:
        return False
    specs = [ax.get_subplotspec() for ax in panels]
    if any(s is None or s.get_gridspec() is not specs[0].get_gridspec() for s in specs):
        return False
    if specs[0].get_gridspec().ncols != 1:
        return False
    params = engine.get()
    ratios = specs[0].get_gridspec().get_height_ratios() or [1.0] * len(panels)
    weights = [float(sum(ratios[r] for r in s.rowspan)) for s in specs]
    with mpl.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
        fig.set_layout_engine(None)
    fig.add_artist(ColumnFit(panels, weights, params["w_pad"], params["h_pad"]))
    return True


class ColumnFit(Artist):
    """An invisible artist that places its figure's Axes when the figure is drawn.

    It is drawn first (lowest z-order) and draws nothing: it measures each
    Axes' tight box (without the widths of titles and axis labels, as
    constrained layout does) with the renderer at hand, then sets the Axes'
    positions: the same left and right edges for all (the widest margins
    win), heights in proportion to ``weights``, and ``w_pad``/``h_pad``
    inches between each tight box and the figure's edge or the next box.
    The margins are measured a second time, at the new size, when a panel
    has insets (a colour bar is sized and spaced with its Axes) or when
    ticks that a locator chooses (not fixed ones) moved with the new size.

    If the figure has gained other Axes since, or an Axes has a locator
    (``savefig(bbox_inches="tight")`` pins them with one while it saves),
    it steps aside and leaves every position as it is.

    Parameters
    ----------
    panels : list of Axes
        Top to bottom.
    weights : list of float
        Relative heights of the panels' Axes (their grid's height ratios).
    w_pad, h_pad : float
        Padding in inches.
    """

    def __init__(
        self, panels: list[Axes], weights: list[float], w_pad: float, h_pad: float
    ) -> None:
        super().__init__()
        self._panels = panels
        self._weights = weights
        self._pad = (float(w_pad), float(h_pad))
        self.set_zorder(float("-inf"))
        self.set_in_layout(False)

    def draw(self, renderer: Any) -> None:
        """Place the Axes for this renderer (draws nothing)."""
        fig = self.get_figure(root=True)
        if not self.get_visible() or list(fig.axes) != self._panels:
            return
        if any(ax.get_axes_locator() is not None for ax in self._panels):
            return  # placed by someone else (e.g. savefig's bbox_inches="tight")
        ticks = _auto_ticks(self._panels)
        self._place(renderer)
        insets = any(ax.child_axes for ax in self._panels)
        if insets or _auto_ticks(self._panels) != ticks:
            self._place(renderer)  # sized with their Axes, or relabelled: measure again
        self.stale = False

    def _place(self, renderer: Any) -> None:
        """One pass: measure the margins around each Axes, then set its position."""
        fig = self.get_figure(root=True)
        width, height = fig.get_size_inches()
        dpi = fig.dpi
        margins = []
        for ax in self._panels:
            pos = ax.get_position(original=True).transformed(fig.transFigure)
            box = ax.get_tightbbox(renderer, for_layout_only=True)
            if box is None:
                box = pos
            margins.append(
                (
                    (pos.x0 - box.x0) / dpi,
                    (box.x1 - pos.x1) / dpi,
                    (pos.y0 - box.y0) / dpi,
                    (box.y1 - pos.y1) / dpi,
                )
            )
        w_pad, h_pad = self._pad
        left = max(m[0] for m in margins) + w_pad
        right = max(m[1] for m in margins) + w_pad
        inner_w = max(width - left - right, 0.01 * width)
        free = height - sum(m[2] + m[3] + 2 * h_pad for m in margins)
        total = sum(self._weights)
        top = height
        for ax, m, w in zip(self._panels, margins, self._weights, strict=True):
            h = max(free * w / total, 0.01 * height)
            top -= h_pad + m[3]
            ax.set_position([left / width, (top - h) / height, inner_w / width, h / height])
            ax.set_in_layout(True)
            top -= h + m[2] + h_pad


def _auto_ticks(panels: list[Axes]) -> tuple[tuple[float, ...], ...]:
    """Where a locator puts labelled ticks on the panels and their insets (fixed ticks left out).

    A locator chooses ticks for the Axes' size, so these may change when an
    Axes is placed; fixed ticks never do.
    """
    locs = []
    for a in (x for ax in panels for x in (ax, *ax.child_axes)):
        for axis in (a.xaxis, a.yaxis):
            if isinstance(axis.get_major_locator(), FixedLocator):
                continue
            first = axis.get_major_ticks(1)
            if first and (first[0].label1.get_visible() or first[0].label2.get_visible()):
                locs.append(tuple(axis.get_majorticklocs()))
    return tuple(locs)
