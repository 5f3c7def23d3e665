"""Krippendorff's α: published values, hand-worked cases, brute force, NLTK's MASI α.

Published values (regression tests with stated tolerance, three decimals as
published):

- Krippendorff (2011), "Computing Krippendorff's alpha-reliability", the
  reliability data of 4 coders × 12 units with missing values (also in the
  ``krippendorff`` package's docstring): nominal 0.743, ordinal 0.815,
  interval 0.849;
- the ``krippendorff`` package's README/docstring example, 3 coders × 15
  units: nominal 0.691, interval 0.811.
"""

from __future__ import annotations

import math
from fractions import Fraction as F
from itertools import permutations

import krippendorff
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.agreement.alpha import (
    alpha_estimate,
    masi_distance,
    reliability_alpha,
    span_masi_distance,
)

N = None
K2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]
README = [
    [N, N, N, N, N, 3, 4, 1, 2, 1, 1, 3, 3, N, 3],
    [1, N, 2, 1, 3, 3, 4, 3, N, N, N, N, N, N, N],
    [N, N, 2, 1, 3, 4, 4, N, 2, 1, 1, 3, 3, N, 4],
]


def _nan(data):
    return np.array([[np.nan if v is None else v for v in row] for row in data], dtype=float)


@pytest.mark.parametrize(
    ("data", "level", "published"),
    [
        (K2011, "nominal", 0.743),
        (K2011, "ordinal", 0.815),
        (K2011, "interval", 0.849),
        (README, "nominal", 0.691),
        (README, "interval", 0.811),
    ],
)
def test_published_values(data, level, published):
    mine = reliability_alpha(data, level)
    assert round(mine, 3) == published
    ref = krippendorff.alpha(reliability_data=_nan(data), level_of_measurement=level)
    assert mine == pytest.approx(float(ref), abs=1e-12)


def test_hand_worked_nominal():
    # 2 coders, 4 units: (a,a) (a,b) (b,b) (b,b); n = 8 values, n_a = 3, n_b = 5.
    # D_o = (o_ab + o_ba) / n = (1 + 1) / 8;  D_e = 2 n_a n_b / (n (n - 1)) = 30 / 56
    d_o = F(2, 8)
    d_e = F(2 * 3 * 5, 8 * 7)
    assert 1 - d_o / d_e == F(8, 15)
    got = reliability_alpha([["a", "a", "b", "b"], ["a", "b", "b", "b"]], "nominal")
    assert got == pytest.approx(float(F(8, 15)), abs=1e-15)


def test_hand_worked_interval():
    # 2 coders, 4 units: (1,1) (2,2) (3,3) (4,5). Only unit 4 disagrees: δ² = 1 both ways.
    d_o = F(2 * 1, 8)
    # Σ over unordered pairs of the 8 values 1,1,2,2,3,3,4,5 of (a − b)²:
    # (1,2)×4·1 + (1,3)×4·4 + (1,4)×2·9 + (1,5)×2·16 + (2,3)×4·1 + (2,4)×2·4
    # + (2,5)×2·9 + (3,4)×2·1 + (3,5)×2·4 + (4,5)·1 = 111
    pairs = 4 * 1 + 4 * 4 + 2 * 9 + 2 * 16 + 4 * 1 + 2 * 4 + 2 * 9 + 2 * 1 + 2 * 4 + 1
    assert pairs == 111
    d_e = F(2 * pairs, 8 * 7)
    assert 1 - d_o / d_e == F(104, 111)
    got = reliability_alpha([[1, 2, 3, 4], [1, 2, 3, 5]], "interval")
    assert got == pytest.approx(float(F(104, 111)), abs=1e-15)


def test_hand_worked_masi():
    # units: ({a},{a}) ({a,b},{a}) ({b},{c}); MASI({a,b},{a}) = 1 − ½·⅔ = ⅔; MASI({b},{c}) = 1
    a, ab, b, c = frozenset("a"), frozenset("ab"), frozenset("b"), frozenset("c")
    assert masi_distance(ab, a) == pytest.approx(2 / 3)
    d_o = (2 * F(2, 3) + 2 * 1) / 6
    # unordered pairs of the 6 values {a}×3, {a,b}, {b}, {c}:
    # {a}-{a,b} 3·⅔, {a}-{b} 3·1, {a}-{c} 3·1, {a,b}-{b} ⅔, {a,b}-{c} 1, {b}-{c} 1
    total = 3 * F(2, 3) + 3 + 3 + F(2, 3) + 1 + 1
    d_e = 2 * total / (6 * 5)
    assert 1 - d_o / d_e == F(7, 32)
    got = reliability_alpha([[a, ab, b], [a, a, c]], masi_distance)
    assert got == pytest.approx(7 / 32, abs=1e-15)


def test_undefined():
    assert reliability_alpha([[1, 1, 1], [1, 1, 1]], "nominal") is None
    assert reliability_alpha([[1, None], [None, 2]], "nominal") is None
    est = alpha_estimate([[1, None], [None, 2]], "nominal")
    assert est.value is None and "two coders" in est.reason
    est = alpha_estimate([["x", "x"], ["x", "x"]], "nominal")
    assert est.value is None and "no variation" in est.reason


def test_bootstrap_is_seeded_and_brackets():
    one = alpha_estimate(K2011, "interval", seed=3)
    two = alpha_estimate(K2011, "interval", seed=3)
    other = alpha_estimate(K2011, "interval", seed=4)
    assert one == two and one != other
    assert one.low <= one.value <= one.high <= 1
    assert isinstance(one.low, float) and isinstance(one.value, float)
    assert one.units == 11 and one.values == 40


def test_strata_one_stratum_is_alpha_and_strata_separate_values():
    flat = reliability_alpha(K2011, "interval")
    assert reliability_alpha(K2011, "interval", strata=["s"] * 12) == pytest.approx(flat)
    # two strata: chance disagreement is computed within each
    data = [["a", "b", "x", "y"], ["a", "b", "x", "x"]]
    got = reliability_alpha(data, "nominal", strata=[1, 1, 2, 2])
    # stratum 1: no disagreement, D_e numerator 2·2·2/(4−1)... written out:
    # observed Σ o δ = 2 (unit 4); expected Σ_s Σ n_c n_k δ / (n_s − 1) = 2·2·2/3 + 2·3·1/3
    assert got == pytest.approx(1 - 2 / (8 / 3 + 6 / 3))


def test_span_masi():
    assert span_masi_distance((0, 10), (0, 10), 1) == 0
    assert span_masi_distance((5, 5), (5, 5), 1) == 0
    assert span_masi_distance((0, 1), (3, 4), 1) == 1
    # a point inside a range: J = r / (len + r), M = 2/3
    assert span_masi_distance((5, 5), (0, 9), 1) == pytest.approx(1 - (1 / 10) * 2 / 3)
    # overlapping, neither inside: [0,4] vs [2,9], r = 1: overlap 3, union 5 + 8 − 3 = 10
    assert span_masi_distance((0, 4), (2, 9), 1) == pytest.approx(1 - 0.3 / 3)


# ------------------------------------------------------------- brute force


def brute_force(data, delta2):
    """α straight from the definition: coincidences o_ck = Σ_u (number of ordered pairs
    (c, k) of values from different coders in u) / (m_u − 1); D_o = Σ o_ck δ²_ck / n;
    D_e = Σ n_c n_k δ²_ck / (n (n − 1))."""
    units = [[row[u] for row in data if row[u] is not None] for u in range(len(data[0]))]
    units = [u for u in units if len(u) >= 2]
    o: dict[tuple, float] = {}
    for u in units:
        for i, j in permutations(range(len(u)), 2):
            o[(u[i], u[j])] = o.get((u[i], u[j]), 0) + 1 / (len(u) - 1)
    n_c: dict = {}
    for (c, _), v in o.items():
        n_c[c] = n_c.get(c, 0) + v
    n = sum(n_c.values())
    if n == 0:
        return None
    d_o = sum(v * delta2(c, k, n_c) for (c, k), v in o.items()) / n
    d_e = sum(n_c[c] * n_c[k] * delta2(c, k, n_c) for c in n_c for k in n_c) / (n * (n - 1))
    return None if d_e == 0 else 1 - d_o / d_e


def nominal2(c, k, _):
    return float(c != k)


def interval2(c, k, _):
    return float((c - k) ** 2)


def ordinal2(c, k, n_c):
    lo, hi = min(c, k), max(c, k)
    return (sum(v for g, v in n_c.items() if lo <= g <= hi) - (n_c[c] + n_c[k]) / 2) ** 2


codings = st.integers(2, 4).flatmap(
    lambda coders: st.integers(1, 7).flatmap(
        lambda units: st.lists(
            st.lists(st.one_of(st.none(), st.integers(0, 3)), min_size=units, max_size=units),
            min_size=coders,
            max_size=coders,
        )
    )
)


@given(codings)
def test_alpha_equals_brute_force(data):
    for level, delta2 in (("nominal", nominal2), ("interval", interval2), ("ordinal", ordinal2)):
        want = brute_force(data, delta2)
        got = reliability_alpha(data, level)
        if want is None:
            assert got is None
        else:
            assert got == pytest.approx(want, abs=1e-9)
            ref = krippendorff.alpha(reliability_data=_nan(data), level_of_measurement=level,
                                     value_domain=[0, 1, 2, 3])  # fmt: skip
            assert got == pytest.approx(float(ref), abs=1e-9)


set_codings = st.integers(2, 4).flatmap(
    lambda coders: st.integers(1, 6).flatmap(
        lambda units: st.lists(
            st.lists(
                st.one_of(st.none(), st.frozensets(st.sampled_from("abcd"), min_size=1)),
                min_size=units,
                max_size=units,
            ),
            min_size=coders,
            max_size=coders,
        )
    )
)


@given(set_codings)
def test_masi_alpha_equals_brute_force(data):
    want = brute_force(data, lambda c, k, _: masi_distance(c, k))
    got = reliability_alpha(data, masi_distance)
    assert (got is None) if want is None else got == pytest.approx(want, abs=1e-9)


def test_masi_alpha_matches_nltk():
    pytest.importorskip("nltk")
    from nltk.metrics.agreement import AnnotationTask
    from nltk.metrics.distance import masi_distance as nltk_masi

    rng = np.random.default_rng(7)
    options = ["a", "b", "c", "d", "e"]
    data = []
    for _ in range(3):
        row = []
        for _ in range(20):
            if rng.random() < 0.15:
                row.append(None)
            else:
                size = int(rng.integers(1, 4))
                row.append(frozenset(rng.choice(options, size=size, replace=False).tolist()))
        data.append(row)
    triples = [
        (f"c{c}", f"u{u}", v)
        for c, row in enumerate(data)
        for u, v in enumerate(row)
        if v is not None
    ]
    theirs = AnnotationTask(data=triples, distance=nltk_masi).alpha()
    mine = reliability_alpha(data, masi_distance)
    assert not math.isnan(theirs)
    assert mine == pytest.approx(theirs, abs=1e-12)
