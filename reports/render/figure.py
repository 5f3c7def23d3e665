"""The report's figures: drawn on demand, in the formats asked for, with their smallest font.

:class:`Figure` keeps a figure's data and its drawing functions; the HTML
and Markdown take its SVG, the PDF draws a PNG (or one :class:`Part` at a
time) at the size its page allows, checked against :data:`MIN_PRINT_PT`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reports.figures import style

__all__ = ["MIN_PRINT_PT", "Figure", "Part", "min_font_size", "position_map_rows"]


#: Smallest text a reader should meet in a printed figure (points).
MIN_PRINT_PT = 7.0


@dataclass(frozen=True)
class Part:
    """A piece of a figure drawn on its own (for the PDF, where the whole does not fit a page)."""

    title: str
    data: Any
    plot: Callable[..., Any]
    size: Callable[[Any], tuple[float, float]]


class Figure:
    """A report figure, drawn only in the formats asked for.

    ``svg`` (for HTML and Markdown) is drawn on first use and kept;
    :meth:`png` draws a PNG at any size (the PDF sizes each figure for its
    page, so that no text prints under :data:`MIN_PRINT_PT`). ``parts`` are
    the pieces the PDF draws instead when the whole figure would not fit a
    page at a legible scale (empty: the PDF draws the whole). ``in_html``:
    the HTML report shows this figure as a picture (False: it shows the same
    content otherwise, so an HTML-only report never draws it).
    """

    def __init__(
        self,
        name: str,
        title: str,
        caption: str,
        data: Any,
        plot: Callable[..., Any],
        size: Callable[[Any], tuple[float, float]],
        alt: Callable[[Any], str],
        parts: tuple[Part, ...] = (),
        in_html: bool = True,
    ) -> None:
        self.name, self.title, self.caption = name, title, caption
        self.data, self.plot, self.size = data, plot, size
        self.width, self.height = size(data)
        self.alt = alt(data)
        self.parts = parts
        self.in_html = in_html
        self._svg: str | None = None

    @property
    def has_svg(self) -> bool:
        """Is the SVG drawn already?"""
        return self._svg is not None

    def set_svg(self, svg: str) -> None:
        """Keep an SVG of this figure drawn elsewhere (:class:`reports.render.drawing.SvgDrawer`)."""
        self._svg = svg

    @property
    def svg(self) -> str:
        """The figure as SVG text (drawn once, at its natural size)."""
        if self._svg is None:
            fig, _ = self.draw()
            self._svg = style.to_svg(fig, alt=self.alt)
        return self._svg

    def draw(
        self, size: tuple[float, float] | None = None, part: Part | None = None
    ) -> tuple[Any, float]:
        """A new matplotlib figure of this figure (or of one part), and its smallest font size (pt)."""
        data, plot, natural = (
            (self.data, self.plot, self.size)
            if part is None
            else (part.data, part.plot, part.size)
        )
        width, height = size or natural(data)
        fig, ax = style.new_figure(width, height)
        plot(data, ax=ax)
        return fig, min_font_size(fig)

    def png(self, size: tuple[float, float] | None = None, part: Part | None = None) -> bytes:
        """The figure (or one part) as PNG, at ``size`` inches (default: its natural size)."""
        fig, _ = self.draw(size, part)
        return style.to_png(fig)


def min_font_size(fig: Any) -> float:
    """The smallest font size (points) of any visible, non-empty text in a matplotlib figure."""
    from matplotlib.text import Text

    sizes = [
        float(t.get_fontsize())
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip()
    ]
    # numeric tick labels get their text only when drawn: count their size from the first tick
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            ticks = axis.get_major_ticks()
            if ax.get_visible() and axis.get_visible() and ticks:
                sizes += [
                    float(t.get_fontsize())
                    for t in (ticks[0].label1, ticks[0].label2)
                    if t.get_visible()
                ]
    return min(sizes, default=float("inf"))


def position_map_rows(data: Any, start: int, stop: int) -> Any:
    """The position map's rows ``start:stop`` (issues in the map's order) as a map of their own."""
    import dataclasses

    keep = data.issues.iloc[start:stop]
    ids = list(keep["issue"])
    issues = keep.assign(row=range(len(keep))).reset_index(drop=True)
    row_of = dict(zip(ids, issues["row"], strict=True))
    cells = data.cells[data.cells["issue"].isin(ids)].copy()
    cells["row"] = cells["issue"].map(row_of)
    options = data.options
    if "issue" in options.columns:
        options = options[options["issue"].isin(ids)].reset_index(drop=True)
    return dataclasses.replace(
        data, issues=issues, cells=cells.reset_index(drop=True), options=options
    )
