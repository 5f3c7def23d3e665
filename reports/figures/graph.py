"""The incompatibility graph, drawn on the position map's grid."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

import engine
from engine import Case
from reports.figures import style
from reports.figures.fit import fit_column
from reports.figures.graph_marks import (
    draw_conflict_arcs,
    draw_linkages,
    draw_nodes,
    graph_handles,
)
from reports.figures.labels import n_lines, party_label, short_name, wrap
from reports.figures.layout import (
    add_title,
    color_spines,
    frame_tick_labels,
    legend_below,
    new_axes,
    no_data,
    shade_alternate_rows,
    ticks_on_top,
    vertical_rules,
)

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


_NODE_COLUMNS = [
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
_EDGE_COLUMNS = [
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
    grid = _grid(G, case)
    issues, parties, label = grid.issues, grid.parties, grid.label
    centrality = engine.position_centrality(G) if nodes_in else None
    relax = engine.cheapest_relaxation(G) if nodes_in else None
    relaxed = set(relax.positions) if relax is not None else set()
    nodes = [_node_row(str(v), d, grid, centrality, relaxed) for v, d in nodes_in]
    nodes_df = pd.DataFrame(nodes, columns=_NODE_COLUMNS)
    where = {r["node"]: (r["column"], r["row"]) for r in nodes}
    edges_df = _edge_table(G, where, len(parties))
    per_col = nodes_df.groupby("party").size() if len(nodes_df) else pd.Series(dtype=int)
    cols_df = pd.DataFrame(
        [
            {
                "party": p,
                "party_name": label[p],
                "party_full": grid.party_full.get(p, p),
                "column": c,
                "color_index": c,
                "n_positions": int(per_col.get(p, 0)),
            }
            for c, p in enumerate(parties)
        ],
        columns=["party", "party_name", "party_full", "column", "color_index", "n_positions"],
    )
    empty = [
        {"issue": i, "party": p, "row": r, "column": c}
        for r, i in enumerate(issues)
        for c, p in enumerate(parties)
        if f"{p}:{i}" not in where
    ]
    return GraphData(
        rows=_row_table(issues, grid.issue_names, nodes_df, edges_df),
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


class _Grid(NamedTuple):
    """The grid's rows (issues, in node order) and columns (declared parties first)."""

    issues: list[str]
    issue_names: dict[str, str]
    parties: list[str]
    party_full: dict[str, str]
    label: dict[str, str]


def _grid(G: nx.Graph, case: Case | None) -> _Grid:
    issues: list[str] = []
    issue_names: dict[str, str] = {}
    party_order: list[str] = []
    party_full: dict[str, str] = {}
    party_short: dict[str, str] = {}
    for _, d in G.nodes(data=True):
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
    known = set(case.party_ids) if case is not None else set()
    label = {
        p: party_label(case.party(p))
        if case is not None and p in known
        else party_short.get(p, short_name(party_full.get(p, p)))
        for p in parties
    }
    return _Grid(issues, issue_names, parties, party_full, label)


def _node_row(
    v: str, d: dict[str, Any], grid: _Grid, centrality: pd.DataFrame | None, relaxed: set[str]
) -> dict[str, Any]:
    """A position's node: its place on the grid, salience, red line and centrality."""
    i, p = str(d.get("issue", "")), str(d.get("party", ""))
    row, column = grid.issues.index(i), grid.parties.index(p)
    cen = centrality.loc[v] if centrality is not None else None
    return {
        "node": v,
        "party": p,
        "party_name": grid.label[p],
        "issue": i,
        "issue_name": grid.issue_names[i],
        "row": row,
        "column": column,
        "x": float(column),
        "y": float(row),
        "color_index": column,
        "salience": float(d.get("salience", 0.5)),
        "red_line": bool(d.get("red_line", False)),
        "ideal_label": str(d.get("ideal_label", "")),
        "acceptable": str(d.get("acceptable", "")),
        "conflict_degree": int(cen["conflict_degree"]) if cen is not None else 0,
        "conflict_strength": float(cen["conflict_strength"]) if cen is not None else 0.0,
        "linkage_degree": int(cen["linkage_degree"]) if cen is not None else 0,
        "relax": v in relaxed,
    }


def _edge_table(G: nx.Graph, where: dict[str, tuple[int, int]], n_cols: int) -> pd.DataFrame:
    """Conflict edges (by row, left end, span), then linkages; u is the left/upper end."""
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
    return pd.DataFrame(conflicts + linkages, columns=_EDGE_COLUMNS).astype(
        {"weight": float, "gap": float, "span": int, "height": float}
    )


def _row_table(
    issues: list[str], issue_names: dict[str, str], nodes: pd.DataFrame, edges: pd.DataFrame
) -> pd.DataFrame:
    """One row per issue: its positions and conflicts."""
    per_row = nodes.groupby("issue").size() if len(nodes) else pd.Series(dtype=int)
    conf_row = (
        edges[edges.kind == "conflict"].groupby("issue").size()
        if len(edges)
        else pd.Series(dtype=int)
    )
    rows = [
        {
            "issue": i,
            "issue_name": issue_names[i],
            "row": r,
            "n_positions": int(per_row.get(i, 0)),
            "n_conflicts": int(conf_row.get(i, 0)),
        }
        for r, i in enumerate(issues)
    ]
    return pd.DataFrame(rows, columns=["issue", "issue_name", "row", "n_positions", "n_conflicts"])


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
        shade_alternate_rows(ax, n_r, n_c)
        vertical_rules(ax, range(n_c), color="#E6E6E6", lw=0.8, zorder=0.2)
        if len(data.empty_cells):
            ax.scatter(
                data.empty_cells["column"],
                data.empty_cells["row"],
                s=6,
                color="#BDBDBD",
                zorder=1,
                linewidths=0,
            )
        draw_conflict_arcs(ax, data.edges[data.edges["kind"] == "conflict"])
        draw_linkages(ax, data.edges[data.edges["kind"] == "linkage"])
        draw_nodes(ax, data.nodes)
        _label_graph_axes(ax, data)
        add_title(ax, title, _graph_subtitle(data))
        legend_below(ax, graph_handles(), ncol=4)
        fit_column(ax)
        return ax


def _label_graph_axes(ax: Axes, data: GraphData) -> None:
    """Parties across the top (framed in their colour), issues down the side."""
    n_c, n_r = len(data.columns), len(data.rows)
    ax.set_xlim(-0.5, n_c - 0.5)
    ax.set_ylim(n_r - 0.5, -0.6)
    ticks_on_top(ax)
    ax.set_xticks(range(n_c))
    ax.set_xticklabels([wrap(n, 13, 3) for n in data.columns["party_name"]], fontsize=9)
    ax.set_yticks(range(n_r))
    ax.set_yticklabels([wrap(n, 28, 3) for n in data.rows["issue_name"]], fontsize=8.5)
    frame_tick_labels(ax.get_xticklabels(), data.columns["color_index"])
    ax.tick_params(length=0)
    color_spines(ax)
    ax.set_xlabel("Party (node colour)", fontweight="bold", labelpad=6)
    ax.set_ylabel("Issue", fontweight="bold")


def _graph_subtitle(data: GraphData) -> str:
    """Counts of positions, conflicts and linkages, and the cheapest relaxation."""
    n_conf = int((data.edges["kind"] == "conflict").sum())
    n_link = int((data.edges["kind"] == "linkage").sum())
    sub = (
        f"{len(data.nodes)} positions, {n_conf} conflict{'s' if n_conf != 1 else ''}, "
        f"{n_link} linkage{'s' if n_link != 1 else ''}."
    )
    if data.relaxation:
        sub += (
            f" Relaxing the {len(data.relaxation)} ringed positions (total salience "
            f"{data.relaxation_salience:.2f}{'' if data.relaxation_exact else ', approximate'}) "
            "would remove every conflict."
        )
    return sub


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
