"""The frontier's integer inputs and outputs against plain Fraction arithmetic.

:mod:`engine.solve.integers` reads decimals and closeness without a
``Fraction`` per candidate; the frontier table turns integer sums into
floats and the Nash point ranks integer products. Each is checked here
against the definition written with :class:`fractions.Fraction`.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine.solve.frontier as frontier
from engine.model.case import Case
from engine.solve.integers import _contributions
from engine.solve.nash import _nash_rows
from engine.solve.utility import _Closeness, _dec, _decimal, _valuation
from tests.strategies import cases

FLOATS = st.floats(allow_nan=False, allow_infinity=False) | st.integers(0, 100).map(
    lambda k: k / 20
)


@settings(max_examples=500)
@given(FLOATS)
def test_decimal_is_the_shortest_repr(x: float) -> None:
    num, den = _decimal(x)
    assert Fraction(num, den) == Fraction(repr(x)) == _dec(x)
    assert str(den).rstrip("0") == "1"  # a power of ten


@settings(max_examples=150, deadline=None)
@given(cases(min_parties=1, max_parties=3, max_issues=4))
def test_contributions_are_s_times_v_in_integer_units(case: Case) -> None:
    """units / scale = s · v(candidate) for every party, issue and candidate; scale is minimal."""
    state = case.at()
    candidates = {
        i.id: (
            i.option_ids
            if not i.is_interval
            else frontier._interval_points(i, case.party_ids, state, 2)
        )
        for i in case.issues
    }
    issues = {i.id: i for i in case.issues}
    for party in case.party_ids:
        part = _contributions(issues, state, party, candidates)
        exact: list[Fraction] = []
        sq, total = Fraction(0), Fraction(0)
        for iid, cand in candidates.items():
            pos = state.get((party, iid))
            if pos is None:
                assert part.units[iid] == [0] * len(cand)
                continue
            s = _dec(pos.salience)
            total += s
            value = _valuation(issues[iid], pos, _Closeness(issues[iid]))
            want = [s * value(o) for o in cand]
            exact += want
            assert [Fraction(u, part.scale) for u in part.units[iid]] == want
            if issues[iid].status_quo is not None:
                sq += s * value(issues[iid].status_quo)
                exact.append(s * value(issues[iid].status_quo))
        assert (part.status_quo, part.salience) == (sq, total)
        assert part.scale == math.lcm(1, *(f.denominator for f in exact))


@settings(max_examples=200)
@given(
    st.lists(st.integers(0, 2**70), min_size=1, max_size=20),
    st.integers(1, 2**40),
    st.fractions(min_value=Fraction(1, 10**6), max_value=10**6),
    st.booleans(),
)
def test_utilities_are_correctly_rounded(
    units: list[int], scale: int, salience: Fraction, wide: bool
) -> None:
    """float(units / (scale · Σ s)), in numpy below 2⁵³ and Python integers above."""

    class Problem:
        salience_sum = (salience,)

    Problem.scale = (scale,)  # type: ignore[attr-defined]
    small = [u % 2**40 for u in units]
    for values in (small, units):
        array = np.array(values, dtype=object if wide or max(values) >= 2**62 else np.int64)
        got = frontier._utilities(Problem, 0, array)  # type: ignore[arg-type]
        assert got.tolist() == [float(Fraction(v, scale) / salience) for v in values]


@settings(max_examples=200)
@given(
    st.lists(st.lists(st.integers(0, 50), min_size=2, max_size=4), min_size=1, max_size=12),
    st.data(),
)
def test_nash_rows_are_the_exact_argmax(rows: list[list[int]], data: st.DataObject) -> None:
    d = min(len(r) for r in rows)
    vals = np.array([r[:d] for r in rows], dtype=np.int64)

    class Problem:
        parties = tuple(f"p{n}" for n in range(d))
        salience_sum = tuple(data.draw(st.fractions(1, 5)) for _ in range(d))
        scale = tuple(data.draw(st.integers(1, 7)) for _ in range(d))
        disagreement = tuple(data.draw(st.fractions(0, 20)) for _ in range(d))

    products = []
    for row in vals.tolist():
        gains = [
            (Fraction(v, Problem.scale[n]) - Problem.disagreement[n]) / Problem.salience_sum[n]
            for n, v in enumerate(row)
        ]
        products.append(math.prod(gains) if all(g > 0 for g in gains) else None)
    got, best = _nash_rows(Problem, vals)  # type: ignore[arg-type]
    valid = [p for p in products if p is not None]
    if not valid:
        assert best is None and len(got) == 0
        return
    assert best == max(valid)
    assert got.tolist() == [k for k, p in enumerate(products) if p == best]


def test_nash_rows_with_an_indifferent_party() -> None:
    class Problem:
        parties = ("a", "b")
        salience_sum = (Fraction(1), Fraction(0))
        scale = (1, 1)
        disagreement = (Fraction(0), Fraction(0))

    rows, best = _nash_rows(Problem, np.array([[3, 0]]))  # type: ignore[arg-type]
    assert best is None and rows.tolist() == []


@pytest.mark.parametrize("digits", ["0.1", "0.3", "0.25", "0.125"])
def test_nominal_closeness_from_the_last_distance_given(digits: str) -> None:
    """A pair listed twice in ``distances``: the last entry wins, as in the distance matrix."""
    from engine.model.case import Issue, Option, OptionSet, Position

    issue = Issue(
        "x",
        "X",
        "nominal",
        tuple(Option(o, o.upper()) for o in "abc"),
        distances=(("a", "b", 0.9), ("b", "a", float(digits))),
    )
    pos = Position("p", "x", "a", OptionSet(frozenset("a")), 1.0)
    part = _contributions({"x": issue}, {("p", "x"): pos}, "p", {"x": issue.option_ids})
    got = [Fraction(u, part.scale) for u in part.units["x"]]
    assert got == [1, 1 - Fraction(digits), 0]
    assert float(1 - got[1]) == issue.distance_matrix()[0, 1]
