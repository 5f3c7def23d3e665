"""One place for the look of zopa's figures, and deterministic output.

Colours
-------
Parties get the **Okabe–Ito** palette (Okabe & Ito 2008, "Color Universal
Design"): eight colours that stay distinct for the common forms of colour
blindness. It is reordered so that the first two parties of a case (usually
the belligerents) get the most distinct pair, blue and vermillion. Beyond
eight parties the colours repeat and the second round is told apart by a
hatch, a marker shape and a line style (:func:`party_style`), so two
parties never share every visual channel; and figures always label parties
by name as well, so colour is never the only key.

Matrices use perceptually uniform, colour-blind-safe colormaps:
``cividis`` for overlap (bright = alike), ``magma_r`` for conflict, gap and
distance (dark = far apart) and the diverging ``RdBu`` for deltas, oriented
so that **blue always means "better"** (more overlap, less conflict).
Missing values ("no position / no shared issue") are a light grey with a
hatch, never a colour of the colormap. Red lines are dark red **and** a
shape (a hatch and an outline, an ``X`` marker), so they survive greyscale
printing and colour blindness. "No position" is a light grey.

Determinism
-----------
:func:`zopa_style` applies the rcParams the figures need: the bundled
DejaVu Sans font, a fixed ``svg.hashsalt`` (deterministic ids), text kept as
text in SVG (``svg.fonttype = "none"``: accessible, searchable, small), and
no dates in metadata. :func:`to_svg`, :func:`to_png` and :func:`to_pdf`
strip the remaining varying metadata (dates, the matplotlib version), so the
same figure gives the same bytes on every run.

Figures are :class:`matplotlib.figure.Figure` objects created without
:mod:`matplotlib.pyplot`: no global state, no backend needed, nothing leaks
when a report renders many figures. In a notebook, ``ax.figure`` displays.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = [
    "CMAPS",
    "DPI",
    "FONT",
    "GRID",
    "HATCH_NAN",
    "IDEAL_MARKER",
    "NAN_COLOR",
    "NO_POSITION",
    "OKABE_ITO",
    "PARTY_COLORS",
    "RC",
    "RED_LINE",
    "RED_LINE_HATCH",
    "RED_LINE_MARKER",
    "TEXT",
    "TEXT_MUTED",
    "ZONE",
    "PartyStyle",
    "contrast_text",
    "new_figure",
    "party_style",
    "renumber_ids",
    "to_pdf",
    "to_png",
    "to_svg",
    "zopa_style",
]

#: The Okabe–Ito palette, by name (hex sRGB).
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}

#: Party colours in the order parties receive them: the most distinct pair first.
PARTY_COLORS: tuple[str, ...] = tuple(
    OKABE_ITO[name]
    for name in (
        "blue",
        "vermillion",
        "bluish_green",
        "orange",
        "reddish_purple",
        "sky_blue",
        "yellow",
        "black",
    )
)

_HATCHES = ("", "//", "..", "xx")
_MARKERS = ("o", "s", "^", "D")
_LINESTYLES = ("-", "--", ":", "-.")

#: Red line: dark red, always with a shape (hatch, outline, ``X`` marker).
RED_LINE = "#8B0000"
RED_LINE_HATCH = "////"
RED_LINE_MARKER = "X"
#: The ideal position's marker (a red-line ideal uses :data:`RED_LINE_MARKER`).
IDEAL_MARKER = "D"
#: "No position": a light grey (with a dashed outline where it is a cell).
NO_POSITION = "#D9D9D9"
#: Missing matrix values: light grey plus :data:`HATCH_NAN`.
NAN_COLOR = "#EDEDED"
HATCH_NAN = "xx"
#: The agreement zone band: a pale yellow-green, outlined, labelled in words.
ZONE = "#FFF3B0"
#: Text and muted text; light grid lines.
TEXT = "#1A1A1A"
TEXT_MUTED = "#555555"
GRID = "#BFBFBF"

#: Colormaps by the kind of matrix (see the module's docstring).
CMAPS = {
    "overlap": "cividis",
    "compatible": "cividis",
    "conflict": "magma_r",
    "gap": "magma_r",
    "distance": "magma_r",
    "overlap_delta": "RdBu",
    "conflict_delta": "RdBu_r",
}

#: Resolution of PNG output (dots per inch).
DPI = 150
#: The bundled font (ships with matplotlib, so output never depends on the system's fonts).
FONT = "DejaVu Sans"

#: rcParams applied by :func:`zopa_style`.
RC: dict[str, Any] = {
    "text.parse_math": False,  # names come from case files: never read as mathtext
    "font.family": "sans-serif",
    "font.sans-serif": [FONT],
    "font.size": 10.0,
    "axes.titlesize": 12.0,
    "axes.titleweight": "bold",
    "axes.labelsize": 10.0,
    "axes.edgecolor": "#4D4D4D",
    "axes.labelcolor": TEXT,
    "text.color": TEXT,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "xtick.labelsize": 9.0,
    "ytick.labelsize": 9.0,
    "legend.fontsize": 9.0,
    "legend.title_fontsize": 9.0,
    "legend.frameon": False,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "figure.dpi": 100,
    "savefig.dpi": DPI,
    "hatch.linewidth": 0.8,
    "svg.hashsalt": "zopa",
    "svg.fonttype": "none",
    "svg.image_inline": True,
    "pdf.fonttype": 42,
    "pdf.compression": 6,
    "path.simplify": True,
    "axes.unicode_minus": True,
    "figure.constrained_layout.h_pad": 0.06,
    "figure.constrained_layout.w_pad": 0.06,
}


@dataclass(frozen=True)
class PartyStyle:
    """How one party is drawn: colour plus the channels that separate a second round of colours."""

    color: str
    hatch: str
    marker: str
    linestyle: str


def party_style(index: int) -> PartyStyle:
    """The style of the party at position ``index`` in the case's order.

    The eight Okabe–Ito colours come first with no hatch, circles and solid
    lines; parties 9–16 reuse the colours with a ``//`` hatch, squares and
    dashed lines; and so on (four rounds, then the cycle repeats).

    Examples
    --------
    >>> party_style(0).color, party_style(8).color == party_style(0).color
    ('#0072B2', True)
    >>> party_style(8).hatch, party_style(8).marker
    ('//', 's')
    """
    n = len(PARTY_COLORS)
    round_ = (index // n) % len(_HATCHES)
    return PartyStyle(
        PARTY_COLORS[index % n], _HATCHES[round_], _MARKERS[round_], _LINESTYLES[round_]
    )


def _luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG relative luminance of an sRGB colour with components in [0, 1]."""

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_text(color: Any) -> str:
    """Black or white, whichever contrasts more with a background colour (WCAG ratio).

    Examples
    --------
    >>> contrast_text("#000000"), contrast_text("#FFFFFF"), contrast_text("#0072B2")
    ('white', 'black', 'white')
    """
    r, g, b = mpl.colors.to_rgb(color)
    lum = _luminance((r, g, b))
    on_black = (lum + 0.05) / 0.05
    on_white = 1.05 / (lum + 0.05)
    return "black" if on_black >= on_white else "white"


@contextlib.contextmanager
def zopa_style() -> Iterator[None]:
    """Apply zopa's rcParams for the duration of a ``with`` block.

    Drawing functions in :mod:`reports.figures.draw` apply it themselves; use it
    around your own additions to a figure to get the same look.
    """
    with mpl.rc_context(RC):
        yield


def new_figure(width_in: float, height_in: float) -> tuple[Figure, Axes]:
    """A new figure with one Axes, constrained layout, in zopa's style.

    Parameters
    ----------
    width_in, height_in : float
        Size in inches (see the ``size_*`` functions of :mod:`reports.figures.draw`).

    Returns
    -------
    (Figure, Axes)
        Created without :mod:`matplotlib.pyplot` (no global state).
    """
    with zopa_style():
        fig = Figure(figsize=(float(width_in), float(height_in)), layout="constrained")
        ax = fig.add_subplot()
    return fig, ax


def _close(fig: Figure) -> None:
    """Release a figure (and tell pyplot, if it knows it)."""
    import sys

    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        plt.close(fig)


_COMMENT = re.compile(r"<!--.*?-->\s*", re.S)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
#: An id and every reference to one: ``id="X"``, ``url(#X)``, ``href="#X"``. (Every
#: attribute follows white space; matching it, not a word boundary, is twice as fast.)
_ID_OR_REF = re.compile(r'(\sid="|url\(#|href="#)([^")]+)')


def renumber_ids(svg: str) -> str:
    """Give every id in an SVG document a name that depends only on what is drawn.

    matplotlib names clip paths and markers by hashing their geometry, and a
    float that differs in its last bit (after other figures were drawn in the
    same process) changes the name, so the same figure could come out with
    different bytes. Here the ids are numbered in order of first appearance,
    behind a prefix hashed from the document with its ids blanked: the same
    drawing always gets the same ids, and two different figures inlined in one
    HTML page never share one.
    """
    order: dict[str, None] = {}
    blank = _ID_OR_REF.sub(lambda m: order.setdefault(m.group(2)) or m.group(1), svg)
    prefix = "z" + hashlib.sha1(blank.encode("utf-8")).hexdigest()[:8]
    names = {old: f"{prefix}-{n}" for n, old in enumerate(order, start=1)}
    return _ID_OR_REF.sub(lambda m: m.group(1) + names[m.group(2)], svg)


def to_svg(fig: Figure, *, close: bool = True, alt: str | None = None) -> str:
    """The figure as an SVG document (text), byte-identical across runs.

    Parameters
    ----------
    fig : Figure
    close : bool
        Release the figure afterwards (default).
    alt : str, optional
        Alternative text: written as the SVG's ``<title>`` (read by screen
        readers and shown as a tooltip), escaped.

    Returns
    -------
    str
        No XML comments, no ``<metadata>`` (date, matplotlib version), ids
        renumbered by :func:`renumber_ids`; text stays text.
    """
    buf = io.StringIO()
    with zopa_style():
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    if close:
        _close(fig)
    # one <metadata>, near the top: stop there rather than search the whole document
    svg = renumber_ids(_METADATA.sub("", _COMMENT.sub("", buf.getvalue()), count=1))
    if alt:
        svg = re.sub(
            r"(<svg\b[^>]*>)",
            lambda m: f"{m.group(1)}\n <title>{escape(alt)}</title>",
            svg,
            count=1,
        )
    return svg


def to_png(fig: Figure, dpi: int = DPI, *, close: bool = True) -> bytes:
    """The figure as PNG bytes, with no metadata (no software version, no date)."""
    buf = io.BytesIO()
    with zopa_style():
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    if close:
        _close(fig)
    return buf.getvalue()


def to_pdf(fig: Figure, *, close: bool = True) -> bytes:
    """The figure as PDF bytes, with no creation date and no producer version."""
    buf = io.BytesIO()
    with zopa_style():
        fig.savefig(
            buf,
            format="pdf",
            metadata={"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
        )
    if close:
        _close(fig)
    return buf.getvalue()
