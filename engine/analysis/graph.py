"""The incompatibility graph: positions as nodes, conflicts and linkages as edges.

:func:`incompatibility_graph` builds a :class:`networkx.Graph` whose nodes are
the stated positions (``"party:issue"``) and whose edges say which positions
cannot both hold (``kind="conflict"``) and which acceptances depend on
another issue (``kind="linkage"``). :func:`party_graph` is the party-level
view. The analytics take the graph first, networkx style, and live in
:mod:`engine.analysis.graph_analytics` (importable from here too):
:func:`position_centrality`, :func:`conflict_clusters` and
:func:`cheapest_relaxation` (the minimum-salience set of positions whose
relaxation removes every conflict, a minimum weighted vertex cover).

Every attribute is a string, a number or a bool, so the graph writes to
GraphML and GEXF as is. This module never draws: figures live in
:mod:`reports`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx
import numpy as np

from engine.analysis import kernels
from engine.analysis.arrays import IssueArrays, Parties, case_arrays
from engine.analysis.docs import fill_doc
from engine.analysis.graph_analytics import (
    Relaxation,
    cheapest_relaxation,
    conflict_clusters,
    position_centrality,
)
from engine.analysis.measures import (
    conflict_matrix,
    coverage_matrix,
    overlap_matrix,
    shared_issues_matrix,
)
from engine.model.case import Case, Position, Span

__all__ = [
    "Relaxation",
    "cheapest_relaxation",
    "conflict_clusters",
    "incompatibility_graph",
    "node_id",
    "party_graph",
    "position_centrality",
]


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


@fill_doc
def incompatibility_graph(case: Case, *, at: Any = None, parties: Parties = None) -> nx.Graph:
    """The graph of positions, their conflicts and their linkages.

    {parameters_case_at_parties}

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
    for ia in arr.issues:
        _add_position_nodes(G, case, ia, arr.positions)
        _add_conflict_edges(G, ia)
    holders_on = {ia.issue.id: [node_id(p, ia.issue.id) for p in ia.holders] for ia in arr.issues}
    _add_linkage_edges(G, arr.positions, holders_on)
    return G


def _add_position_nodes(
    G: nx.Graph, case: Case, ia: IssueArrays, state: Mapping[tuple[str, str], Position]
) -> None:
    """A node for every position held on the issue of ``ia``, with its attributes."""
    issue = ia.issue
    for p in ia.holders:
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


def _add_conflict_edges(G: nx.Graph, ia: IssueArrays) -> None:
    """An edge between every two positions on the issue whose acceptable sets do not meet."""
    issue, present = ia.issue, ia.holders
    if len(present) < 2:
        return
    compat, conflict, gap = kernels.compatible(ia), kernels.conflict(ia), kernels.gap(ia)
    dist, overlap = kernels.distance(ia), kernels.overlap(ia)
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


def _add_linkage_edges(
    G: nx.Graph, state: Mapping[tuple[str, str], Position], holders_on: Mapping[str, list[str]]
) -> None:
    """An edge from every position whose acceptance requires another issue to its holders.

    When both ends require the other's issue, the two directions share one edge
    that lists both holders and both conditions.
    """
    for (p, i), pos in state.items():
        u = node_id(p, i)
        if u not in G:
            continue
        for other, acc in pos.requires:
            cond = f"{u} if {other}: {_ids_text(acc)}"
            for v in holders_on.get(other, []):
                if not G.has_edge(u, v):
                    G.add_edge(u, v, kind="linkage", weight=0.0, holders=u, condition=cond)
                    continue
                data = G.edges[u, v]
                holders = data["holders"].split()
                if u not in holders:
                    data["holders"] = " ".join(sorted([*holders, u]))
                    data["condition"] = " | ".join(sorted([*data["condition"].split(" | "), cond]))


@fill_doc
def party_graph(case: Case, *, at: Any = None, parties: Parties = None) -> nx.Graph:
    """The party-level conflict graph.

    {parameters_case_at_parties}

    Returns
    -------
    networkx.Graph
        Every selected party is a node (``name``, ``role``, ``positions``:
        the number of issues it has a position on). An edge joins two
        parties whose pair conflict
        (:func:`~engine.analysis.measures.conflict_matrix`, by stake) is > 0,
        with ``weight`` = ``conflict`` = that value, ``overlap`` = the pair
        overlap by stake (:func:`~engine.analysis.measures.overlap_matrix`),
        ``coverage`` (:func:`~engine.analysis.measures.coverage_matrix`) and
        ``shared_issues`` (the number of issues both state). Pairs with
        conflict 0 (compatible on every shared issue, or no shared issue) or
        NaN (no issue with a positive salience) get no edge: an edge means
        "these two collide".

    Notes
    -----
    ``conflict(p, q) = Σ_{i ∈ I_p ∩ I_q} w_i · gap_i(p, q) / Σ_{i ∈ I_p ∪ I_q} w_i``
    with ``w_i = (s_p,i + s_q,i) / 2``, a party without a position on ``i``
    counting as salience 0 there. O(m · n² · k).

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
    cov = coverage_matrix(case, at=at, parties=parties).to_numpy()
    shared = shared_issues_matrix(case, at=at, parties=parties).to_numpy()
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
        G.add_edge(
            arr.parties[i], arr.parties[j], weight=c, conflict=c, overlap=float(om[i, j]),
            coverage=float(cov[i, j]), shared_issues=int(shared[i, j]),
        )  # fmt: skip
    return G
