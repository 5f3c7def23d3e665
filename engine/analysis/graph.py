"""The incompatibility graph: positions as nodes, conflicts and linkages as edges.

:func:`incompatibility_graph` builds a :class:`networkx.Graph` whose nodes are
the stated positions (``"party:issue"``) and whose edges say which positions
cannot both hold (``kind="conflict"``) and which acceptances depend on
another issue (``kind="linkage"``). :func:`party_graph` is the party-level
view. The analytics take the graph first, networkx style:
:func:`position_centrality`, :func:`conflict_clusters` and
:func:`cheapest_relaxation` (the minimum-salience set of positions whose
relaxation removes every conflict, a minimum weighted vertex cover).

Every attribute is a string, a number or a bool, so the graph writes to
GraphML and GEXF as is. This module never draws: figures live in
:mod:`reports`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import scipy.optimize
import scipy.sparse

from engine.analysis.arrays import case_arrays
from engine.analysis.measures import (
    _compatible,
    _conflict,
    _distance,
    _gap,
    _overlap,
    conflict_matrix,
    overlap_matrix,
)
from engine.model.case import Case, Span

__all__ = [
    "Relaxation",
    "cheapest_relaxation",
    "conflict_clusters",
    "incompatibility_graph",
    "node_id",
    "party_graph",
    "position_centrality",
]

Parties = Iterable[str] | None

#: Components of at most this many positions are solved by enumerating every subset.
ENUMERATE_LIMIT = 12
#: Largest connected component (in positions) solved exactly by the integer programme.
EXACT_LIMIT = 200
#: Branch-and-bound nodes allowed per integer programme before falling back.
NODE_LIMIT = 20_000
#: Objective scale: HiGHS stops within an absolute gap of 1e-6, i.e. 1e-9 salience.
_SCALE = 1000.0


def node_id(party: str, issue: str) -> str:
    """The node id of a position: ``"party:issue"`` (ids are slugs, so ':' is safe).

    Examples
    --------
    >>> node_id("ukraine", "nato")
    'ukraine:nato'
    """
    return f"{party}:{issue}"


def _ids_text(acc: Any) -> str:
    if isinstance(acc, Span):
        return f"{acc.lo:g} {acc.hi:g}"
    return " ".join(sorted(acc.ids))


# ------------------------------------------------------------------- graphs


def incompatibility_graph(case: Case, *, at: Any = None, parties: Parties = None) -> nx.Graph:
    """The graph of positions, their conflicts and their linkages.

    Parameters
    ----------
    case : Case
    at : date or str, optional
        Evaluation date (default: the case's ``as_of``).
    parties : iterable of str, optional
        Party ids to include (default: all).

    Returns
    -------
    networkx.Graph
        Undirected. Graph attributes: ``case``, ``title``, ``at`` (ISO date),
        ``parties`` (space-joined ids).

        **Nodes** are the stated positions, id ``"party:issue"``, in the
        case's order of issues, then parties, with attributes ``party``,
        ``issue``, ``party_name``, ``issue_name``, ``party_short``, ``issue_short``
        (short names for figures), ``role``, ``scale``,
        ``label`` (``"party name – issue name"``), ``ideal`` (option id, or
        the number on interval scales), ``ideal_label``, ``acceptable``
        (readable), ``acceptable_ids`` (space-joined option ids, or
        ``"lo hi"``), ``salience``, ``red_line``, ``requires`` (``"issue: ids;
        …"`` or ``""``), ``confidence``, ``as_of`` (ISO date or ``""``),
        ``sources`` (space-joined ids) and ``note``.

        **Conflict edges** join two positions on the same issue whose
        acceptable sets do not meet, with ``kind="conflict"``, ``issue``,
        ``weight`` = ``conflict`` = gap · (s_p + s_q)/2, ``gap``, ``distance``
        and ``overlap`` (0). The weight can be 0 while the edge exists: both
        saliences 0, or a nominal distance table with a 0 entry.

        **Linkage edges** join a position whose acceptance ``requires`` an
        outcome on another issue to every position (of any selected party,
        itself included) on that issue, with ``kind="linkage"``,
        ``weight=0.0`` (a linkage is a dependency, not a conflict, so
        weighted analytics ignore it), ``holders`` (the space-joined ids of
        the positions that hold the condition) and ``condition``
        (``"<holder> if <issue>: <ids>"``, several joined by ``" | "``). The
        graph is undirected: when both ends require the other's issue, the
        two directions are merged into one edge listing both holders.
        Conflict and linkage edges never coincide (one joins positions on
        the same issue, the other on different issues).

    Notes
    -----
    compatible(p, q) ⇔ A_p ∩ A_q ≠ ∅ on the stated acceptable sets (see
    :mod:`engine.analysis.measures`). O(m · n² · k) to build for m issues, n parties,
    k options, plus the edges.

    Examples
    --------
    >>> from engine import load_case
    >>> G = incompatibility_graph(load_case("tests/cases/tiny"))
    >>> G.number_of_nodes()
    8
    >>> sorted((u, v) for u, v, k in G.edges(data="kind") if k == "conflict")
    [('a:nom', 'b:nom'), ('a:num', 'c:num'), ('a:ord', 'b:ord')]
    >>> G.edges["a:ord", "b:nom"]["condition"]
    'a:ord if nom: x'

    The shipped case: every node a "party:issue" position, every conflict
    edge within one issue:

    >>> U = incompatibility_graph(load_case("ukraine-russia"))
    >>> all(U.nodes[v]["issue"] == v.split(":")[1] for v in U)
    True
    >>> all(U.nodes[u]["issue"] == U.nodes[v]["issue"] == d["issue"]
    ...     for u, v, d in U.edges(data=True) if d["kind"] == "conflict")
    True
    """
    arr = case_arrays(case, at, parties)
    G = nx.Graph(
        case=case.id, title=case.title, at=arr.date.isoformat(), parties=" ".join(arr.parties)
    )
    state = arr.positions
    holders_on: dict[str, list[str]] = {}
    for ia in arr.issues:
        issue = ia.issue
        present = ia.holders
        holders_on[issue.id] = [node_id(p, issue.id) for p in present]
        for p in present:
            pos = state[(p, issue.id)]
            party = case.party(p)
            G.add_node(
                node_id(p, issue.id),
                party=p,
                issue=issue.id,
                party_name=party.name,
                issue_name=issue.name,
                party_short=party.short_name,
                issue_short=issue.short_name,
                role=party.role,
                scale=issue.scale,
                label=f"{party.name} – {issue.name}",
                ideal=float(pos.ideal) if issue.is_interval else str(pos.ideal),
                ideal_label=issue.label(pos.ideal),
                acceptable=issue.describe(pos.acceptable),
                acceptable_ids=_ids_text(pos.acceptable),
                salience=float(pos.salience),
                red_line=bool(pos.red_line),
                requires="; ".join(f"{i}: {_ids_text(a)}" for i, a in pos.requires),
                confidence=pos.confidence,
                as_of=pos.as_of.isoformat() if pos.as_of else "",
                sources=" ".join(pos.sources),
                note=pos.note,
            )
        if len(present) < 2:
            continue
        compat, conflict, gap = _compatible(ia), _conflict(ia), _gap(ia)
        dist, overlap = _distance(ia), _overlap(ia)
        for i, j in np.argwhere(np.triu(~compat, k=1)):
            G.add_edge(
                node_id(present[i], issue.id),
                node_id(present[j], issue.id),
                kind="conflict",
                issue=issue.id,
                weight=float(conflict[i, j]),
                conflict=float(conflict[i, j]),
                gap=float(gap[i, j]),
                distance=float(dist[i, j]),
                overlap=float(overlap[i, j]),
            )
    for (p, i), pos in state.items():
        u = node_id(p, i)
        if u not in G:
            continue
        for other, acc in pos.requires:
            cond = f"{u} if {other}: {_ids_text(acc)}"
            for v in holders_on.get(other, []):
                if G.has_edge(u, v):
                    data = G.edges[u, v]
                    holders = data["holders"].split()
                    if u not in holders:
                        data["holders"] = " ".join(sorted([*holders, u]))
                        data["condition"] = " | ".join(
                            sorted([*data["condition"].split(" | "), cond])
                        )
                else:
                    G.add_edge(u, v, kind="linkage", weight=0.0, holders=u, condition=cond)
    return G


def party_graph(case: Case, *, at: Any = None, parties: Parties = None) -> nx.Graph:
    """The party-level conflict graph.

    Parameters
    ----------
    case : Case
    at : date or str, optional
        Evaluation date (default: the case's ``as_of``).
    parties : iterable of str, optional
        Party ids to include (default: all).

    Returns
    -------
    networkx.Graph
        Every selected party is a node (``name``, ``role``, ``positions``:
        the number of issues it has a position on). An edge joins two
        parties whose :func:`~engine.analysis.measures.conflict_matrix` value is > 0,
        with ``weight`` = ``conflict`` = that value and ``overlap`` = the
        :func:`~engine.analysis.measures.overlap_matrix` value. Pairs with conflict 0
        (compatible on every shared issue) or NaN (no shared issue, or zero
        total weight) get no edge: an edge means "these two collide".

    Notes
    -----
    ``conflict(p, q) = Σ_i w_i · gap_i(p, q) / Σ_i w_i`` over the issues both
    address, ``w_i = (s_p,i + s_q,i) / 2``. O(m · n² · k).

    Examples
    --------
    >>> from engine import load_case
    >>> P = party_graph(load_case("tests/cases/tiny"))
    >>> sorted(P.edges())
    [('a', 'b'), ('a', 'c')]
    >>> round(P.edges["a", "b"]["weight"], 12)
    0.3
    """
    arr = case_arrays(case, at, parties)
    cm = conflict_matrix(case, at=at, parties=parties).to_numpy()
    om = overlap_matrix(case, at=at, parties=parties).to_numpy()
    counts = (
        np.sum([ia.has for ia in arr.issues], axis=0, dtype=int)
        if arr.issues
        else np.zeros(len(arr.parties), dtype=int)
    )
    G = nx.Graph(case=case.id, title=case.title, at=arr.date.isoformat())
    for r, p in enumerate(arr.parties):
        party = case.party(p)
        G.add_node(p, name=party.name, role=party.role, positions=int(counts[r]))
    with np.errstate(invalid="ignore"):
        pairs = np.argwhere(np.triu(cm > 0, k=1))  # NaN > 0 is False
    for i, j in pairs:
        c = float(cm[i, j])
        G.add_edge(arr.parties[i], arr.parties[j], weight=c, conflict=c, overlap=float(om[i, j]))
    return G


# ---------------------------------------------------------------- analytics


def _is_conflict(data: dict[str, Any]) -> bool:
    return data.get("kind", "conflict") == "conflict"


def _conflict_subgraph(G: nx.Graph) -> nx.Graph:
    H = nx.Graph()
    H.add_nodes_from(G.nodes)
    H.add_edges_from((u, v, d) for u, v, d in G.edges(data=True) if _is_conflict(d))
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
    >>> from engine import load_case
    >>> c = position_centrality(incompatibility_graph(load_case("tests/cases/tiny")))
    >>> list(c.index[:2]), int(c.loc["a:nom", "conflict_degree"])
    (['a:nom', 'b:nom'], 1)
    """
    columns = ["party", "issue", "conflict_degree", "conflict_strength", "linkage_degree",
               "degree_centrality", "betweenness"]  # fmt: skip
    nodes = list(G.nodes)
    if not nodes:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="node"))
    H = _conflict_subgraph(G)
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
    >>> from engine import load_case
    >>> G = incompatibility_graph(load_case("tests/cases/tiny"))
    >>> conflict_clusters(G)
    [('a:ord', 'b:ord'), ('a:nom', 'b:nom'), ('a:num', 'c:num')]
    >>> conflict_clusters(G, linkage=True)[0]
    ('a:ord', 'b:ord', 'a:nom', 'b:nom')
    """
    order = {v: i for i, v in enumerate(G.nodes)}
    H = nx.Graph()
    H.add_nodes_from(G.nodes)
    H.add_edges_from((u, v) for u, v, d in G.edges(data=True) if linkage or _is_conflict(d))
    in_conflict = {x for u, v, d in G.edges(data=True) if _is_conflict(d) for x in (u, v)}
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
    >>> from engine import load_case
    >>> r = cheapest_relaxation(incompatibility_graph(load_case("tests/cases/tiny")))
    >>> r.positions, round(r.total_salience, 12), r.exact, r.method
    (('a:ord', 'b:nom', 'c:num'), 1.2, True, 'enumeration')
    """
    H = _conflict_subgraph(G)
    H.remove_nodes_from([v for v in list(H.nodes) if H.degree(v) == 0])
    if H.number_of_edges() == 0:
        return Relaxation((), 0.0, True, "none", ())
    comps = sorted((sorted(map(str, c)) for c in nx.connected_components(H)), key=lambda c: c[0])
    label = {str(v): v for v in H.nodes}
    chosen: list[str] = []
    notes: list[str] = []
    used: set[str] = set()
    for comp in comps:
        index = {v: i for i, v in enumerate(comp)}
        w = np.array([float(G.nodes[label[v]].get("salience", 1.0)) for v in comp])
        edges = sorted(
            (min(index[str(a)], index[str(b)]), max(index[str(a)], index[str(b)]))
            for a, b in H.subgraph([label[v] for v in comp]).edges
        )
        x: np.ndarray | None = None
        why = ""
        if len(comp) <= enumerate_limit:
            x = _cover_enumerate(edges, w)
            used.add("enumeration")
        elif len(comp) > exact_limit:
            why = f"{len(comp)} positions > exact_limit={exact_limit}"
        else:
            x, note = _cover_exact(comp, edges, w, node_limit)
            if x is None:
                why = note
            else:
                used.add("milp")
                if note:
                    notes.append(f"component of {comp[0]}: {note}")
        if x is None:
            S = nx.Graph()
            S.add_nodes_from((i, {"w": w[i]}) for i in range(len(comp)))
            S.add_edges_from(edges)
            cover = nx.algorithms.approximation.min_weighted_vertex_cover(S, weight="w")
            x = np.zeros(len(comp), dtype=bool)
            x[sorted(cover)] = True
            notes.append(
                f"component of {comp[0]} ({len(comp)} positions): {why}; used the 2-approximation "
                "(at most twice the minimum salience)"
            )
            used.add("2-approximation")
        chosen += [comp[i] for i in np.flatnonzero(x)]
    positions = tuple(sorted(chosen))
    total = float(sum(float(G.nodes[label[v]].get("salience", 1.0)) for v in positions))
    exact = "2-approximation" not in used
    method = "+".join(sorted(used))
    return Relaxation(positions, total, exact, method, tuple(notes))
