"""The incompatibility graph, drawn on the position map's grid."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, PathPatch, Rectangle
from matplotlib.path import Path

import engine
from engine import Case
from reports.figures import style
from reports.figures.labels import n_lines, party_label, short_name, wrap
from reports.figures.layout import add_title, legend_below, new_axes, no_data, party_color

__all__ = ["GraphData", "alt_graph", "graph_data", "plot_graph", "size_graph"]


@dataclass(frozen=True, eq=False)
class GraphData:
    """What :func:`plot_graph` draws (see :func:`graph_data`)."""

    rows: pd.DataFrame
    columns: pd.DataFrame
    nodes: pd.DataFrame
    edges: pd.DataFrame
    empty_cells: pd.DataFrame
    relaxation: tuple[str, ...]
    relaxation_salience: float
    relaxation_exact: bool
    at: str = ""
    title: str = ""


def _arc_height(span: int, n_columns: int) -> float:
    """Height of a conflict arc (in rows) for two positions ``span`` columns apart.

    From 0.18 (neighbours) to 0.42 (the two ends of the row): longer arcs
    rise higher, so nested arcs do not cover each other, and every arc
    stays below the row above (rows are 1 apart).
    """
    if n_columns <= 2:
        return 0.3
    return 0.18 + 0.24 * (span - 1) / (n_columns - 2)


def graph_data(G: nx.Graph, *, case: Case | None = None) -> GraphData:
    """Node and edge tables for drawing the incompatibility graph on a grid.

    Parameters
    ----------
    G : networkx.Graph
        An :func:`engine.incompatibility_graph`.
    case : Case, optional
        The case the graph was built from: gives the parties' short names
        (default: :func:`short_name` of the nodes' ``party_name``).

    Returns
    -------
    GraphData
        The layout is the position map's grid: one **row per issue** (the
        issues that have positions, in the graph's order) and one **column
        per party** (the graph's ``parties`` attribute, else the parties in
        node order). Coordinates are ``x = column`` and ``y = row`` (row 0 at
        the top: figures invert the y axis).

        ``rows`` — ``issue``, ``issue_name``, ``row``, ``n_positions``,
        ``n_conflicts``.

        ``columns`` — ``party``, ``party_name`` (short), ``party_full``,
        ``column``, ``color_index``, ``n_positions``.

        ``nodes`` — one per position, graph order: ``node`` (``"party:issue"``),
        ``party``, ``party_name``, ``issue``, ``issue_name``, ``row``,
        ``column``, ``x``, ``y``, ``color_index``, ``salience``,
        ``red_line``, ``ideal_label``, ``acceptable``, ``conflict_degree``,
        ``conflict_strength`` (Σ weights of its conflict edges),
        ``linkage_degree``, ``relax`` (in the cheapest set of positions to
        relax, :func:`engine.cheapest_relaxation`).

        ``edges`` — conflict edges first (by row, then left end, then span),
        then linkage edges: ``u``, ``v`` (u the left/upper end), ``kind``
        (``conflict``/``linkage``), ``issue`` (conflicts; ``""`` for
        linkages), ``weight`` (conflict = gap · (s_p + s_q)/2; 0 for
        linkages), ``gap``, ``x0``, ``y0``, ``x1``, ``y1``, ``span``
        (columns apart), ``height`` (conflict arcs: how far the arc rises
        above its row, in rows; see Notes; 0 for linkages), ``condition``
        (linkages: ``"holder if issue: ids"``).

        ``empty_cells`` — grid cells without a position: ``issue``,
        ``party``, ``row``, ``column``.

        ``relaxation``, ``relaxation_salience``, ``relaxation_exact``: the
        cheapest relaxation's node ids, total salience and exactness.

    Notes
    -----
    Why this layout: conflict edges only ever join positions on the *same*
    issue, so a force-directed layout would merely rediscover the issues as
    clusters, place them differently on every change of the data, and
    scatter the labels. Fixing issues as rows and parties as columns makes
    every node's meaning readable from the margins, keeps the picture
    identical to the position map (a reader can lay one over the other),
    and makes two cases — or two dates — comparable at a glance. Conflicts
    become arcs over their issue's row (an arc diagram per issue): an arc
    of a pair ``span`` columns apart rises ``0.18 + 0.24 · (span − 1) /
    (n − 2)`` rows, so longer arcs enclose shorter ones and never reach the
    row above. Linkage edges are the only lines between rows, drawn
    dashed. Deterministic: no randomness, no iteration. O(N + E).

    Examples
    --------
    >>> d = graph_data(engine.incompatibility_graph(engine.load_case("tests/cases/tiny")))
    >>> d.nodes.set_index("node").loc["c:num", ["row", "column"]].tolist()
    [2, 2]
    >>> d.edges.loc[d.edges.kind == "conflict", ["u", "v", "span"]].values.tolist()
    [['a:ord', 'b:ord', 1], ['a:nom', 'b:nom', 1], ['a:num', 'c:num', 2]]
    >>> d.relaxation
    ('a:ord', 'b:nom', 'c:num')
    """
    nodes_in = list(G.nodes(data=True))
    issues: list[str] = []
    issue_names: dict[str, str] = {}
    party_order: list[str] = []
    party_full: dict[str, str] = {}
    party_short: dict[str, str] = {}
    for _, d in nodes_in:
        i, p = str(d.get("issue", "")), str(d.get("party", ""))
        if i not in issue_names:
            issues.append(i)
            issue_names[i] = str(d.get("issue_name", i))
        if p not in party_full:
            party_order.append(p)
        party_full[p] = str(d.get("party_name", p))
        party_short[p] = str(d.get("party_short", "")) or short_name(party_full[p])
    declared = str(G.graph.get("parties", "")).split()
    parties = declared + [p for p in party_order if p not in declared] if declared else party_order
    row_of = {i: r for r, i in enumerate(issues)}
    col_of = {p: c for c, p in enumerate(parties)}
    known = set(case.party_ids) if case is not None else set()
    label = {
        p: party_label(case.party(p))
        if case is not None and p in known
        else party_short.get(p, short_name(party_full.get(p, p)))
        for p in parties
    }
    n_cols = len(parties)

    centrality = engine.position_centrality(G) if nodes_in else None
    relax = engine.cheapest_relaxation(G) if nodes_in else None
    relaxed = set(relax.positions) if relax is not None else set()

    nodes = []
    for v, d in nodes_in:
        i, p = str(d.get("issue", "")), str(d.get("party", ""))
        cen = centrality.loc[v] if centrality is not None else None
        nodes.append(
            {
                "node": str(v),
                "party": p,
                "party_name": label[p],
                "issue": i,
                "issue_name": issue_names[i],
                "row": row_of[i],
                "column": col_of[p],
                "x": float(col_of[p]),
                "y": float(row_of[i]),
                "color_index": col_of[p],
                "salience": float(d.get("salience", 0.5)),
                "red_line": bool(d.get("red_line", False)),
                "ideal_label": str(d.get("ideal_label", "")),
                "acceptable": str(d.get("acceptable", "")),
                "conflict_degree": int(cen["conflict_degree"]) if cen is not None else 0,
                "conflict_strength": float(cen["conflict_strength"]) if cen is not None else 0.0,
                "linkage_degree": int(cen["linkage_degree"]) if cen is not None else 0,
                "relax": str(v) in relaxed,
            }
        )
    node_cols = [
        "node",
        "party",
        "party_name",
        "issue",
        "issue_name",
        "row",
        "column",
        "x",
        "y",
        "color_index",
        "salience",
        "red_line",
        "ideal_label",
        "acceptable",
        "conflict_degree",
        "conflict_strength",
        "linkage_degree",
        "relax",
    ]
    nodes_df = pd.DataFrame(nodes, columns=node_cols)
    where = {r["node"]: (r["column"], r["row"]) for r in nodes}

    conflicts, linkages = [], []
    for a, b, d in G.edges(data=True):
        (ca, ra), (cb, rb) = where[str(a)], where[str(b)]
        u, v = (str(a), str(b)) if (ra, ca) <= (rb, cb) else (str(b), str(a))
        (cu, ru), (cv, rv) = where[u], where[v]
        kind = str(d.get("kind", "conflict"))
        span = abs(cv - cu)
        rec = {
            "u": u,
            "v": v,
            "kind": kind,
            "issue": str(d.get("issue", "")) if kind == "conflict" else "",
            "weight": float(d.get("weight", 0.0)),
            "gap": float(d.get("gap", np.nan)),
            "x0": float(cu),
            "y0": float(ru),
            "x1": float(cv),
            "y1": float(rv),
            "span": span,
            "height": _arc_height(span, n_cols) if kind == "conflict" else 0.0,
            "condition": str(d.get("condition", "")),
        }
        (conflicts if kind == "conflict" else linkages).append(rec)
    conflicts.sort(key=lambda e: (e["y0"], e["x0"], e["span"], e["x1"]))
    linkages.sort(key=lambda e: (e["y0"], e["x0"], e["y1"], e["x1"]))
    edge_cols = [
        "u",
        "v",
        "kind",
        "issue",
        "weight",
        "gap",
        "x0",
        "y0",
        "x1",
        "y1",
        "span",
        "height",
        "condition",
    ]
    edges_df = pd.DataFrame(conflicts + linkages, columns=edge_cols).astype(
        {"weight": float, "gap": float, "span": int, "height": float}
    )

    per_row = nodes_df.groupby("issue").size() if len(nodes_df) else pd.Series(dtype=int)
    conf_row = (
        edges_df[edges_df.kind == "conflict"].groupby("issue").size()
        if len(edges_df)
        else pd.Series(dtype=int)
    )
    rows_df = pd.DataFrame(
        [
            {
                "issue": i,
                "issue_name": issue_names[i],
                "row": r,
                "n_positions": int(per_row.get(i, 0)),
                "n_conflicts": int(conf_row.get(i, 0)),
            }
            for r, i in enumerate(issues)
        ],
        columns=["issue", "issue_name", "row", "n_positions", "n_conflicts"],
    )
    per_col = nodes_df.groupby("party").size() if len(nodes_df) else pd.Series(dtype=int)
    cols_df = pd.DataFrame(
        [
            {
                "party": p,
                "party_name": label[p],
                "party_full": party_full.get(p, p),
                "column": c,
                "color_index": c,
                "n_positions": int(per_col.get(p, 0)),
            }
            for c, p in enumerate(parties)
        ],
        columns=["party", "party_name", "party_full", "column", "color_index", "n_positions"],
    )
    present = set(where)
    empty = [
        {"issue": i, "party": p, "row": r, "column": c}
        for r, i in enumerate(issues)
        for c, p in enumerate(parties)
        if f"{p}:{i}" not in present
    ]
    return GraphData(
        rows=rows_df,
        columns=cols_df,
        nodes=nodes_df,
        edges=edges_df,
        empty_cells=pd.DataFrame(empty, columns=["issue", "party", "row", "column"]),
        relaxation=tuple(relax.positions) if relax is not None else (),
        relaxation_salience=float(relax.total_salience) if relax is not None else 0.0,
        relaxation_exact=bool(relax.exact) if relax is not None else True,
        at=str(G.graph.get("at", "")),
        title=str(G.graph.get("title", "")),
    )


def size_graph(data: GraphData) -> tuple[float, float]:
    """Width and height (inches): 1 inch per party column, 0.62 inch per issue row.

    Examples
    --------
    >>> import engine
    >>> from reports.figures.graph import graph_data
    >>> size_graph(graph_data(engine.incompatibility_graph(engine.load_case("tests/cases/tiny"))))
    (6.2, 5.5)
    """
    n_c, n_r = max(len(data.columns), 3), max(len(data.rows), 1)
    lines = sum(n_lines(wrap(n, 28, 3)) for n in data.rows["issue_name"]) if len(data.rows) else 1
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
        From :func:`graph_data`.
    ax : Axes, optional
        Where to draw (default: a new figure of :func:`size_graph`).

    Returns
    -------
    Axes
    """
    with style.zopa_style():
        ax = new_axes(ax, size_graph(data))
        title = "Incompatibility graph: who collides with whom on each issue"
        if len(data.nodes) == 0:
            return no_data(ax, title, "No positions: the graph is empty.")
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
        colors = [party_color(i) for i in nodes["color_index"]]
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
                    "edgecolor": party_color(ci),
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
        add_title(ax, title, sub)
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
        legend_below(ax, handles, ncol=4)
        return ax


def alt_graph(data: GraphData) -> str:
    """Alternative text: counts, the most conflicted position, the cheapest relaxation.

    Examples
    --------
    >>> import engine
    >>> from reports.figures.graph import graph_data
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
