"""Aggregate overlap / conflict matrices, total conflict and position tables."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine import Case, Position, Span
from engine.analysis.measures import (
    conflict_matrix,
    overlap_matrix,
    position_records,
    position_table,
    total_conflict,
)
from tests.engine.analysis.test_measures import (
    NOM,
    NUM,
    ORD,
    S,
    assert_same,
    make_case,
    reference_aggregate,
    reference_matrices,
)
from tests.strategies import cases

# example counts scale with the Hypothesis profile (tests/conftest.py): 30 and 20 by default
HALF = settings(max_examples=max(10, settings().max_examples // 2))
THIRD = settings(max_examples=max(10, settings().max_examples // 3))


# weights w = (s_p + s_q)/2 on the tiny case (a: ord .8 nom .4 num .6; b: 1 .2 .5; c: .3 – .2)
W_AB = {"ord": (0.8 + 1.0) / 2, "nom": (0.4 + 0.2) / 2, "num": (0.6 + 0.5) / 2}
W_AC = {"ord": (0.8 + 0.3) / 2, "num": (0.6 + 0.2) / 2}
W_BC = {"ord": (1.0 + 0.3) / 2, "num": (0.5 + 0.2) / 2}


def test_overlap_matrix_by_hand(tiny: Case) -> None:
    m = overlap_matrix(tiny, measure="intensity")
    ab = (W_AB["ord"] * 0 + W_AB["nom"] * 0 + W_AB["num"] * (10 / 80)) / sum(W_AB.values())
    ac = (W_AC["ord"] * (2 / 4) + W_AC["num"] * 0) / sum(W_AC.values())
    bc = (W_BC["ord"] * (1 / 4) + W_BC["num"] * 0) / sum(W_BC.values())
    assert_same(m, [[1, ab, ac], [ab, 1, bc], [ac, bc, 1]])
    assert m.loc["a", "b"] == pytest.approx((0.55 * 0.125) / 1.75)


def test_conflict_matrix_by_hand(tiny: Case) -> None:
    m = conflict_matrix(tiny, measure="intensity")
    ab = (W_AB["ord"] * (1 / 4) + W_AB["nom"] * 1.0 + W_AB["num"] * 0) / sum(W_AB.values())
    ac = (W_AC["ord"] * 0 + W_AC["num"] * (10 / 100)) / sum(W_AC.values())
    bc = (W_BC["ord"] * 0 + W_BC["num"] * 0) / sum(W_BC.values())
    assert_same(m, [[0, ab, ac], [ab, 0, bc], [ac, bc, 0]])
    assert m.loc["a", "b"] == pytest.approx((0.9 * 0.25 + 0.3 * 1) / 1.75)


def test_total_conflict_by_hand(tiny: Case) -> None:
    ord_ = 1 / 4 * (0.8 + 1.0) / 2
    nom = 1.0 * (0.4 + 0.2) / 2
    num = 10 / 100 * (0.6 + 0.2) / 2
    t = total_conflict(tiny)
    assert type(t) is float
    assert t == pytest.approx(ord_ + nom + num)
    by = total_conflict(tiny, by_issue=True)
    assert isinstance(by, pd.Series) and list(by.index) == ["ord", "nom", "num"]
    assert by.to_numpy() == pytest.approx([ord_, nom, num])
    assert total_conflict(tiny, parties=["b", "c"]) == 0.0
    assert total_conflict(tiny, parties=["a"]) == 0.0  # no pair: an empty sum


def test_no_shared_issue_and_zero_weight_give_nan_for_intensity() -> None:
    # a and b never meet (a only on ord, b only on nom); c and d share ord at salience 0
    case = make_case(
        (ORD, NOM),
        [
            Position("a", "ord", "o1", S("o1"), 0.5),
            Position("b", "nom", "x", S("x"), 0.5),
            Position("c", "ord", "o1", S("o1"), 0.0),
            Position("d", "ord", "o5", S("o5"), 0.0),
        ],
        ("a", "b", "c", "d", "e"),
    )
    om, cm = overlap_matrix(case, measure="intensity"), conflict_matrix(case, measure="intensity")
    assert np.isnan(om.loc["a", "b"]) and np.isnan(cm.loc["a", "b"])  # no shared issue
    assert np.isnan(om.loc["c", "d"]) and np.isnan(cm.loc["c", "d"])  # Σw = 0
    # the per-issue conflict is 0 (gap 1 × weight 0), the issue still counts in the total
    assert engine.issue_matrices(case, "conflict")["ord"].loc["c", "d"] == 0.0
    # diagonal: 1 / 0 with at least one position, whatever the saliences; NaN for e (none)
    assert om.loc["c", "c"] == 1.0 and cm.loc["c", "c"] == 0.0
    assert np.isnan(om.loc["e", "e"]) and np.isnan(cm.loc["e", "e"])
    assert om.loc["e"].isna().all() and cm["e"].isna().all()
    # a and c: ord only, w = (0.5 + 0)/2, overlap 1/1, gap 0
    assert om.loc["a", "c"] == 1.0 and cm.loc["a", "c"] == 0.0
    assert cm.loc["a", "d"] == pytest.approx((0.25 * 1.0) / 0.25)


def test_interval_weighted_mix() -> None:
    case = make_case(
        (ORD, NUM),
        [
            Position("a", "ord", "o1", S("o1", "o2"), 1.0),
            Position("b", "ord", "o4", S("o4"), 0.5),
            Position("a", "num", 10.0, Span(0, 20), 0.2),
            Position("b", "num", 30.0, Span(30, 50), 0.4),
        ],
        ("a", "b"),
    )
    w_ord, w_num = (1.0 + 0.5) / 2, (0.2 + 0.4) / 2
    gap_ord, gap_num = (3 - 1) / 4, (30 - 20) / 100
    # both state both issues: coverage 1, so stake and intensity agree
    assert conflict_matrix(case, measure="intensity").loc["a", "b"] == pytest.approx(
        (w_ord * gap_ord + w_num * gap_num) / (w_ord + w_num)
    )
    assert conflict_matrix(case).loc["a", "b"] == pytest.approx(
        (w_ord * gap_ord + w_num * gap_num) / (w_ord + w_num)
    )
    assert overlap_matrix(case).loc["a", "b"] == 0.0
    assert total_conflict(case) == pytest.approx(w_ord * gap_ord + w_num * gap_num)


# ---------------------------------------------------------------- properties


@HALF
@given(cases(max_parties=5, with_requires=True))
def test_aggregates_match_reference(case: Case) -> None:
    for measure in ("intensity", "stake"):
        for fn, kind in ((overlap_matrix, "overlap"), (conflict_matrix, "conflict")):
            assert_same(
                fn(case, measure=measure), reference_aggregate(case, kind, measure=measure)
            )
    conflicts = reference_matrices(case, "conflict")
    expected = sum(
        conflicts[i][r][c]
        for i in case.issue_ids
        for r in range(len(case.parties))
        for c in range(r + 1, len(case.parties))
        if not np.isnan(conflicts[i][r][c])
    )
    assert total_conflict(case) == pytest.approx(expected, abs=1e-12)


@THIRD
@given(cases())
def test_symmetry_bounds_diagonal(case: Case) -> None:
    state = case.at()
    for m, diag in ((overlap_matrix(case), 1.0), (conflict_matrix(case), 0.0)):
        a = m.to_numpy()
        assert np.array_equal(a, a.T, equal_nan=True)
        v = a[~np.isnan(a)]
        assert ((v >= 0) & (v <= 1 + 1e-12)).all()
        for r, p in enumerate(case.party_ids):
            any_pos = any((p, i) in state for i in case.issue_ids)
            assert (a[r, r] == diag) if any_pos else np.isnan(a[r, r])
            if not any_pos:
                assert np.isnan(a[r]).all()  # never zero


def _permuted(case: Case, party_order: list[int], issue_order: list[int]) -> Case:
    return dataclasses.replace(
        case,
        parties=tuple(case.parties[i] for i in party_order),
        issues=tuple(case.issues[i] for i in issue_order),
    )


@THIRD
@given(cases(), st.data())
def test_invariant_under_reordering_parties_and_issues(case: Case, data: st.DataObject) -> None:
    po = data.draw(st.permutations(range(len(case.parties))))
    io = data.draw(st.permutations(range(len(case.issues))))
    other = _permuted(case, list(po), list(io))
    ids = list(case.party_ids)
    for fn in (overlap_matrix, conflict_matrix):
        a = fn(case)
        b = fn(other).loc[ids, ids]
        assert_same(b, a.to_numpy().tolist(), tol=1e-12)
    assert total_conflict(other) == pytest.approx(total_conflict(case), abs=1e-12)
    t1 = total_conflict(case, by_issue=True)
    t2 = total_conflict(other, by_issue=True)
    assert t2[t1.index].to_numpy() == pytest.approx(t1.to_numpy(), abs=1e-12)


@THIRD
@given(cases(), st.data())
def test_selecting_parties_gives_the_submatrix(case: Case, data: st.DataObject) -> None:
    chosen = data.draw(st.lists(st.sampled_from(case.party_ids), min_size=1, unique=True))
    order = [p for p in case.party_ids if p in chosen]
    for fn in (overlap_matrix, conflict_matrix):
        full = fn(case)
        sub = fn(case, parties=chosen)
        assert list(sub.index) == order
        assert_same(sub, full.loc[order, order].to_numpy().tolist())


# -------------------------------------------------------------- position table


def test_position_table(tiny: Case) -> None:
    t = position_table(tiny)
    assert list(t.index) == ["ord", "nom", "num"] and list(t.columns) == ["a", "b", "c"]
    assert t.loc["ord", "b"] == "Five (accepts Four … Five), red line"
    assert t.loc["ord", "a"] == "One (accepts One … Three, if nom: x)"
    assert t.loc["nom", "a"] == "X (accepts X; Y)"
    assert t.loc["nom", "c"] == "no position"
    assert t.loc["num", "a"] == "20 units (accepts 10–40 units)"
    early = position_table(tiny, at="2023-06-01", parties=["a"])
    assert list(early.columns) == ["a"] and early.loc["ord", "a"] == "One (accepts One … Two)"


def test_position_records(tiny: Case) -> None:
    r = position_records(tiny)
    assert len(r) == 3 * 3
    assert list(zip(r.issue, r.party, strict=True))[:3] == [
        ("ord", "a"),
        ("ord", "b"),
        ("ord", "c"),
    ]
    row = r[(r.issue == "num") & (r.party == "b")].iloc[0]
    assert row.ideal == 80.0 and row.acceptable_ids == (30.0, 90.0) and row.salience == 0.5
    none = r[(r.issue == "nom") & (r.party == "c")].iloc[0]
    assert not none.has_position and np.isnan(none.salience) and none.acceptable == "no position"
    a_ord = r[(r.issue == "ord") & (r.party == "a")].iloc[0]
    assert (
        a_ord.requires == "nom: x"
        and a_ord.confidence == "reported"
        and a_ord.as_of == "2023-12-01"
    )
    assert a_ord.sources == ("s2",)


def test_nan_entries_are_never_zero_for_missing_positions() -> None:
    case = make_case(
        (ORD,), [Position("a", "ord", "o1", S("o1")), Position("b", "ord", "o1", S("o1"))]
    )
    for fn in (overlap_matrix, conflict_matrix):
        m = fn(case)
        assert m.loc["c"].isna().all() and m["c"].isna().all()
