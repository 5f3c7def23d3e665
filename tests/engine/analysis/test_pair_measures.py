"""Pair measures by stake: pair conflict, pair overlap, coverage, shared issues (issue 10)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine import Case, Position
from engine.analysis.measures import (
    PAIR_MEASURES,
    conflict_matrix,
    coverage_matrix,
    overlap_matrix,
    shared_issues_matrix,
)
from engine.model.errors import UnknownIdError
from tests.engine.analysis.test_measures import (
    NOM,
    ORD,
    S,
    assert_same,
    make_case,
    reference_aggregate,
)
from tests.strategies import cases

HALF = settings(max_examples=max(10, settings().max_examples // 2))

# tiny: a states ord .8, nom .4, num .6; b ord 1, nom .2, num .5; c ord .3, num .2 (no nom)
W_AB = {"ord": (0.8 + 1.0) / 2, "nom": (0.4 + 0.2) / 2, "num": (0.6 + 0.5) / 2}
W_AC = {"ord": (0.8 + 0.3) / 2, "nom": (0.4 + 0) / 2, "num": (0.6 + 0.2) / 2}
W_BC = {"ord": (1.0 + 0.3) / 2, "nom": (0.2 + 0) / 2, "num": (0.5 + 0.2) / 2}


def test_pair_conflict_by_stake_by_hand(tiny: Case) -> None:
    m = conflict_matrix(tiny)
    ab = (W_AB["ord"] * (1 / 4) + W_AB["nom"] * 1 + W_AB["num"] * 0) / sum(W_AB.values())
    ac = (W_AC["ord"] * 0 + W_AC["num"] * (10 / 100)) / sum(W_AC.values())  # nom: a alone
    bc = (W_BC["ord"] * 0 + W_BC["num"] * 0) / sum(W_BC.values())
    assert_same(m, [[0, ab, ac], [ab, 0, bc], [ac, bc, 0]])
    assert m.loc["a", "c"] == pytest.approx((0.55 * 0 + 0.4 * 0.1) / (0.55 + 0.2 + 0.4))


def test_pair_overlap_coverage_and_shared_by_hand(tiny: Case) -> None:
    om, cov, n = overlap_matrix(tiny), coverage_matrix(tiny), shared_issues_matrix(tiny)
    ac = (W_AC["ord"] * (2 / 4) + W_AC["num"] * 0) / sum(W_AC.values())
    assert om.loc["a", "c"] == pytest.approx(ac)
    assert cov.loc["a", "c"] == pytest.approx((0.55 + 0.4) / (0.55 + 0.2 + 0.4))
    assert cov.loc["b", "c"] == pytest.approx((0.65 + 0.35) / (0.65 + 0.1 + 0.35))
    assert cov.loc["a", "b"] == 1.0  # both state every issue
    assert n.to_numpy().tolist() == [[3, 3, 2], [3, 3, 2], [2, 2, 2]]
    assert n.dtypes.map(pd.api.types.is_integer_dtype).all()


def test_no_shared_issue_gives_zero_by_stake_and_zero_weight_nan() -> None:
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
    cm, om, cov = conflict_matrix(case), overlap_matrix(case), coverage_matrix(case)
    # a–b: nothing shared, Σ_either w = 0.5/2 + 0.5/2 > 0: conflict 0, overlap 0, coverage 0
    assert (cm.loc["a", "b"], om.loc["a", "b"], cov.loc["a", "b"]) == (0.0, 0.0, 0.0)
    # c–d: Σ_either w = 0: NaN everywhere (nothing at stake)
    assert (
        np.isnan(cm.loc["c", "d"]) and np.isnan(om.loc["c", "d"]) and np.isnan(cov.loc["c", "d"])
    )
    # a–d: ord shared, w (0.5 + 0)/2, gap 1: the whole stake in conflict
    assert cm.loc["a", "d"] == pytest.approx((0.25 * 1.0) / 0.25)
    # diagonal conventions
    assert cm.loc["c", "c"] == 0.0 and om.loc["c", "c"] == 1.0 and cov.loc["c", "c"] == 1.0
    assert np.isnan(cm.loc["e", "e"]) and np.isnan(cov.loc["e", "e"])
    assert shared_issues_matrix(case).loc["e"].tolist() == [0, 0, 0, 0, 0]


def test_unknown_measure() -> None:
    with pytest.raises(UnknownIdError, match="pair measure"):
        conflict_matrix(engine.load_case("tests/cases/tiny"), measure="stakes")
    assert PAIR_MEASURES == ("stake", "intensity")


@HALF
@given(cases(max_parties=5, with_requires=True))
def test_pair_measures_match_definitions(case: Case) -> None:
    assert_same(coverage_matrix(case), reference_aggregate(case, "coverage"))
    assert_same(shared_issues_matrix(case), reference_aggregate(case, "shared"))


@HALF
@given(cases(max_parties=5))
def test_stake_is_intensity_times_coverage(case: Case) -> None:
    cov = coverage_matrix(case).to_numpy()
    for fn in (conflict_matrix, overlap_matrix):
        stake = fn(case).to_numpy()
        intensity = fn(case, measure="intensity").to_numpy()
        off = ~np.eye(len(cov), dtype=bool)
        defined = off & ~np.isnan(intensity)
        assert np.allclose(stake[defined], intensity[defined] * cov[defined], atol=1e-12)
        # intensity undefined but something at stake: nothing shared with weight, stake 0
        only_stake = off & np.isnan(intensity) & ~np.isnan(cov)
        assert (stake[only_stake] == 0).all() and (cov[only_stake] == 0).all()
        assert np.array_equal(np.isnan(stake), np.isnan(cov))


@HALF
@given(cases(max_parties=5), st.data())
def test_pair_measures_symmetric_bounded_and_order_free(case: Case, data: st.DataObject) -> None:
    order = list(data.draw(st.permutations(case.party_ids)))
    ids = list(case.party_ids)
    for fn in (conflict_matrix, overlap_matrix, coverage_matrix, shared_issues_matrix):
        m = fn(case)
        a = m.to_numpy(dtype=float)
        assert np.array_equal(a, a.T, equal_nan=True)
        if fn is not shared_issues_matrix:
            v = a[~np.isnan(a)]
            assert ((v >= 0) & (v <= 1 + 1e-12)).all()
        # the parties given in any order: the same matrix, in the case's order
        assert_same(fn(case, parties=order).loc[ids, ids], a.tolist())


def test_mediators_do_not_outrank_the_belligerents_on_the_shipped_case() -> None:
    case = engine.load_case("ukraine-russia")
    cm = conflict_matrix(case)
    belligerents = cm.loc["ukraine", "russia"]
    for p in ("turkey", "un", "china"):
        others = cm.loc[p].drop(p)
        assert (others <= belligerents).all(), (p, others.to_dict(), belligerents)
    # by intensity (the mean over shared issues alone) they did: the measure matters
    ci = conflict_matrix(case, measure="intensity")
    worst = max(ci.loc[p].drop(p).max() for p in ("turkey", "un", "china"))
    assert worst > ci.loc["ukraine", "russia"]
