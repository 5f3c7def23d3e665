"""Agreement zones, their blockers (checked by brute force), contested issues."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings

from engine import Case, Issue, Position, Span
from engine.analysis.measures import agreement_zones, contested_issues
from tests.engine.analysis.test_measures import NOM, NUM, ORD, S, make_case, reference_matrices
from tests.strategies import cases

# example counts scale with the Hypothesis profile (tests/conftest.py): 30 and 20 by default
HALF = settings(max_examples=max(10, settings().max_examples // 2))
THIRD = settings(max_examples=max(10, settings().max_examples // 3))


def brute_zone(issue: Issue, positions: list[Position]) -> tuple:
    """Intersection of acceptable sets, from the definition (None when empty)."""
    if issue.is_interval:
        lo = max((p.acceptable.lo for p in positions), default=issue.min)  # type: ignore[union-attr]
        hi = min((p.acceptable.hi for p in positions), default=issue.max)  # type: ignore[union-attr]
        return (lo, hi) if lo <= hi else ()
    zone = set(issue.option_ids)
    for p in positions:
        zone &= p.acceptable.ids  # type: ignore[union-attr]
    return tuple(o for o in issue.option_ids if o in zone)


def brute_blockers(issue: Issue, present: dict[str, Position], order: tuple[str, ...]) -> tuple:
    """Every minimum-size set of parties whose removal opens the zone, by enumeration."""
    ids = [p for p in order if p in present]
    for size in range(len(ids) + 1):
        found = [
            removed
            for removed in itertools.combinations(ids, size)
            if brute_zone(issue, [present[p] for p in ids if p not in removed])
        ]
        if found:
            return tuple(found)
    raise AssertionError("removing every party always opens the zone")


def test_tiny_zones_by_hand(tiny: Case) -> None:
    z = agreement_zones(tiny)
    assert list(z.index) == ["ord", "nom", "num"]
    assert list(z.columns[:8]) == [
        "scale",
        "n_parties",
        "parties",
        "zone",
        "zone_ids",
        "empty",
        "blocker_size",
        "blockers",
    ]
    # ord: {o1,o2,o3} ∩ {o4,o5} ∩ {o2,o3,o4} = ∅; R_o1={b,c} R_o2={b} R_o3={b} R_o4={a} R_o5={a,c}
    assert z.loc["ord"].to_dict() == {
        "scale": "ordinal", "n_parties": 3, "parties": ("a", "b", "c"), "zone": "(empty)",
        "zone_ids": (), "empty": True, "blocker_size": 1, "blockers": (("a",), ("b",)),
    }  # fmt: skip
    # nom: {x,y} ∩ {z} = ∅ (c has no position); R_x = R_y = {b}, R_z = {a}
    assert z.loc["nom", "parties"] == ("a", "b") and z.loc["nom", "blockers"] == (("a",), ("b",))
    # num: [10,40] ∩ [30,90] ∩ [50,50] = ∅; without a: [50,50]; without c: [30,40]
    assert z.loc["num", "blockers"] == (("a",), ("c",))
    assert z["empty"].dtype == np.dtype(bool) and z["n_parties"].dtype == np.dtype(np.int64)


def test_open_zones_readable(tiny: Case) -> None:
    z = agreement_zones(tiny, parties=["a", "c"])
    assert z.loc["ord", "zone_ids"] == ("o2", "o3") and z.loc["ord", "zone"] == "Two … Three"
    assert (
        not z.loc["ord", "empty"]
        and z.loc["ord", "blockers"] == ()
        and z.loc["ord", "blocker_size"] == 0
    )
    z = agreement_zones(tiny, parties=["a", "b"])
    assert z.loc["num", "zone_ids"] == (30.0, 40.0) and z.loc["num", "zone"] == "30–40 units"


def test_fewer_than_two_positions_keep_their_row(tiny: Case) -> None:
    z = agreement_zones(tiny, parties=["c"])
    # one party: its own acceptable set; no party: the whole scale (nothing constrains it)
    assert z.loc["ord", "n_parties"] == 1 and z.loc["ord", "zone_ids"] == ("o2", "o3", "o4")
    assert z.loc["nom", "n_parties"] == 0 and z.loc["nom", "parties"] == ()
    assert z.loc["nom", "zone_ids"] == ("x", "y", "z") and not z.loc["nom", "empty"]
    assert z.loc["num", "zone_ids"] == (50.0, 50.0) and z.loc["num", "zone"] == "50 units"
    nobody = agreement_zones(tiny, parties=[])
    assert nobody.loc["num", "zone_ids"] == (0.0, 100.0) and nobody["n_parties"].eq(0).all()


def test_blockers_with_pairs_and_ties() -> None:
    # options o1..o5; a, b want o1, c, d want o5, e accepts everything:
    # R_o1 = {c, d}, R_o5 = {a, b}, others {a, b, c, d}: blockers {a,b} and {c,d}
    ps = [
        Position("a", "ord", "o1", S("o1")),
        Position("b", "ord", "o1", S("o1", "o2")),
        Position("c", "ord", "o5", S("o5")),
        Position("d", "ord", "o5", S("o4", "o5")),
        Position("e", "ord", "o3", S("o1", "o2", "o3", "o4", "o5")),
    ]
    case = make_case((ORD,), ps, ("a", "b", "c", "d", "e"))
    z = agreement_zones(case)
    assert z.loc["ord", "blocker_size"] == 2
    assert z.loc["ord", "blockers"] == (("a", "b"), ("c", "d"))


def test_interval_blockers_need_every_endpoint() -> None:
    # [0,10], [20,30], [5,25]: without a → [20,25]; without b → [5,10]; without c nothing
    ps = [
        Position("a", "num", 5.0, Span(0, 10)),
        Position("b", "num", 25.0, Span(20, 30)),
        Position("c", "num", 20.0, Span(5, 25)),
    ]
    z = agreement_zones(make_case((NUM,), ps))
    assert z.loc["num", "blockers"] == (("a",), ("b",))


@HALF
@given(cases(max_parties=6, max_issues=3))
def test_zones_and_blockers_match_brute_force(case: Case) -> None:
    z = agreement_zones(case)
    state = case.at()
    for issue in case.issues:
        present = {p: state[(p, issue.id)] for p in case.party_ids if (p, issue.id) in state}
        zone = brute_zone(issue, list(present.values()))
        row = z.loc[issue.id]
        assert row["parties"] == tuple(present)
        assert row["empty"] == (zone == ())
        assert row["zone_ids"] == zone
        if zone:
            assert row["blockers"] == () and row["blocker_size"] == 0
        else:
            expected = brute_blockers(issue, present, case.party_ids)
            assert row["blockers"] == expected
            assert row["blocker_size"] == len(expected[0])


@THIRD
@given(cases())
def test_zone_empty_iff_some_pair_incompatible_on_intervals_and_ranges(case: Case) -> None:
    """Helly: on interval scales the zone is empty iff two acceptable intervals are disjoint."""
    z = agreement_zones(case)
    comp = reference_matrices(case, "compatible")
    for issue in case.issues:
        if issue.is_interval:
            c = np.array(comp[issue.id], dtype=float)
            assert bool(z.loc[issue.id, "empty"]) == bool((c == 0).any())


# ---------------------------------------------------------- contested issues


def test_contested_issues_by_hand(tiny: Case) -> None:
    c = contested_issues(tiny)
    assert list(c.index) == ["nom", "ord", "num"]
    assert c["rank"].tolist() == [1, 2, 3]
    assert c.loc["nom", "total_conflict"] == pytest.approx(1.0 * (0.4 + 0.2) / 2)
    assert c.loc["ord", "total_conflict"] == pytest.approx(0.25 * (0.8 + 1.0) / 2)
    assert c.loc["num", "top_pairs"] == (("a", "c", pytest.approx(0.1 * (0.6 + 0.2) / 2)),)
    assert c.loc["ord", "pairs"] == 3 and c.loc["ord", "incompatible_pairs"] == 1
    assert c.loc["nom", "pairs"] == 1 and c.loc["nom", "n_parties"] == 2
    assert c.loc["nom", "drivers"] == "a–b 0.30"
    assert isinstance(c.loc["ord", "max_conflict"], float)


def test_contested_issues_ordering_and_ties() -> None:
    # two issues with equal totals: the one with more incompatible pairs first, then case order
    ps = [
        Position("a", "ord", "o1", S("o1"), 1.0),
        Position("b", "ord", "o3", S("o3"), 1.0),  # gap 2/4, conflict 0.5
        Position("a", "nom", "x", S("x"), 0.5),
        Position("b", "nom", "z", S("z"), 0.5),  # gap 1, conflict 0.5
    ]
    c = contested_issues(make_case((ORD, NOM), ps, ("a", "b")), top=1)
    assert list(c.index) == ["ord", "nom"]
    assert c.loc["ord", "total_conflict"] == pytest.approx(c.loc["nom", "total_conflict"])


@THIRD
@given(cases())
def test_contested_totals_match_total_conflict(case: Case) -> None:
    from engine.analysis.measures import total_conflict

    c = contested_issues(case)
    t = total_conflict(case, by_issue=True)
    assert isinstance(c, pd.DataFrame) and set(c.index) == set(case.issue_ids)
    assert c["total_conflict"].to_numpy() == pytest.approx(t[c.index].to_numpy(), abs=1e-12)
    assert (np.diff(c["total_conflict"].to_numpy()) <= 1e-12).all()
