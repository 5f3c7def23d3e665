"""The incompatibility graph, its analytics, and the cheapest relaxation."""

from __future__ import annotations

import dataclasses
import io
import itertools
import math

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine import Case, Position, Span
from engine.analysis.graph import (
    Relaxation,
    cheapest_relaxation,
    conflict_clusters,
    incompatibility_graph,
    party_graph,
    position_centrality,
)
from tests.engine.analysis.test_measures import NOM, NUM, ORD, S, make_case
from tests.strategies import cases

# example counts scale with the Hypothesis profile (tests/conftest.py): 30 and 20 by default
HALF = settings(max_examples=max(10, settings().max_examples // 2))
THIRD = settings(max_examples=max(10, settings().max_examples // 3))


def test_nodes_and_attributes(tiny: Case) -> None:
    G = incompatibility_graph(tiny)
    assert list(G.nodes) == [
        "a:ord",
        "b:ord",
        "c:ord",
        "a:nom",
        "b:nom",
        "a:num",
        "b:num",
        "c:num",
    ]
    a = G.nodes["a:ord"]
    assert a == {
        "party": "a", "issue": "ord", "party_name": "Party A", "issue_name": "Ordinal issue",
        "party_short": "Party A", "issue_short": "Ordinal issue", "role": "belligerent", "scale": "ordinal", "label": "Party A – Ordinal issue",
        "ideal": "o1", "ideal_label": "One", "acceptable": "One … Three",
        "acceptable_ids": "o1 o2 o3", "salience": 0.8, "red_line": False,
        "requires": "nom: x", "confidence": "reported", "as_of": "2023-12-01", "sources": "s2",
        "note": "",
    }  # fmt: skip
    assert G.nodes["b:num"]["ideal"] == 80.0 and G.nodes["b:num"]["acceptable_ids"] == "30 90"
    assert G.nodes["b:ord"]["red_line"] is True
    assert G.graph == {
        "case": "tiny",
        "title": "Tiny test case",
        "at": "2024-01-01",
        "parties": "a b c",
    }
    for _, data in G.nodes(data=True):
        assert all(isinstance(v, str | int | float | bool) for v in data.values())


def test_conflict_edges_by_hand(tiny: Case) -> None:
    G = incompatibility_graph(tiny)
    conflicts = {(u, v): d for u, v, d in G.edges(data=True) if d["kind"] == "conflict"}
    assert set(conflicts) == {("a:ord", "b:ord"), ("a:nom", "b:nom"), ("a:num", "c:num")}
    e = conflicts[("a:ord", "b:ord")]
    assert e["weight"] == pytest.approx(1 / 4 * (0.8 + 1.0) / 2) and e["gap"] == 0.25
    assert e["distance"] == 1.0 and e["overlap"] == 0.0 and e["issue"] == "ord"
    assert conflicts[("a:nom", "b:nom")]["weight"] == pytest.approx(1.0 * (0.4 + 0.2) / 2)
    assert conflicts[("a:num", "c:num")]["weight"] == pytest.approx(0.1 * (0.6 + 0.2) / 2)


def test_linkage_edges(tiny: Case) -> None:
    G = incompatibility_graph(tiny)
    links = {(u, v): d for u, v, d in G.edges(data=True) if d["kind"] == "linkage"}
    # a:ord requires nom ∈ {x}: an edge to every position on nom (a's own and b's)
    assert {frozenset(k) for k in links} == {
        frozenset({"a:ord", "a:nom"}),
        frozenset({"a:ord", "b:nom"}),
    }
    for d in links.values():
        assert (
            d["weight"] == 0.0 and d["holders"] == "a:ord" and d["condition"] == "a:ord if nom: x"
        )


def test_linkage_both_directions_merge() -> None:
    ps = [
        Position("a", "ord", "o1", S("o1"), requires=(("nom", S("x")),)),
        Position("b", "nom", "x", S("x"), requires=(("ord", S("o1", "o2")),)),
    ]
    G = incompatibility_graph(make_case((ORD, NOM), ps, ("a", "b")))
    assert G.number_of_edges() == 1
    d = G.edges["a:ord", "b:nom"]
    assert d["kind"] == "linkage" and d["holders"] == "a:ord b:nom"
    assert d["condition"] == "a:ord if nom: x | b:nom if ord: o1 o2"


def test_zero_weight_conflict_edge_is_kept() -> None:
    ps = [Position("a", "ord", "o1", S("o1"), 0.0), Position("b", "ord", "o5", S("o5"), 0.0)]
    G = incompatibility_graph(make_case((ORD,), ps, ("a", "b")))
    assert G.edges["a:ord", "b:ord"]["weight"] == 0.0 and G.edges["a:ord", "b:ord"]["gap"] == 1.0
    r = cheapest_relaxation(G)
    assert r.total_salience == 0.0 and len(r.positions) == 1  # still must relax one of them


def test_graphml_round_trip(tiny: Case) -> None:
    G = incompatibility_graph(tiny)
    buf = io.BytesIO()
    nx.write_graphml(G, buf)
    H = nx.read_graphml(io.BytesIO(buf.getvalue()))
    assert dict(H.nodes(data=True)) == dict(G.nodes(data=True))
    assert {frozenset((u, v)): d for u, v, d in H.edges(data=True)} == {
        frozenset((u, v)): d for u, v, d in G.edges(data=True)
    }


def test_party_graph(tiny: Case) -> None:
    P = party_graph(tiny)
    assert list(P.nodes) == ["a", "b", "c"]
    assert P.nodes["c"] == {"name": "Party C", "role": "mediator", "positions": 2}
    # b–c conflict is 0 (compatible everywhere they meet): no edge
    assert sorted(P.edges()) == [("a", "b"), ("a", "c")]
    assert P.edges["a", "b"]["weight"] == pytest.approx((0.9 * 0.25 + 0.3 * 1 + 0.55 * 0) / 1.75)
    # a and c share "ord" (w (0.8+0.3)/2, overlap 2/4) and "num" (w (0.6+0.2)/2, overlap 0);
    # a alone states "nom" (w (0.4+0)/2): the pair overlap by stake divides by all three
    assert P.edges["a", "c"]["overlap"] == pytest.approx((0.55 * 0.5) / (0.55 + 0.4 + 0.2))
    assert P.edges["a", "c"]["coverage"] == pytest.approx((0.55 + 0.4) / (0.55 + 0.4 + 0.2))
    assert P.edges["a", "c"]["shared_issues"] == 2


def test_centrality(tiny: Case) -> None:
    c = position_centrality(incompatibility_graph(tiny))
    assert list(c.columns) == [
        "party", "issue", "conflict_degree", "conflict_strength", "linkage_degree",
        "degree_centrality", "betweenness",
    ]  # fmt: skip
    assert list(c.index[:3]) == ["a:nom", "b:nom", "a:ord"]  # strength 0.3, 0.3, 0.225
    assert c.loc["a:ord", "linkage_degree"] == 2 and c.loc["a:ord", "conflict_degree"] == 1
    assert c.loc["a:nom", "degree_centrality"] == pytest.approx(1 / 7)
    # 8 nodes; a:ord is the only way from b:ord to a:nom and to b:nom (a:nom – b:nom are
    # adjacent): 2 pairs, normalised by (8 − 1)(8 − 2)/2 = 21
    assert c.loc["a:ord", "betweenness"] == pytest.approx(2 / 21)
    assert c.loc["c:ord", "conflict_degree"] == 0 and c.loc["c:ord", "conflict_strength"] == 0.0
    assert position_centrality(nx.Graph()).empty


def test_clusters(tiny: Case) -> None:
    G = incompatibility_graph(tiny)
    assert conflict_clusters(G) == [("a:ord", "b:ord"), ("a:nom", "b:nom"), ("a:num", "c:num")]
    assert conflict_clusters(G, linkage=True) == [
        ("a:ord", "b:ord", "a:nom", "b:nom"),
        ("a:num", "c:num"),
    ]


def test_relaxation_by_hand(tiny: Case) -> None:
    r = cheapest_relaxation(incompatibility_graph(tiny))
    # ord: relax a (.8) rather than b (1.0); nom: b (.2) rather than a (.4);
    # num: c (.2) rather than a (.6)
    assert r == Relaxation(
        ("a:ord", "b:nom", "c:num"), pytest.approx(0.8 + 0.2 + 0.2), True, "enumeration", ()
    )
    # the integer programme finds the same
    milp = cheapest_relaxation(incompatibility_graph(tiny), enumerate_limit=0)
    assert milp.positions == r.positions and milp.method == "milp"
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.exact = False  # type: ignore[misc]


def test_relaxation_without_conflict() -> None:
    r = cheapest_relaxation(nx.Graph())
    assert r.positions == () and r.total_salience == 0.0 and r.exact and r.method == "none"


def test_relaxation_tie_breaks() -> None:
    # a path x – y – z with saliences 1, 2, 1: {y} (2) and {x, z} (1 + 1) weigh the same;
    # fewest positions wins: {y}
    G = nx.Graph()
    G.add_nodes_from(
        [("x", {"salience": 1.0}), ("y", {"salience": 2.0}), ("z", {"salience": 1.0})]
    )
    G.add_edges_from([("x", "y"), ("y", "z")], kind="conflict")
    for limit in (0, 12):  # the integer programme and the enumeration agree
        assert cheapest_relaxation(G, enumerate_limit=limit).positions == ("y",)
        # a single edge of equal saliences: the first id in sorted order, whatever the build order
        for order in (["q", "p"], ["p", "q"]):
            H = nx.Graph()
            H.add_nodes_from((v, {"salience": 0.5}) for v in order)
            H.add_edge(*order, kind="conflict")
            assert cheapest_relaxation(H, enumerate_limit=limit).positions == ("p",)
    # a 4-cycle a–b–c–d of equal saliences: {a, c} and {b, d} tie on salience and count;
    # the rank sum decides (1 + 3 < 2 + 4)
    C = nx.cycle_graph(["a", "b", "c", "d"])
    nx.set_node_attributes(C, 0.5, "salience")
    assert cheapest_relaxation(C).positions == ("a", "c")
    assert cheapest_relaxation(C, enumerate_limit=0).positions == ("a", "c")


def test_relaxation_fallback_is_flagged() -> None:
    G = nx.cycle_graph(5)
    G = nx.relabel_nodes(G, {i: f"n{i}" for i in range(5)})
    nx.set_node_attributes(G, 1.0, "salience")
    r = cheapest_relaxation(G, exact_limit=3, enumerate_limit=0)
    assert not r.exact and r.method == "2-approximation"
    assert "exact_limit=3" in r.notes[0] and "2-approximation" in r.notes[0]
    assert all(u in r.positions or v in r.positions for u, v in G.edges)
    assert r.total_salience <= 2 * 3  # the optimum of C5 is 3
    exact = cheapest_relaxation(G)
    assert exact.exact and exact.total_salience == 3.0


def _brute_force_cover(G: nx.Graph) -> float:
    nodes = list(G.nodes)
    best = math.inf
    for k in range(len(nodes) + 1):
        for S_ in itertools.combinations(nodes, k):
            s = set(S_)
            if all(u in s or v in s for u, v in G.edges):
                best = min(best, sum(G.nodes[v]["salience"] for v in s))
    return best


@st.composite
def weighted_graphs(draw: st.DrawFn) -> nx.Graph:
    n = draw(st.integers(1, 12))
    G = nx.Graph()
    G.add_nodes_from((f"v{i:02d}", {"salience": draw(st.integers(0, 20)) / 20}) for i in range(n))
    pairs = list(itertools.combinations(list(G.nodes), 2))
    edges = (
        draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs))) if pairs else []
    )
    G.add_edges_from(edges, kind="conflict")
    return G


@HALF
@given(weighted_graphs())
def test_relaxation_is_a_minimum_cover(G: nx.Graph) -> None:
    best = _brute_force_cover(G)
    by_enumeration = cheapest_relaxation(G)
    by_milp = cheapest_relaxation(G, enumerate_limit=0)
    for r in (by_enumeration, by_milp):
        chosen = set(r.positions)
        assert all(u in chosen or v in chosen for u, v in G.edges)
        assert r.exact
        assert r.total_salience <= best + 1e-9
        assert r.total_salience == pytest.approx(sum(G.nodes[v]["salience"] for v in chosen))
    # same tie-break up to the rank sum: the same number of positions and rank sum
    ranks = {v: i for i, v in enumerate(sorted(G.nodes))}
    assert len(by_milp.positions) == len(by_enumeration.positions)
    assert sum(ranks[v] for v in by_milp.positions) == sum(
        ranks[v] for v in by_enumeration.positions
    )


@THIRD
@given(cases(max_parties=5, with_requires=True), st.data())
def test_graph_properties_on_random_cases(case: Case, data: st.DataObject) -> None:
    G = incompatibility_graph(case)
    state = case.at()
    assert set(G.nodes) == {f"{p}:{i}" for p, i in state}
    comp = engine.issue_matrices(case, "compatible")
    conflict = engine.issue_matrices(case, "conflict")
    for issue in case.issue_ids:
        for p, q in itertools.combinations(case.party_ids, 2):
            u, v = f"{p}:{issue}", f"{q}:{issue}"
            incompatible = comp[issue].loc[p, q] == 0.0
            assert (G.has_edge(u, v) and G.edges[u, v]["kind"] == "conflict") == incompatible
            if incompatible:
                assert G.edges[u, v]["weight"] == pytest.approx(conflict[issue].loc[p, q])
    # relaxing the chosen positions fully (accept the whole scale) removes every conflict edge
    r = cheapest_relaxation(G)
    relaxed = case
    for node in r.positions:
        p, i = node.split(":")
        issue = case.issue(i)
        whole = Span(issue.min, issue.max) if issue.is_interval else S(*issue.option_ids)  # type: ignore[arg-type]
        relaxed = _set_acceptable(relaxed, p, i, whole)
    H = incompatibility_graph(relaxed)
    assert not [e for e in H.edges(data="kind") if e[2] == "conflict"]
    # the same relaxation whatever the order of parties
    perm = data.draw(st.permutations(range(len(case.parties))))
    other = dataclasses.replace(case, parties=tuple(case.parties[i] for i in perm))
    assert cheapest_relaxation(incompatibility_graph(other)) == r


def _set_acceptable(case: Case, party: str, issue: str, acc: object) -> Case:
    pos = case.at()[(party, issue)]
    new = dataclasses.replace(pos, acceptable=acc)
    statements = tuple(
        dataclasses.replace(
            s,
            positions=tuple(
                (i, new if (s.party, i) == (party, issue) and p is not None else p)
                for i, p in s.positions
            ),
        )
        for s in case.statements
    )
    return dataclasses.replace(case, statements=statements)


def test_graph_with_party_subset_and_date(tiny: Case) -> None:
    G = incompatibility_graph(tiny, parties=["b", "c"], at="2023-06-01")
    assert set(G.nodes) == {"b:ord", "b:nom", "b:num", "c:ord", "c:num"}
    assert G.number_of_edges() == 0
    assert G.graph["at"] == "2023-06-01"
    # a's requires at 2023-06-01 did not exist yet
    assert all(
        d.get("kind") != "linkage"
        for *_, d in incompatibility_graph(tiny, at="2023-06-01").edges(data=True)
    )


def test_interval_issue_interval_positions() -> None:
    ps = [
        Position("a", "num", 5.0, Span(0, 10), 0.9),
        Position("b", "num", 50.0, Span(40, 60), 0.1),
        Position("c", "num", 90.0, Span(80, 100), 0.3),
    ]
    G = incompatibility_graph(make_case((NUM,), ps))
    assert G.number_of_edges() == 3  # all pairwise disjoint: a triangle
    r = cheapest_relaxation(G)
    # keep the heaviest (a, .9) and relax b and c: .1 + .3
    assert r.positions == ("b:num", "c:num") and r.total_salience == pytest.approx(0.1 + 0.3)
