"""Analytics on an incompatibility graph, networkx style: the graph comes first.

:func:`position_centrality` says how central each position is to the
incompatibilities, :func:`conflict_clusters` groups the positions that
conflict, and :func:`cheapest_relaxation` finds the minimum-salience set of
positions whose relaxation removes every conflict (a minimum weighted vertex
cover). Each takes a graph built by
:func:`~engine.analysis.graph.incompatibility_graph` (or any graph with the
same attributes) and never changes it.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

__all__ = [
    "Relaxation",
    "cheapest_relaxation",
    "conflict_clusters",
    "conflict_subgraph",
    "is_conflict_edge",
    "position_centrality",
]

#: Components of at most this many positions are solved by enumerating every subset.
ENUMERATE_LIMIT = 12
#: Largest connected component (in positions) solved exactly by the integer programme.
EXACT_LIMIT = 200
#: Branch-and-bound nodes allowed per integer programme before falling back.
NODE_LIMIT = 20_000
#: Objective scale: HiGHS stops within an absolute gap of 1e-6, i.e. 1e-9 salience.
_SCALE = 1000.0


def is_conflict_edge(data: dict[str, Any]) -> bool:
    """Whether an edge's data is that of a conflict edge (edges without ``kind`` are)."""
    return data.get("kind", "conflict") == "conflict"


def conflict_subgraph(G: nx.Graph) -> nx.Graph:
    """Every node of ``G`` and only its conflict edges."""
    H = nx.Graph()
    H.add_nodes_from(G.nodes)
    H.add_edges_from((u, v, d) for u, v, d in G.edges(data=True) if is_conflict_edge(d))
    return H


def position_centrality(G: nx.Graph) -> pd.DataFrame:
    """How central each position is to the incompatibilities.

    Parameters
    ----------
    G : networkx.Graph
        An :func:`incompatibility_graph` (edges without ``kind`` count as
        conflict edges).

    Returns
    -------
    DataFrame
        Indexed by node id (``node``), sorted by ``conflict_strength``, then
        ``conflict_degree``, then ``betweenness`` (larger first), then the
        graph's node order; columns ``party``, ``issue``, ``conflict_degree``
        (number of conflict edges), ``conflict_strength`` (sum of their
        weights), ``linkage_degree``, ``degree_centrality`` and
        ``betweenness``.

    Notes
    -----
    - conflict_degree(v) = |{u : (u, v) conflict edge}|;
    - conflict_strength(v) = Σ_{conflict edges (u, v)} conflict(u, v);
    - degree_centrality(v) = conflict_degree(v) / (N − 1) for N nodes;
    - betweenness(v) = Σ_{s≠v≠t} σ_st(v) / σ_st, normalised by
      (N − 1)(N − 2)/2 (:func:`networkx.betweenness_centrality`), over
      conflict **and** linkage edges, unweighted.

    Why betweenness: conflict edges only join positions on one issue, so
    degree and strength already say who collides most within an issue;
    linkage edges are what tie issues together, and a position with high
    betweenness sits on many of the shortest chains of conflicts and
    conditions between issues — relaxing it matters beyond its own issue.
    Unweighted, because conflict weights are costs, not lengths. Exact
    (Brandes): O(N · E).

    Examples
    --------
    >>> from engine import incompatibility_graph, load_case
    >>> c = position_centrality(incompatibility_graph(load_case("tests/cases/tiny")))
    >>> list(c.index[:2]), int(c.loc["a:nom", "conflict_degree"])
    (['a:nom', 'b:nom'], 1)
    """
    columns = ["party", "issue", "conflict_degree", "conflict_strength", "linkage_degree",
               "degree_centrality", "betweenness"]  # fmt: skip
    nodes = list(G.nodes)
    if not nodes:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="node"))
    H = conflict_subgraph(G)
    n = len(nodes)
    between = nx.betweenness_centrality(G, normalized=True)
    rows = []
    for order, v in enumerate(nodes):
        deg = H.degree(v)
        rows.append({
            "node": v,
            "party": str(G.nodes[v].get("party", "")),
            "issue": str(G.nodes[v].get("issue", "")),
            "conflict_degree": int(deg),
            "conflict_strength": float(sum(w for *_, w in H.edges(v, data="weight", default=1.0))),
            "linkage_degree": int(G.degree(v) - deg),
            "degree_centrality": float(deg / (n - 1)) if n > 1 else 0.0,
            "betweenness": float(between[v]),
            "_order": order,
        })  # fmt: skip
    df = pd.DataFrame(rows).sort_values(
        ["conflict_strength", "conflict_degree", "betweenness", "_order"],
        ascending=[False, False, False, True],
        kind="mergesort",
    )
    return df.drop(columns="_order").set_index("node")[columns]


def conflict_clusters(G: nx.Graph, *, linkage: bool = False) -> list[tuple[Hashable, ...]]:
    """The clusters of conflict: connected components of the conflict edges.

    Parameters
    ----------
    G : networkx.Graph
        An :func:`incompatibility_graph`.
    linkage : bool
        Also follow linkage edges, so that clusters on issues tied by a
        ``requires`` condition merge.

    Returns
    -------
    list of tuple
        Each cluster a tuple of node ids in the graph's node order; only
        clusters with at least one conflict edge; largest first, ties by the
        graph order of their first node.

    Notes
    -----
    Connected components (breadth-first search), O(N + E). Without linkage
    every cluster lies within one issue.

    Examples
    --------
    >>> from engine import incompatibility_graph, load_case
    >>> G = incompatibility_graph(load_case("tests/cases/tiny"))
    >>> conflict_clusters(G)
    [('a:ord', 'b:ord'), ('a:nom', 'b:nom'), ('a:num', 'c:num')]
    >>> conflict_clusters(G, linkage=True)[0]
    ('a:ord', 'b:ord', 'a:nom', 'b:nom')
    """
    order = {v: i for i, v in enumerate(G.nodes)}
    H = nx.Graph()
    H.add_nodes_from(G.nodes)
    H.add_edges_from((u, v) for u, v, d in G.edges(data=True) if linkage or is_conflict_edge(d))
    in_conflict = {x for u, v, d in G.edges(data=True) if is_conflict_edge(d) for x in (u, v)}
    clusters = [
        tuple(sorted(c, key=order.__getitem__))
        for c in nx.connected_components(H)
        if c & in_conflict
    ]
    return sorted(clusters, key=lambda c: (-len(c), order[c[0]]))


@dataclass(frozen=True)
class Relaxation:
    """The cheapest set of positions to relax so that no conflict remains.

    Attributes
    ----------
    positions : tuple of str
        Node ids of the positions to relax, sorted.
    total_salience : float
        Σ salience over ``positions``: the cost of relaxing them.
    exact : bool
        True when every component was solved to optimality.
    method : str
        The methods used, ``+``-joined in alphabetical order:
        ``"enumeration"`` (exact, small components), ``"milp"`` (exact, HiGHS
        via :func:`scipy.optimize.milp`), ``"2-approximation"`` (the
        fallback); ``"none"`` when there is no conflict edge.
    notes : tuple of str
        What fell back and why; empty when there is nothing to say.
    """

    positions: tuple[str, ...]
    total_salience: float
    exact: bool
    method: str
    notes: tuple[str, ...] = ()


def _milp(
    c: np.ndarray, A: Any, extra: list[tuple[np.ndarray, float]], node_limit: int
) -> np.ndarray | None:
    """min c·x s.t. A x ≥ 1, a·x ≤ b for (a, b) in extra, x ∈ {0, 1}; None unless optimal."""
    import scipy.optimize  # on first use: scipy is a slow import the graph rarely needs

    cons = [scipy.optimize.LinearConstraint(A, lb=1.0, ub=np.inf)]
    cons += [scipy.optimize.LinearConstraint(a[None, :], lb=-np.inf, ub=b) for a, b in extra]
    res = scipy.optimize.milp(
        c,
        constraints=cons,
        integrality=np.ones_like(c),
        bounds=scipy.optimize.Bounds(0.0, 1.0),
        options={"mip_rel_gap": 0.0, "node_limit": node_limit, "presolve": True},
    )
    if res.status != 0 or res.x is None:
        return None
    return np.asarray(np.round(res.x), dtype=bool)


def _cover_enumerate(edges: list[tuple[int, int]], w: np.ndarray) -> np.ndarray:
    """Exact minimum weighted vertex cover of a small component, by enumeration.

    Among covers of minimum salience (within 1e-9): fewest positions, then
    smallest sum of ranks, then the lexicographically smallest set of ranks.
    """
    n = len(w)
    subsets = ((np.arange(1 << n)[:, None] >> np.arange(n)) & 1).astype(bool)
    ok = np.ones(len(subsets), dtype=bool)
    for i, j in edges:
        ok &= subsets[:, i] | subsets[:, j]
    cand = subsets[ok]
    weight = cand @ w
    cand = cand[weight <= weight.min() + 1e-9 * max(1.0, float(weight.min()))]
    count = cand.sum(axis=1)
    cand = cand[count == count.min()]
    rank = cand @ np.arange(1, n + 1)
    cand = cand[rank == rank.min()]
    return min(cand, key=lambda row: tuple(np.flatnonzero(row)))


def _cover_exact(
    nodes: list[str], edges: list[tuple[int, int]], w: np.ndarray, node_limit: int
) -> tuple[np.ndarray | None, str]:
    """Exact minimum weighted vertex cover, tie-broken; (x, note) or (None, why)."""
    import scipy.sparse

    n, m = len(nodes), len(edges)
    rows = np.repeat(np.arange(m), 2)
    cols = np.array(edges, dtype=np.int64).ravel()
    A = scipy.sparse.csr_array((np.ones(2 * m), (rows, cols)), shape=(m, n))
    x1 = _milp(w * _SCALE, A, [], node_limit)
    if x1 is None:
        return None, "the integer programme hit its node limit"
    best = float(w[x1].sum())
    tol = 1e-9 * max(1.0, best)
    # tie-break 1: fewest positions among minimum-salience covers
    x2 = _milp(np.ones(n), A, [(w, best + tol)], node_limit)
    if x2 is None or float(w[x2].sum()) > best + tol:
        return x1, "fewest-positions tie-break skipped (solver stopped early)"
    k2 = int(x2.sum())
    # tie-break 2: smallest sum of ranks in sorted node-id order
    x3 = _milp(np.arange(1.0, n + 1.0), A, [(w, best + tol), (np.ones(n), k2 + 0.5)], node_limit)
    if x3 is None or float(w[x3].sum()) > best + tol or int(x3.sum()) > k2:
        return x2, "rank tie-break skipped (solver stopped early)"
    return x3, ""


def cheapest_relaxation(
    G: nx.Graph,
    *,
    exact_limit: int = EXACT_LIMIT,
    node_limit: int = NODE_LIMIT,
    enumerate_limit: int = ENUMERATE_LIMIT,
) -> Relaxation:
    """The minimum-salience set of positions whose relaxation removes every conflict.

    Parameters
    ----------
    G : networkx.Graph
        An :func:`incompatibility_graph`; node weights are the ``salience``
        attribute (1.0 where absent); only conflict edges count (edges
        without ``kind`` are taken as conflict edges).
    exact_limit : int
        Largest connected component (in positions) solved exactly.
    node_limit : int
        Branch-and-bound nodes allowed per integer programme.
    enumerate_limit : int
        Components of at most this many positions are solved by enumerating
        every subset instead of by the integer programme.

    Returns
    -------
    Relaxation

    Notes
    -----
    A set S of positions relaxes every conflict when every conflict edge has
    an end in S: a vertex cover. The cheapest is the minimum weighted vertex
    cover with weight = salience (relaxing what a party cares little about
    is cheap)::

        min Σ_v s_v x_v   s.t.  x_u + x_v ≥ 1 for every conflict edge (u, v),
                              x_v ∈ {0, 1}

    solved exactly, one connected component at a time: components of at
    most ``enumerate_limit`` (12) positions by enumerating all 2^c subsets
    (vectorised, O(2^c · (c + e))), larger ones with
    :func:`scipy.optimize.milp` (HiGHS, relative gap 0; the objective is
    scaled by 1000 so that HiGHS's absolute gap of 1e-6 is 1e-9 salience).

    Ties are broken deterministically: among minimum-salience covers (within
    1e-9), the fewest positions; among those, the smallest sum of ranks in
    the sorted order of node ids (earlier ids preferred); then, by
    enumeration, the lexicographically smallest set of ranks. With the
    integer programme each criterion is one more programme with the previous
    optimum as a constraint, and a tie left after the rank sum is settled by
    HiGHS, which is deterministic for a given input (the input depends only
    on the sorted node ids and edges, not on the order the graph was built
    in).

    Complexity: minimum vertex cover is NP-hard in general, and so are the
    programmes above in the worst case. Here conflict edges only join
    positions on the same issue, so every component has at most one position
    per party (a few dozen at most in cases written by hand), and enumeration
    or HiGHS solves it in milliseconds. On an interval scale the conflict graph of an issue is
    a co-interval graph: a set of positions with no conflict among them is a
    set of pairwise-intersecting intervals, which share a point (Helly), so
    the optimum there is the total salience minus the heaviest set of
    intervals through one point — polynomial (a sweep, O(n log n)); the same
    holds on ordinal scales when acceptable sets are ranges. Nominal sets
    have no such property.

    A component larger than ``exact_limit`` positions, or one whose
    programme exceeds ``node_limit`` branch-and-bound nodes, falls back to
    the local-ratio 2-approximation
    (:func:`networkx.algorithms.approximation.min_weighted_vertex_cover`):
    then ``exact`` is False and ``notes`` says which components.

    Examples
    --------
    >>> from engine import incompatibility_graph, load_case
    >>> r = cheapest_relaxation(incompatibility_graph(load_case("tests/cases/tiny")))
    >>> r.positions, round(r.total_salience, 12), r.exact, r.method
    (('a:ord', 'b:nom', 'c:num'), 1.2, True, 'enumeration')
    """
    H = conflict_subgraph(G)
    H.remove_nodes_from([v for v in list(H.nodes) if H.degree(v) == 0])
    if H.number_of_edges() == 0:
        return Relaxation((), 0.0, True, "none", ())
    comps = sorted((sorted(map(str, c)) for c in nx.connected_components(H)), key=lambda c: c[0])
    label = {str(v): v for v in H.nodes}
    limits = (enumerate_limit, exact_limit, node_limit)
    chosen: list[str] = []
    notes: list[str] = []
    used: set[str] = set()
    for comp in comps:
        w = np.array([float(G.nodes[label[v]].get("salience", 1.0)) for v in comp])
        edges = _component_edges(H, comp, label)
        x, method, note = _cover_component(comp, edges, w, limits)
        used.add(method)
        if note:
            notes.append(note)
        chosen += [comp[i] for i in np.flatnonzero(x)]
    positions = tuple(sorted(chosen))
    total = float(sum(float(G.nodes[label[v]].get("salience", 1.0)) for v in positions))
    exact = "2-approximation" not in used
    method = "+".join(sorted(used))
    return Relaxation(positions, total, exact, method, tuple(notes))


def _component_edges(
    H: nx.Graph, comp: list[str], label: Mapping[str, Hashable]
) -> list[tuple[int, int]]:
    """The conflict edges of a component as sorted pairs of ranks in ``comp``."""
    index = {v: i for i, v in enumerate(comp)}
    return sorted(
        (min(index[str(a)], index[str(b)]), max(index[str(a)], index[str(b)]))
        for a, b in H.subgraph([label[v] for v in comp]).edges
    )


def _cover_component(
    comp: list[str], edges: list[tuple[int, int]], w: np.ndarray, limits: tuple[int, int, int]
) -> tuple[np.ndarray, str, str]:
    """The cover of one component: (chosen ranks as a mask, method, note or "").

    ``limits`` is ``(enumerate_limit, exact_limit, node_limit)``; see
    :func:`cheapest_relaxation`.
    """
    enumerate_limit, exact_limit, node_limit = limits
    if len(comp) <= enumerate_limit:
        return _cover_enumerate(edges, w), "enumeration", ""
    if len(comp) > exact_limit:
        why = f"{len(comp)} positions > exact_limit={exact_limit}"
    else:
        x, note = _cover_exact(comp, edges, w, node_limit)
        if x is not None:
            return x, "milp", f"component of {comp[0]}: {note}" if note else ""
        why = note
    note = (
        f"component of {comp[0]} ({len(comp)} positions): {why}; used the 2-approximation "
        "(at most twice the minimum salience)"
    )
    return _cover_approximate(edges, w), "2-approximation", note


def _cover_approximate(edges: list[tuple[int, int]], w: np.ndarray) -> np.ndarray:
    """The local-ratio 2-approximation of the minimum weighted vertex cover."""
    S = nx.Graph()
    S.add_nodes_from((i, {"w": w[i]}) for i in range(len(w)))
    S.add_edges_from(edges)
    cover = nx.algorithms.approximation.min_weighted_vertex_cover(S, weight="w")
    x = np.zeros(len(w), dtype=bool)
    x[sorted(cover)] = True
    return x
