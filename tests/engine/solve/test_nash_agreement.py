"""``settle(objective="nash")`` against the frontier's ``nash_package`` (issue 10).

Both maximise Π_p (U_p − d_p) over the packages that cross no chosen party's
red line, with the same utilities and the same disagreement point. They differ
in three documented ways, each tested here:

- interval issues: ``settle`` lets an interval outcome take any value (the
  optimum can lie between breakpoints), ``nash_package`` only its candidates
  (breakpoints, plus the ``interval_steps`` grid);
- ties: ``settle`` enumerates every tied package and reports the first by the
  tie rule; ``nash_package`` reports the first tied frontier point (``ties``
  counts the others) and a representative package of it;
- parties without salience: ``settle`` leaves them out of the product,
  ``nash_package`` finds no package (such a party never gains).

So on options only (ordinal, nominal) and parties that all care, the two
must give the same product, and the same set of optimal packages: the
optima of ``settle`` are exactly the packages of the tied frontier points.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings

from engine import BargainingError, Case, Span, nash_package, pareto_packages, settle
from engine.solve.ties import MAX_OPTIMA
from engine.solve.utility import COUNT, utility_column
from tests.engine.solve.test_settle import _positions, interval, make_case, pos
from tests.strategies import cases


def _indifferent(case: Case) -> bool:
    """Some party has no position, or saliences summing to 0, on the case's date."""
    total = dict.fromkeys(case.party_ids, 0.0)
    for p in _positions(case):
        total[p.party] += p.salience
    return any(s <= 0 for s in total.values())


@settings(max_examples=40)
@given(
    cases(max_parties=3, max_issues=3, scales=("ordinal", "nominal"), max_options=4,
          with_requires=True)
)  # fmt: skip
def test_settle_nash_agrees_with_nash_package_on_options(case: Case) -> None:
    parties = list(case.party_ids)
    s = settle(case, "nash", alternatives=MAX_OPTIMA)
    try:
        nash = nash_package(case, parties)
    except BargainingError:  # no package respects the red lines
        assert not s.feasible
        return
    assert s.feasible
    if _indifferent(case):  # documented difference: such a party never gains on the frontier
        assert not nash.found
        return
    if not nash.found:
        assert s.status == "degenerate" and s.objective_value == 0.0
        return
    assert s.status == "optimal"
    assert s.objective_value == pytest.approx(nash.nash_product, rel=1e-9)
    front = pareto_packages(case, parties)
    product = math.prod(front[utility_column(p)] - nash.disagreement[p] for p in parties)
    tied = front[product >= nash.nash_product * (1 - 1e-9)]
    assert len(tied) == nash.ties + 1
    # the package settle reports is at one of the tied points
    u = {p: s.utilities[p] for p in parties}
    assert any(
        all(abs(row[utility_column(p)] - u[p]) <= 1e-9 for p in parties)
        for _, row in tied.iterrows()
    )
    if tuple(front.attrs["issues"]) == s.issues:  # the same issues decided: the same count
        assert s.n_optimal == int(tied[COUNT].sum())
        assert s.unique is (s.n_optimal == 1)
        if s.unique:
            assert dict(s.outcomes) == dict(nash.package or {})


def test_interval_optimum_between_breakpoints() -> None:
    # a: ideal 0, accepts 0…30; b: ideal 100, accepts 60…100; salience 1 each; no status quo,
    # so d = 0 and the product at x is (1 − x/100) · (x/100).
    case = make_case(
        [interval("x")],
        [pos("a", "x", 0.0, Span(0, 30), 1.0), pos("b", "x", 100.0, Span(60, 100), 1.0)],
    )
    s = settle(case, "nash")  # continuous: the peak of the parabola, x = 50
    assert s.outcomes["x"] == pytest.approx(50.0, abs=1e-6)
    assert s.objective_value == pytest.approx((1 - 50 / 100) * (50 / 100))
    # the frontier's candidates are 0, 30, 60, 100 (range ends, ideals, acceptable ends):
    # 30 gives (1 − .3) · .3 = .21, 60 gives (1 − .6) · .6 = .24, the ends 0
    nash = nash_package(case, ["a", "b"])
    assert nash.package == {"x": 60.0}
    assert nash.nash_product == pytest.approx((1 - 60 / 100) * (60 / 100))
    assert nash.nash_product < s.objective_value  # .24 < .25: the difference documented
    # a grid through 50 (interval_steps=2: 2 + 1 points, 0, 50, 100) closes it
    fine = nash_package(case, ["a", "b"], interval_steps=2)
    assert fine.package == {"x": 50.0}
    assert fine.nash_product == pytest.approx(s.objective_value)


def test_party_without_salience() -> None:
    # c states a position of salience 0: settle leaves it out of the product, the frontier
    # (where c's utility is 0 = its disagreement) finds no package giving every party a gain
    case = make_case(
        [interval("x")],
        [
            pos("a", "x", 0.0, Span(0, 30), 1.0), pos("b", "x", 100.0, Span(60, 100), 1.0),
            pos("c", "x", 50.0, Span(50, 50), 0.0),
        ],
    )  # fmt: skip
    s = settle(case, "nash")
    assert s.status == "optimal" and s.objective_value == pytest.approx(0.5 * 0.5)
    nash = nash_package(case, ["a", "b", "c"])
    assert not nash.found and "c is indifferent" in nash.reason
