"""The marks of the incompatibility graph: nodes, conflict arcs, linkages and their legend.

:mod:`reports.figures.graph` lays the graph on the position map's grid and
calls these to draw it; the legend is built from the same sizes, colours and
widths, so the two cannot drift apart.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.patches import FancyArrowPatch
from matplotlib.path import Path

from reports.figures import style
from reports.figures.layout import line_handle, marker_handle, party_color

__all__ = [
    "EDGE_FULL",
    "draw_conflict_arcs",
    "draw_linkages",
    "draw_nodes",
    "edge_color",
    "edge_width",
    "graph_handles",
    "node_size",
]


#: Conflict weight drawn at full width and darkness (weights run from 0 to 1).
EDGE_FULL = 1.0


def edge_color(f: float) -> tuple[float, float, float, float]:
    """Light grey for weak conflicts to near-black for strong ones (f in [0, 1])."""
    return _GREYS(0.3 + 0.55 * f)


_GREYS = colormaps["Greys"]


def edge_width(f: float) -> float:
    """Line width of a conflict arc of weight fraction f: 0.5 to 4 points."""
    return 0.5 + 3.5 * f


def node_size(salience: Any) -> Any:
    """Marker area (points²) of a position of this salience: 40 + 260 · s."""
    return 40 + 260 * np.asarray(salience, dtype=float)


def draw_conflict_arcs(ax: Axes, conf: pd.DataFrame) -> None:
    """An arc over its row per conflict, darker and thicker with its weight.

    Stronger arcs lie on top of weaker ones, and arcs of weight fraction
    over 0.5 on top of the linkages (z-order 2.5); the arcs are two
    collections (below and above the linkages), each in order of weight.
    """
    arcs = []
    for e in conf.to_dict("records"):
        x0, x1, y, h = e["x0"], e["x1"], e["y0"], e["height"]
        path = Path(
            [(x0, y), ((x0 + x1) / 2, y - 2 * h), (x1, y)],
            [Path.MOVETO, Path.CURVE3, Path.CURVE3],
        )
        arcs.append((min(float(e["weight"]) / EDGE_FULL, 1.0), path))
    arcs.sort(key=lambda a: a[0])  # stable: equal weights keep their order
    for below, zorder in ((True, 2.0), (False, 3.0)):
        chosen = [(f, p) for f, p in arcs if (f <= 0.5) == below]
        if chosen:
            ax.add_collection(
                PathCollection(
                    [p for _, p in chosen],
                    facecolors="none",
                    edgecolors=[edge_color(f) for f, _ in chosen],
                    linewidths=[edge_width(f) for f, _ in chosen],
                    capstyle="round",
                    zorder=zorder,
                ),
                autolim=False,
            )


def draw_linkages(ax: Axes, link: pd.DataFrame) -> None:
    """A dashed curve per linkage between two issues' rows."""
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


def draw_nodes(ax: Axes, nodes: pd.DataFrame) -> None:
    """Positions: circles, squares outlined in dark red for red lines, rings for relaxing."""
    sizes = node_size(nodes["salience"])
    red = nodes["red_line"].to_numpy(dtype=bool)
    cols = np.array([party_color(i) for i in nodes["color_index"]], dtype=object)
    for chosen, marker, edge, width in (
        (~red, "o", "white", 1.0),
        (red, "s", style.RED_LINE, 2.2),
    ):
        if chosen.any():
            ax.scatter(
                nodes.loc[chosen, "x"],
                nodes.loc[chosen, "y"],
                s=sizes[chosen],
                c=list(cols[chosen]),
                marker=marker,
                edgecolors=edge,
                linewidths=width,
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


def graph_handles() -> list[Any]:
    """The legend: node sizes, red lines, the relaxation ring, edge weights, linkages."""
    grey = "#8C8C8C"
    return [
        *(
            marker_handle(
                f"position, salience {s}", "o", color=grey, markeredgecolor="white", markersize=m
            )
            for s, m in (("0.1", 5), ("1", 11))
        ),
        marker_handle(
            "red-line position",
            "s",
            color=grey,
            markeredgecolor=style.RED_LINE,
            markeredgewidth=2.2,
            markersize=9,
        ),
        marker_handle(
            "in the cheapest set to relax",
            "o",
            markerfacecolor="none",
            markeredgecolor="black",
            markeredgewidth=1.4,
            markersize=14,
        ),
        line_handle(
            "conflict, weight 0.1",
            color=edge_color(0.1 / EDGE_FULL),
            lw=edge_width(0.1 / EDGE_FULL),
        ),
        line_handle(
            f"conflict, weight ≥ {EDGE_FULL:g}", color=edge_color(1.0), lw=edge_width(1.0)
        ),
        line_handle("linkage between issues", color="#1A1A1A", lw=1.3, ls=(0, (4, 3))),
        marker_handle("no position", "o", color="#BDBDBD", markersize=3),
    ]
