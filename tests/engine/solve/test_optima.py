"""Settlement optima: every optimal package, the tie rule, ranges, ``unique`` (issue 10).

Brute force: enumerate every package of a small case, keep the optimal ones
straight from the definitions, and compare the set exactly with the reported
package plus ``alternatives``; the package reported first is the minimum of
the tie rule, computed here independently.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import Case, Span, settle
from engine.solve.ties import MAX_OPTIMA, TIE_RULE
from tests.engine.solve.test_settle import (
    _positions,
    evaluate,
    interval,
    make_case,
    nominal,
    opts,
    ordinal,
    packages,
    pos,
    utilities,
)
from tests.strategies import cases

TOL = 1e-7
FEW = settings(max_examples=max(10, settings().max_examples // 2))


def tie_key(case: Case, pkg: dict[str, Any], costs: dict[str, float]) -> tuple[Any, ...]:
    """The tie rule written out: leximin of party costs, fewest concessions, case order."""
    positions = _positions(case)
    party_costs = {p: costs.get(p, 0.0) for p in case.party_ids}
    leximin = tuple(sorted((round(c, 9) for c in party_costs.values()), reverse=True))
    conceded = sum(pkg[p.issue] != p.ideal for p in positions)
    order = tuple(
        pkg[i.id] if i.is_interval else i.option_ids.index(pkg[i.id])
        for i in case.issues
        if i.id in pkg
    )
    return (leximin, conceded, order)


def brute_optima(case: Case, objective: str) -> list[dict[str, Any]]:
    """Every optimal package (options only), sorted by the tie rule."""
    positions = _positions(case)
    rows = []
    for pkg in packages(case, positions):
        ok, costs = evaluate(case, positions, pkg)
        if ok:
            rows.append((pkg, costs, sum(costs.values()), max(costs.values(), default=0.0)))
    if not rows:
        return []
    if objective == "total":
        best = min(r[2] for r in rows)
        keep = [r for r in rows if r[2] <= best + TOL]
    else:
        z = min(r[3] for r in rows)
        fair = [r for r in rows if r[3] <= z + TOL]
        t = min(r[2] for r in fair)
        keep = [r for r in fair if r[2] <= t + TOL]
    keep.sort(key=lambda r: tie_key(case, r[0], r[1]))
    return [r[0] for r in keep]


def brute_nash_optima(case: Case) -> list[dict[str, Any]]:
    """Every Nash-optimal package (options only), sorted by the tie rule.

    Σ log g_p within 1e-6 of the largest when some package gives every party a
    gain; otherwise the largest smallest gain, then the largest sum (within 1e-7).
    """
    positions = _positions(case)
    d = utilities(case, positions, None)
    rows = []
    for pkg in packages(case, positions):
        ok, costs = evaluate(case, positions, pkg)
        if ok:
            u = utilities(case, positions, pkg)
            g = [u[p] - d[p] for p in d]
            logp = sum(math.log(v) for v in g) if g and min(g) > 0 else -math.inf
            rows.append((pkg, costs, logp, min(g, default=0.0), sum(g)))
    if not rows:
        return []
    best = max(r[2] for r in rows)
    if best > -math.inf and max(r[3] for r in rows) > 1e-9:
        keep = [r for r in rows if r[2] >= best - 1e-6]
    else:
        m = max(r[3] for r in rows)
        top = [r for r in rows if r[3] >= m - TOL]
        t = max(r[4] for r in top)
        keep = [r for r in top if r[4] >= t - TOL]
    keep.sort(key=lambda r: tie_key(case, r[0], r[1]))
    return [r[0] for r in keep]


@FEW
@given(cases(max_parties=3, max_issues=3, scales=("ordinal", "nominal"), max_options=4))
def test_optima_match_brute_force(case: Case) -> None:
    for objective in ("total", "fair", "nash"):
        expected = (
            brute_nash_optima(case) if objective == "nash" else brute_optima(case, objective)
        )
        s = settle(case, objective, alternatives=MAX_OPTIMA)
        if not expected:
            assert not s.feasible and s.unique is None
            continue
        assert len(expected) < MAX_OPTIMA  # (3 issues of ≤ 4 options: at most 64 packages)
        found = [dict(s.outcomes), *(dict(a.outcomes) for a in s.alternatives)]
        decided = list(s.outcomes)
        assert [{i: p[i] for i in decided} for p in expected] == found
        assert s.n_optimal == len(expected) and not s.more_optimal
        assert s.unique is (len(expected) == 1)
        for a in s.alternatives:  # each alternative is as good, by its own numbers
            if objective == "nash":
                continue
            assert a.total_cost == pytest.approx(s.total_cost, abs=1e-6)
            if objective == "fair":
                assert a.max_cost == pytest.approx(s.max_cost, abs=1e-6)


def test_known_tie_by_hand() -> None:
    # two parties, one ordinal issue o0…o4: a accepts o1…o3 (ideal o1), b o2…o4 (ideal o3).
    # o2 and o3 cost nothing to both: two optima; o3 is b's ideal (one concession, a's),
    # o2 neither's (two concessions): the tie rule reports o3, then o2.
    case = make_case(
        [ordinal("o", 5)],
        [
            pos("a", "o", "o1", opts("o1", "o2", "o3"), salience=1.0),
            pos("b", "o", "o3", opts("o2", "o3", "o4"), salience=0.5),
        ],
    )
    s = settle(case)
    assert s.outcomes["o"] == "o3" and s.total_cost == 0.0
    assert not s.unique and s.n_optimal == 2
    assert [a.outcomes["o"] for a in s.alternatives] == ["o2"]
    assert s.alternatives[0].concessions == 2
    assert s.tie_rule == TIE_RULE
    assert "one of 2 optimal packages" in s.optimality
    assert len(settle(case, alternatives=0).alternatives) == 0


def test_leximin_before_fewest_concessions() -> None:
    # nominal x, y, z (all at distance 1): a wants x (salience 0.6), b wants y (0.6),
    # c wants x (0.0, free). Total: x costs b 0.6, y costs a 0.6, z costs 1.2 — x and y
    # tie at 0.6 with leximin (0.6, 0, 0) each; x has the fewer concessions (b only).
    case = make_case(
        [nominal("n", ["x", "y", "z"])],
        [
            pos("a", "n", "x", salience=0.6),
            pos("b", "n", "y", salience=0.6),
            pos("c", "n", "x", salience=0.0),
        ],
    )
    s = settle(case)
    assert s.outcomes["n"] == "x" and [a.outcomes["n"] for a in s.alternatives] == ["y"]
    # fair: max cost 0.6 either way, total 0.6: the same two, the same order
    f = settle(case, "fair")
    assert f.outcomes["n"] == "x" and f.n_optimal == 2


def test_interval_range_of_equally_cheap_values() -> None:
    # a accepts 20…60 (salience 1), b accepts 40…90 (salience 1): every value in
    # [40, 60] costs nothing; the candidates 40 and 60 are two optima, the range says more
    case = make_case(
        [interval("x")],
        [
            pos("a", "x", 30.0, Span(20.0, 60.0), salience=1.0),
            pos("b", "x", 50.0, Span(40.0, 90.0), salience=1.0),
        ],
    )
    s = settle(case)
    assert s.total_cost == 0.0 and not s.unique
    assert dict(s.ranges) == {"x": (40.0, 60.0)}
    assert s.outcomes["x"] in (40.0, 50.0, 60.0)
    # 50 is b's ideal: the fewest concessions among the breakpoints 40, 50, 60
    assert s.outcomes["x"] == 50.0 and s.n_optimal == 3
    # a range that ends inside a cell would be missed by breakpoints alone: here a
    # sloped cost on one side keeps it at the shared interval
    one = make_case(
        [interval("x")],
        [
            pos("a", "x", 30.0, Span(30.0, 30.0), salience=1.0),
            pos("b", "x", 50.0, Span(40.0, 90.0), salience=1.0),
        ],
    )
    s1 = settle(one)  # a pays |x − 30|/100, b |x − 40|/100 when x < 40: flat on [30, 40]
    assert s1.total_cost == pytest.approx(10 / 100)
    assert dict(s1.ranges) == {"x": (30.0, 40.0)}


def test_unique_optimum_is_said_to_be_unique() -> None:
    case = make_case(
        [ordinal("o", 3)],
        [pos("a", "o", "o0", salience=1.0), pos("b", "o", "o0", salience=1.0)],
    )
    s = settle(case)
    assert s.unique and s.n_optimal == 1 and s.alternatives == () and dict(s.ranges) == {}
    assert s.optimality == "the only optimal package"


def test_nash_tie_by_hand() -> None:
    # nominal x, y, z with dist(x, y) = 0.5 and the status quo z (1 from both): d = 0.
    # x: U_a = 1, U_b = 1 − 0.5; y: U_a = 1 − 0.5, U_b = 1; both products 1 · 0.5.
    # Costs: x makes b pay 0.4 · 0.5 = 0.2, y makes a pay 0.6 · 0.5 = 0.3: leximin reports x.
    iss = nominal("n", ["x", "y", "z"], distances=(("x", "y", 0.5),), sq="z")
    case = make_case([iss], [pos("a", "n", "x", salience=0.6), pos("b", "n", "y", salience=0.4)])
    s = settle(case, "nash")
    assert s.status == "optimal" and s.objective_value == pytest.approx(1 * 0.5)
    assert s.outcomes["n"] == "x" and s.max_cost == pytest.approx(0.4 * 0.5)
    assert not s.unique and s.n_optimal == 2 and s.tie_rule == TIE_RULE
    assert [a.outcomes["n"] for a in s.alternatives] == ["y"]
    assert s.alternatives[0].max_cost == pytest.approx(0.6 * 0.5)
    assert "one of 2 optimal packages" in s.optimality


@FEW
@given(
    cases(max_parties=3, max_issues=3, scales=("ordinal", "nominal"), max_options=4),
    st.integers(0, 2),
)
def test_the_first_package_does_not_depend_on_the_cap(case: Case, k: int) -> None:
    # with fewer alternatives asked for than there are optima, the package reported is still the
    # tie rule's first of all of them (brute force), and the count says "at least"
    for objective in ("total", "fair", "nash"):
        expected = (
            brute_nash_optima(case) if objective == "nash" else brute_optima(case, objective)
        )
        if not expected:
            continue
        s = settle(case, objective, alternatives=k)
        decided = list(s.outcomes)
        found = [dict(s.outcomes), *(dict(a.outcomes) for a in s.alternatives)]
        assert found == [{i: p[i] for i in decided} for p in expected[: k + 1]]
        assert s.n_optimal == min(len(expected), k + 1)
        assert s.more_optimal is (len(expected) > k + 1)
        assert s.unique is (len(expected) == 1)


def test_the_tie_rule_holds_beyond_the_default_cap() -> None:
    # eight issues on which a and b are 1 apart with equal salience: on each, both options cost
    # 0.5 in total, so all 2**8 = 256 packages are cheapest. Leximin of (cost_a, cost_b) wants
    # a 4/4 split of the concessions (largest cost 4 · 0.5 = 2.0), and among the
    # C(8, 4) = 70 balanced packages the first option in case order goes to the first
    # issues: a (ideal o0) wins issues 0-3, b (ideal o1) issues 4-7.
    issues = [ordinal(f"i{n}", 2) for n in range(8)]
    positions = [pos(p, f"i{n}", o) for n in range(8) for p, o in (("a", "o0"), ("b", "o1"))]
    case = make_case(issues, positions)
    s = settle(case, "total", alternatives=2)
    assert dict(s.outcomes) == {f"i{n}": "o0" if n < 4 else "o1" for n in range(8)}
    assert s.party_costs == {"a": pytest.approx(4 * 0.5), "b": pytest.approx(4 * 0.5)}
    assert s.n_optimal == 3 and s.more_optimal and not s.unique


def test_nash_range_where_no_gain_moves() -> None:
    # the same bargain plus an interval issue w on which only a has a position, of salience 0:
    # no gain depends on w, so every w in [0, 100] is as good; the candidates 0, 20, 30, 60,
    # 100 times x, y are 2 · 5 = 10 optimal packages; 30 is a's ideal (the fewest concessions)
    iss = nominal("n", ["x", "y", "z"], distances=(("x", "y", 0.5),), sq="z")
    case = make_case(
        [iss, interval("w")],
        [
            pos("a", "n", "x", salience=0.6), pos("b", "n", "y", salience=0.4),
            pos("a", "w", 30.0, Span(20.0, 60.0), salience=0.0),
        ],
    )  # fmt: skip
    s = settle(case, "nash", alternatives=MAX_OPTIMA)  # count every optimum
    assert dict(s.outcomes) == {"n": "x", "w": 30.0} and s.n_optimal == 2 * 5
    assert dict(s.ranges) == {"w": (0.0, 100.0)} and not s.unique
    assert "any w from 0 to 100 is as good" in s.optimality


def test_nash_interior_optimum_is_unique() -> None:
    # a (ideal 0) and b (ideal 100), no status quo (d = 0): (1 − x/100)(x/100) peaks at x = 50
    # alone (strictly concave), though 50 is no breakpoint
    case = make_case(
        [interval("x")],
        [pos("a", "x", 0.0, Span(0, 30), 1.0), pos("b", "x", 100.0, Span(60, 100), 1.0)],
    )
    s = settle(case, "nash")
    assert s.outcomes["x"] == pytest.approx(50.0, abs=1e-6)
    assert s.unique and s.n_optimal == 1 and dict(s.ranges) == {}
    assert s.optimality == "the only optimal package"
