"""Tests of engine.solve.settlement.settle: hand-worked packages, red-line collisions, and
properties checked against a brute-force enumerator kept here.

Hand-worked costs are written as arithmetic: salience × distance, with
ordinal distance rank difference / (k − 1), nominal 1 (or the table's value),
interval |a − b| / (max − min).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog, minimize

import engine
from engine import (
    Case,
    Change,
    Issue,
    Option,
    OptionSet,
    Party,
    Position,
    Source,
    Span,
    Statement,
    UnknownIdError,
    apply,
    scenario_from_changes,
    settle,
)
from tests.strategies import cases

D = dt.date(2020, 1, 1)

# ------------------------------------------------------------------ builders


def ordinal(iid: str, k: int, sq: str | None = None) -> Issue:
    return Issue(
        iid,
        f"Issue {iid}",
        "ordinal",
        tuple(Option(f"o{j}", f"Option {j}") for j in range(k)),
        status_quo=sq,
    )


def nominal(
    iid: str,
    ids: Sequence[str],
    distances: tuple[tuple[str, str, float], ...] = (),
    sq: str | None = None,
) -> Issue:
    return Issue(
        iid,
        f"Issue {iid}",
        "nominal",
        tuple(Option(o, o.upper()) for o in ids),
        status_quo=sq,
        distances=distances,
    )


def interval(iid: str, lo: float = 0.0, hi: float = 100.0, sq: float | None = None) -> Issue:
    return Issue(iid, f"Issue {iid}", "interval", unit="units", min=lo, max=hi, status_quo=sq)


def opts(*ids: str) -> OptionSet:
    return OptionSet(frozenset(ids))


def pos(
    party: str,
    issue: str,
    ideal: Any,
    acceptable: Any = None,
    salience: float = 0.5,
    red_line: bool = False,
    requires: tuple[tuple[str, Any], ...] = (),
) -> Position:
    if acceptable is None:
        acceptable = Span(float(ideal), float(ideal)) if isinstance(ideal, float) else opts(ideal)
    return Position(
        party, issue, ideal, acceptable, salience, red_line, requires, sources=("s0",), as_of=D
    )


def make_case(
    issues: Sequence[Issue], positions: Sequence[Position], parties: Sequence[str] | None = None
) -> Case:
    ids = list(parties) if parties else list(dict.fromkeys(p.party for p in positions))
    statements = tuple(
        Statement(p, D, ("s0",), tuple((q.issue, q) for q in positions if q.party == p))
        for p in ids
        if any(q.party == p for q in positions)
    )
    return Case(
        id="hand",
        title="Hand-worked",
        as_of=D,
        parties=tuple(Party(p, f"Party {p.upper()}", "belligerent") for p in ids),
        issues=tuple(issues),
        sources=(Source("s0", "Test", "Test", "2020", "https://example.org/"),),
        statements=statements,
    )


def change(case: Case, **kw: Any) -> Case:
    return apply(case, scenario_from_changes([Change("position", **kw)]))


# ------------------------------------------------------------- brute force


def _positions(case: Case, parties: Iterable[str] | None = None) -> list[Position]:
    chosen = set(case.resolve_parties(parties))
    return [p for (party, _), p in case.at().items() if party in chosen]


def _decided(case: Case, positions: Sequence[Position]) -> list[Issue]:
    need = {p.issue for p in positions} | {j for p in positions for j, _ in p.requires}
    return [i for i in case.issues if i.id in need]


def breakpoints(issue: Issue, positions: Sequence[Position]) -> list[float]:
    """Candidate numbers of an interval issue for the brute force.

    Every cost s·dist(x, A) or s·dist(x, ideal) is piecewise linear in x with
    kinks only at A's ends and the ideal; a ``requires`` condition on the
    issue changes only at its interval's ends; red lines only at A's ends and
    the ideal. Between two consecutive points of this list everything is
    linear and every condition constant, and the costs are lower
    semicontinuous (a condition holds on a closed interval and only lowers
    costs), so the minimum over each closed cell is at one of its ends: for
    ``total`` and ``fair`` these points are enough. The issue's bounds and the
    status quo are added for good measure (they cannot hurt an enumerator).
    """
    pts = {float(issue.min), float(issue.max)}  # type: ignore[arg-type]
    if issue.status_quo is not None:
        pts.add(float(issue.status_quo))
    for p in positions:
        if p.issue == issue.id:
            pts |= {p.acceptable.lo, p.acceptable.hi, float(p.ideal)}  # type: ignore[union-attr]
        for j, s in p.requires:
            if j == issue.id:
                pts |= {s.lo, s.hi}  # type: ignore[union-attr]
    return sorted(pts)


def evaluate(
    case: Case, positions: Sequence[Position], package: Mapping[str, Any]
) -> tuple[bool, dict[str, float]]:
    """(crosses no red line, cost per party) straight from the definitions."""
    ok, costs = True, {}
    for p in positions:
        issue = case.issue(p.issue)
        o = package[p.issue]
        met = all(package[j] in s for j, s in p.requires)
        applies = (
            p.acceptable
            if met
            else (Span(float(p.ideal), float(p.ideal)) if issue.is_interval else opts(p.ideal))
        )
        if p.red_line and o not in applies:
            ok = False
        costs[p.party] = costs.get(p.party, 0.0) + p.salience * issue.distance_to_set(o, applies)
    return ok, costs


def packages(case: Case, positions: Sequence[Position]) -> Iterable[dict[str, Any]]:
    issues = _decided(case, positions)
    choices = [breakpoints(i, positions) if i.is_interval else list(i.option_ids) for i in issues]
    for combo in itertools.product(*choices):
        yield dict(zip([i.id for i in issues], combo, strict=True))


def brute_total(case: Case) -> float | None:
    """The least total cost over the breakpoint packages; None when infeasible."""
    positions = _positions(case)
    best = None
    for pkg in packages(case, positions):
        ok, costs = evaluate(case, positions, pkg)
        if ok:
            total = sum(costs.values())
            best = total if best is None else min(best, total)
    return best


def utilities(
    case: Case, positions: Sequence[Position], package: Mapping[str, Any] | None
) -> dict[str, float]:
    """U_p (DESIGN.md); package None: the status quo, an issue without one counting 0."""
    num: dict[str, float] = {}
    den: dict[str, float] = {}
    for p in positions:
        issue = case.issue(p.issue)
        o = issue.status_quo if package is None else package[p.issue]
        den[p.party] = den.get(p.party, 0.0) + p.salience
        num[p.party] = num.get(p.party, 0.0) + (
            0.0 if o is None else p.salience * (1 - issue.distance(o, p.ideal))
        )
    return {q: num[q] / den[q] for q in den if den[q] > 0}


def cells(case: Case, positions: Sequence[Position]) -> Iterable[tuple[dict[str, Any], Any, int]]:
    """Every cell that crosses no red line: (regime, point(λ), number of λ).

    A cell chooses an option on each ordinal/nominal issue and, on each
    interval issue, a breakpoint or the open segment between two consecutive
    ones (a point a + λ (b − a), λ in [0, 1]). Inside a segment every red line
    and condition is constant — checked at the midpoint, the ``regime`` — and
    every cost and utility is affine in λ (all the sets' ends and ideals are
    breakpoints, so no |x − c| changes sign). The closure of a feasible open
    cell is feasible (red lines define a closed set) and costs there are at
    least as low (conditions hold on closed sets), so optimising each cell's
    affine functions over λ in [0, 1]^m and each breakpoint on its own covers
    every package exactly.
    """
    issues = _decided(case, positions)
    choices: list[list[Any]] = []
    for issue in issues:
        if issue.is_interval:
            pts = breakpoints(issue, positions)
            choices.append([(x, x) for x in pts] + list(itertools.pairwise(pts)))
        else:
            choices.append(list(issue.option_ids))
    for combo in itertools.product(*choices):
        regime: dict[str, Any] = {}
        segs: list[tuple[str, float, float]] = []
        for issue, c in zip(issues, combo, strict=True):
            if isinstance(c, tuple):
                regime[issue.id] = (c[0] + c[1]) / 2
                if c[1] > c[0]:
                    segs.append((issue.id, c[0], c[1]))
                else:
                    regime[issue.id] = c[0]
            else:
                regime[issue.id] = c
        if not evaluate(case, positions, regime)[0]:
            continue

        def point(
            lam: Sequence[float], regime: dict[str, Any] = regime, segs: list[Any] = segs
        ) -> dict[str, Any]:
            pkg = dict(regime)
            for (iid, a, b), v in zip(segs, lam, strict=True):
                pkg[iid] = a + float(v) * (b - a)
            return pkg

        yield regime, point, len(segs)


def cell_costs(
    case: Case, positions: Sequence[Position], regime: Mapping[str, Any], pkg: Mapping[str, Any]
) -> dict[str, float]:
    """Party costs at ``pkg`` with the conditions of the cell (its regime)."""
    costs: dict[str, float] = {}
    for p in positions:
        issue = case.issue(p.issue)
        met = all(regime[j] in s for j, s in p.requires)
        applies = (
            p.acceptable
            if met
            else (Span(float(p.ideal), float(p.ideal)) if issue.is_interval else opts(p.ideal))
        )
        costs[p.party] = costs.get(p.party, 0.0) + p.salience * issue.distance_to_set(
            pkg[p.issue], applies
        )
    return costs


def affine(fn: Any, m: int) -> tuple[np.ndarray, np.ndarray]:
    """(a, B) with fn(λ) = a + B λ, for a vector function affine on the cell."""
    a0 = np.asarray(fn(np.zeros(m)), dtype=float)
    cols = [np.asarray(fn(np.eye(m)[k]), dtype=float) - a0 for k in range(m)]
    return a0, (np.column_stack(cols) if cols else np.zeros((len(a0), 0)))


def brute_fair(case: Case) -> tuple[float, float] | None:
    """(least largest party cost, least total among those packages), cell by cell with linprog."""
    positions = _positions(case)
    parties = list(dict.fromkeys(p.party for p in positions))
    pieces = []
    for regime, point, m in cells(case, positions):

        def fn(lam: np.ndarray, regime: Any = regime, point: Any = point) -> list[float]:
            return [cell_costs(case, positions, regime, point(lam)).get(q, 0.0) for q in parties]

        pieces.append(affine(fn, m))
    if not pieces:
        return None
    if not parties:
        return (0.0, 0.0)
    zbest = math.inf
    for a0, bmat in pieces:  # min z s.t. a + Bλ <= z
        m = bmat.shape[1]
        if max(a0 + np.minimum(bmat, 0).sum(axis=1)) >= zbest:
            continue  # even each party's own best in the cell is no better
        if m == 0:
            zbest = min(zbest, float(a0.max()))
            continue
        res = linprog(
            np.r_[np.zeros(m), 1.0],
            A_ub=np.c_[bmat, -np.ones(len(a0))],
            b_ub=-a0,
            bounds=[(0, 1)] * m + [(None, None)],
        )
        assert res.status == 0
        zbest = min(zbest, float(res.fun))
    tbest = math.inf
    for a0, bmat in pieces:  # min Σ costs s.t. a + Bλ <= z* + tol
        m = bmat.shape[1]
        if m == 0:
            if a0.max() <= zbest + 1e-9:
                tbest = min(tbest, float(a0.sum()))
            continue
        res = linprog(bmat.sum(axis=0), A_ub=bmat, b_ub=zbest + 1e-9 - a0, bounds=[(0, 1)] * m)
        if res.status == 0:
            tbest = min(tbest, float(a0.sum() + res.fun))
    return (zbest, tbest)


def brute_nash(case: Case) -> tuple[str, float, float] | None:
    """("optimal", Nash product, 0) or ("degenerate", largest smallest gain, largest sum of
    gains among those); None if every package crosses a red line.

    Cell by cell (see :func:`cells`): the maximin by linprog, the concave
    Σ log gain by SLSQP from the cell's maximin point — methods independent of
    the solver's outer approximation. A cell whose gains cannot all be
    positive, or whose bound cannot beat the best so far, is skipped.
    """
    positions = _positions(case)
    d = utilities(case, positions, None)
    members = list(d)
    pieces = []
    for _, point, m in cells(case, positions):

        def gains(lam: np.ndarray, point: Any = point) -> list[float]:
            return [utilities(case, positions, point(lam))[q] - d[q] for q in members]

        pieces.append(affine(gains, m))
    if not pieces:
        return None
    if not members:
        return ("degenerate", 0.0, 0.0)
    maximin, best_f = -math.inf, -math.inf
    starts = []
    for a0, bmat in pieces:
        m = bmat.shape[1]
        if m == 0:
            t0, lam0 = float(a0.min()), np.zeros(0)
        else:
            res = linprog(np.r_[np.zeros(m), -1.0], A_ub=np.c_[-bmat, np.ones(len(a0))], b_ub=a0,
                          bounds=[(0, 1)] * m + [(None, None)])  # fmt: skip
            assert res.status == 0
            t0, lam0 = float(-res.fun), res.x[:m]
        maximin = max(maximin, t0)
        starts.append((t0, lam0))
    if maximin <= 1e-9:
        best_sum = -math.inf
        for a0, bmat in pieces:
            m = bmat.shape[1]
            if m == 0:
                if a0.min() >= maximin - 1e-7:
                    best_sum = max(best_sum, float(a0.sum()))
                continue
            res = linprog(
                -bmat.sum(axis=0), A_ub=-bmat, b_ub=a0 - (maximin - 1e-7), bounds=[(0, 1)] * m
            )
            if res.status == 0:
                best_sum = max(best_sum, float(a0.sum() - res.fun))
        return ("degenerate", maximin, best_sum)
    order = sorted(range(len(pieces)), key=lambda k: -starts[k][0])
    for k in order:
        (a0, bmat), (t0, lam0) = pieces[k], starts[k]
        if t0 <= 0:
            continue
        if float(np.sum(np.log(a0 + np.maximum(bmat, 0).sum(axis=1)))) <= best_f:
            continue

        def negf(lam: np.ndarray, a0: np.ndarray = a0, bmat: np.ndarray = bmat) -> float:
            return float(-np.sum(np.log(np.maximum(a0 + bmat @ lam, 1e-300))))

        f = -negf(lam0)
        if bmat.shape[1]:
            cons = [{"type": "ineq", "fun": lambda lam, a0=a0, bmat=bmat: a0 + bmat @ lam - 1e-12}]
            opt = minimize(negf, lam0, method="SLSQP", bounds=[(0, 1)] * bmat.shape[1],
                           constraints=cons, options={"ftol": 1e-15, "maxiter": 500})  # fmt: skip
            if np.all(a0 + bmat @ opt.x > 0):
                f = max(f, -negf(opt.x))
        best_f = max(best_f, f)
    return ("optimal", math.exp(best_f), 0.0)


def crosses(case: Case, s: engine.Settlement) -> bool:
    return not evaluate(case, _positions(case, s.parties), s.outcomes)[0]


def gains_of(case: Case, s: engine.Settlement) -> list[float]:
    positions = _positions(case, s.parties)
    d = utilities(case, positions, None)
    u = utilities(case, positions, s.outcomes)
    return [u[q] - d[q] for q in d]


# =========================================================== hand-worked


def test_tiny_total(tiny: Case) -> None:
    s = settle(tiny)
    assert s.feasible and s.status == "optimal"
    assert dict(s.outcomes) == {"ord": "o4", "nom": "x", "num": 40.0}
    assert dict(s.labels) == {"ord": "Four", "nom": "X", "num": "40 units"}
    # b's red line keeps ord in {o4, o5}; a's linkage holds (nom = x); c pays on num
    assert s.party_costs["a"] == pytest.approx(0.8 * 1 / 4)
    assert s.party_costs["b"] == pytest.approx(0.2 * 1)
    assert s.party_costs["c"] == pytest.approx(0.2 * 10 / 100)
    assert s.total_cost == pytest.approx(0.8 * 1 / 4 + 0.2 * 1 + 0.2 * 10 / 100)
    assert s.objective_value == pytest.approx(s.total_cost)
    assert s.gap == pytest.approx(0, abs=1e-9) and s.bound == pytest.approx(s.total_cost)
    paid = {(c.party, c.issue): (c.within_acceptable, c.cost) for c in s.concessions}
    assert paid == {
        ("a", "ord"): (False, pytest.approx(0.8 * 1 / 4)),
        ("a", "num"): (True, 0.0),
        ("b", "ord"): (True, 0.0),
        ("b", "nom"): (False, pytest.approx(0.2 * 1)),
        ("b", "num"): (True, 0.0),
        ("c", "ord"): (True, 0.0),
        ("c", "num"): (False, pytest.approx(0.2 * 10 / 100)),
    }
    assert (
        s.concessions[0].describe(tiny)
        == "Party A accepts Four instead of One on Ordinal issue (cost 0.20)"
    )


def test_tiny_fair_and_subsets(tiny: Case) -> None:
    s = settle(tiny, "fair")
    # a and b both pay 0.2 in the cheapest package; nothing gets both lower
    assert s.objective_value == pytest.approx(max(0.8 * 1 / 4, 0.2 * 1))
    assert s.total_cost == pytest.approx(0.8 * 1 / 4 + 0.2 * 1 + 0.2 * 10 / 100)
    # without b there is no red line: a and c meet on o2…o3, num 50 costs a 0.6·10/100
    ac = settle(tiny, parties=["a", "c"])
    assert ac.parties == ("a", "c")
    # o2 and o3 both cost 0; the tie rule (equal costs) takes the fewer concessions:
    # o3 is c's ideal (only a concedes), o2 neither's (both concede)
    assert ac.outcomes["ord"] == "o3" and ac.outcomes["nom"] == "x"
    assert ac.total_cost == pytest.approx(min(0.6 * 10 / 100, 0.2 * 10 / 100))
    assert ac.outcomes["num"] == 40.0
    assert not ac.unique and ac.n_optimal == 2
    assert [dict(a.outcomes) for a in ac.alternatives] == [{"ord": "o2", "nom": "x", "num": 40.0}]


def test_ordinal_total_vs_fair() -> None:
    case = make_case(
        [ordinal("o", 5)], [pos("a", "o", "o0", salience=1.0), pos("b", "o", "o4", salience=0.5)]
    )
    total = settle(case)
    assert total.outcomes["o"] == "o0"  # b pays 0.5·4/4, less than a's 1·4/4
    assert total.total_cost == pytest.approx(0.5 * 4 / 4)
    fair = settle(case, "fair")
    assert fair.outcomes["o"] == "o1"  # a: 1·1/4, b: 0.5·3/4
    assert fair.objective_value == pytest.approx(max(1.0 * 1 / 4, 0.5 * 3 / 4))
    assert fair.total_cost == pytest.approx(1.0 * 1 / 4 + 0.5 * 3 / 4)


def test_nominal_distance_table() -> None:
    iss = nominal("n", ["x", "y", "z"], distances=(("x", "y", 0.5),))
    case = make_case(
        [iss],
        [
            pos("a", "n", "x", salience=0.6),
            pos("b", "n", "y", salience=0.4),
            pos("c", "n", "z", salience=0.1),
        ],
    )
    s = settle(case)
    assert s.outcomes["n"] == "x"
    assert s.total_cost == pytest.approx(0.4 * 0.5 + 0.1 * 1)


def test_nominal_fair_and_nash() -> None:
    iss = nominal("n", ["x", "y", "z"], distances=(("x", "y", 0.5),), sq="z")
    case = make_case([iss], [pos("a", "n", "x", salience=0.6), pos("b", "n", "y", salience=0.4)])
    fair = settle(case, "fair")  # x: b pays .4·.5; y: a pays .6·.5
    assert fair.outcomes["n"] == "x" and fair.objective_value == pytest.approx(0.4 * 0.5)
    nash = settle(case, "nash")  # d = 0 for both (z is 1 from x and y); x and y tie at 1·(1 − .5)
    assert nash.status == "optimal"
    assert nash.objective_value == pytest.approx((1 - 0) * (1 - 0.5))
    assert nash.outcomes["n"] == "x"  # the tie goes to the first option


def test_interval_breakpoint_optimum() -> None:
    # f(x) = .5·(x−20)⁺/100 + .3·dist(x, [40, 60])/100 + .4·(70−x)⁺/100, minimal at b's lower end
    case = make_case(
        [interval("x")],
        [
            pos("a", "x", 10.0, Span(0, 20), 0.5),
            pos("b", "x", 50.0, Span(40, 60), 0.3),
            pos("c", "x", 80.0, Span(70, 100), 0.4),
        ],
    )
    s = settle(case)
    assert s.outcomes["x"] == 40.0
    assert s.total_cost == pytest.approx(0.5 * (40 - 20) / 100 + 0.4 * (70 - 40) / 100)
    assert s.labels["x"] == "40 units"


def test_interval_fair_optimum_where_costs_cross() -> None:
    # the largest cost is least where .5·(x − 20)/100 = .4·(70 − x)/100: x = 38/0.9, no breakpoint
    case = make_case(
        [interval("x")],
        [pos("a", "x", 10.0, Span(0, 20), 0.5), pos("c", "x", 80.0, Span(70, 100), 0.4)],
    )
    s = settle(case, "fair")
    assert s.outcomes["x"] == pytest.approx(38 / 0.9, abs=1e-7)
    assert s.objective_value == pytest.approx(0.5 * (38 / 0.9 - 20) / 100)
    assert s.total_cost == pytest.approx(0.5 * (38 / 0.9 - 20) / 100 + 0.4 * (70 - 38 / 0.9) / 100)
    assert s.labels["x"] == "42.2 units"  # labels round to one decimal; the outcome is exact
    # the total is linear in x between the ends of the intervals: any x in [20, 70] costs the same
    # .5·(x − 20)/100 + .4·(70 − x)/100 is increasing, so the least total is at x = 20
    assert settle(case).outcomes["x"] == 20.0


def test_requires_linkage_flips_the_package() -> None:
    # a accepts o0…o2 only if n = x; b insists on o2 (red line) and prefers z on n (salience .6)
    issues = [ordinal("o", 5), nominal("n", ["x", "y", "z"])]
    a_o = pos("a", "o", "o0", opts("o0", "o1", "o2"), 0.8, requires=(("n", opts("x")),))
    a_n = pos("a", "n", "x", opts("x", "y"), 0.4)
    b_o = pos("b", "o", "o2", None, 0.5, red_line=True)
    b_n = pos("b", "n", "z", None, 0.6)
    case = make_case(issues, [a_o, a_n, b_o, b_n])
    s = settle(case)
    # n = x: b pays .6·1 and a's linkage holds; n = z would cost a .4·1 + .8·2/4 (linkage fails)
    assert dict(s.outcomes) == {"o": "o2", "n": "x"}
    assert s.total_cost == pytest.approx(0.6 * 1)
    # without the linkage n = z is cheaper: a pays only .4·1 on n
    free = change(case, party="a", issue="o", requires=(), requires_given=True)
    s2 = settle(free)
    assert dict(s2.outcomes) == {"o": "o2", "n": "z"}
    assert s2.total_cost == pytest.approx(0.4 * 1)
    # if b also accepts y, n = y is free for a and b on n, but a's condition fails: a pays on o
    wider = change(case, party="b", issue="n", add=opts("y"), salience=0.9)
    s3 = settle(wider)
    assert dict(s3.outcomes) == {"o": "o2", "n": "y"}
    assert s3.total_cost == pytest.approx(0.8 * 2 / 4)
    (c,) = [c for c in s3.concessions if c.party == "a" and c.issue == "o"]
    assert not c.condition_met and not c.within_acceptable and c.cost == pytest.approx(0.8 * 2 / 4)
    assert "linkage condition is not met" in c.describe(wider)


def test_red_line_with_failed_condition_must_be_the_ideal() -> None:
    # a's red line: o in {o0, o1} if n = x, else o = o0. b insists n = y and prefers o1.
    issues = [ordinal("o", 3), nominal("n", ["x", "y"])]
    case = make_case(
        issues,
        [
            pos(
                "a", "o", "o0", opts("o0", "o1"), 0.5, red_line=True, requires=(("n", opts("x")),)
            ),
            pos("b", "n", "y", None, 1.0, red_line=True),
            pos("b", "o", "o1", None, 0.2),
        ],
    )
    s = settle(case)
    assert dict(s.outcomes) == {"o": "o0", "n": "y"}
    assert s.total_cost == pytest.approx(0.2 * 1 / 2)


def test_nash_logroll_discrete() -> None:
    # a cares for i (0.8) and b for j (0.8); status quo in the middle: d = 0.8·.5 + 0.2·.5 = 0.5
    issues = [ordinal("i", 3, sq="o1"), ordinal("j", 3, sq="o1")]
    case = make_case(
        issues,
        [
            pos("a", "i", "o0", salience=0.8), pos("a", "j", "o0", salience=0.2),
            pos("b", "i", "o2", salience=0.2), pos("b", "j", "o2", salience=0.8),
        ],
    )  # fmt: skip
    s = settle(case, "nash")
    assert s.status == "optimal"
    assert dict(s.outcomes) == {"i": "o0", "j": "o2"}
    assert s.objective_value == pytest.approx((0.8 - 0.5) * (0.8 - 0.5))
    assert s.utilities["a"] == pytest.approx(0.8) and s.status_quo_utilities["a"] == pytest.approx(
        0.5
    )
    assert s.gap <= 1e-6 * s.objective_value


def test_nash_interior_interval() -> None:
    case = make_case(
        [interval("x")],
        [pos("a", "x", 0.0, Span(0, 30), 1.0), pos("b", "x", 100.0, Span(60, 100), 1.0)],
    )
    s = settle(case, "nash")
    assert s.status == "optimal" and s.outcomes["x"] == pytest.approx(50.0, abs=1e-6)
    assert s.objective_value == pytest.approx((1 - 50 / 100) * (50 / 100))
    # two issues: a logroll to the bounds, U_a = 1/1.2, U_b = 0.7 (no status quo: d = 0)
    case2 = make_case(
        [interval("n"), interval("m")],
        [
            pos("a", "n", 0.0, Span(0, 30), 1.0), pos("b", "n", 100.0, Span(60, 100), 0.3),
            pos("a", "m", 0.0, Span(0, 30), 0.2), pos("b", "m", 100.0, Span(60, 100), 0.7),
        ],
    )  # fmt: skip
    s2 = settle(case2, "nash")
    assert dict(s2.outcomes) == {"n": 0.0, "m": 100.0}
    assert s2.objective_value == pytest.approx(
        (1.0 * 1 + 0.2 * 0) / 1.2 * ((0.3 * 0 + 0.7 * 1) / 1.0)
    )


def test_nash_degenerate(tiny: Case) -> None:
    # c's ideal on num is the status quo and b's red line keeps ord off c's ideal o3:
    # U_c ≤ (0.3·(1 − 1/4) + 0.2·1)/0.5 = d_c, so no package improves on the status quo for c
    s = settle(tiny, "nash")
    assert s.status == "degenerate" and s.objective_value == 0.0
    assert "smallest gain" in s.note
    assert max(0.0, min(gains_of(tiny, s))) == pytest.approx(0.0, abs=1e-9)
    ab = settle(tiny, "nash", parties=["a", "b"])
    assert ab.status == "optimal" and ab.objective_value > 0


def test_unknown_objective_and_party(tiny: Case) -> None:
    with pytest.raises(ValueError, match="objective"):
        settle(tiny, "cheapest")
    with pytest.raises(UnknownIdError, match="did you mean 'a'"):
        settle(tiny, parties=["A"])


def test_at_date(tiny: Case) -> None:
    early = settle(tiny, at="2023-07-01")  # before a's linkage: ord acceptable o1…o2
    assert early.at == dt.date(2023, 7, 1)
    assert early.outcomes["ord"] == "o4"
    assert early.party_costs["a"] == pytest.approx(0.8 * 2 / 4)


def test_result_api(tiny: Case) -> None:
    before = dataclasses.replace(tiny)
    s = settle(tiny)
    assert tiny == before  # the case is never modified
    text = repr(s)
    assert text.startswith("Settlement(objective='total', status='optimal'") and "ord=o4" in text
    assert "best bound" in s.proof
    data = s.as_dict(tiny)
    json.dumps(data)
    assert data["package"][0] == {"issue": "ord", "outcome": "o4", "label": "Four"}
    assert data["concessions"][0]["description"].startswith("Party A accepts Four")
    frame = s.to_frame()
    assert list(frame.index) == ["ord", "nom", "num"] and frame.loc["num", "label"] == "40 units"
    assert frame["cost"].sum() == pytest.approx(s.total_cost)
    costs = s.cost_matrix()
    assert np.isnan(costs.loc["nom", "c"]) and costs.loc["ord", "a"] == pytest.approx(0.2)


def test_shipped_case_settles_or_explains() -> None:
    case = engine.load_case("ukraine-russia")
    for objective in ("total", "fair"):
        s = settle(case, objective)
        if s.feasible:
            assert not crosses(case, s) and s.gap <= 1e-6
        else:
            assert len(s.conflicting_red_lines) >= 2
            assert all(r.description for r in s.conflicting_red_lines)


# ==================================================== colliding red lines


def _drop_red_line(case: Case, party: str, issue: str) -> Case:
    return change(case, party=party, issue=issue, red_line=False)


def test_colliding_red_lines_minimal_set() -> None:
    case = make_case(
        [ordinal("o", 5), nominal("n", ["x", "y"])],
        [
            pos("a", "o", "o0", opts("o0", "o1"), 1.0, red_line=True),
            pos("b", "o", "o4", opts("o3", "o4"), 1.0, red_line=True),
            pos("c", "o", "o1", None, 0.5, red_line=True),
            pos("c", "n", "x", None, 0.5, red_line=True),
        ],
    )
    s = settle(case)
    assert not s.feasible and s.status == "infeasible" and s.outcomes == {}
    found = [(r.party, r.issue) for r in s.conflicting_red_lines]
    # the deletion filter, in case order, drops a first: {b, c} still collide (o1 ∉ {o3, o4})
    assert found == [("b", "o"), ("c", "o")]
    assert "will not accept anything outside" in s.conflicting_red_lines[0].description
    for party, issue in found:  # irreducible: relaxing any one makes a package possible
        rest = [k for k in found if k != (party, issue)]
        sub = make_case(
            case.issues,
            [p for p in _positions(case) if (p.party, p.issue) in rest or not p.red_line],
        )
        assert settle(sub).feasible
    for objective in ("fair", "nash"):
        assert [(r.party, r.issue) for r in settle(case, objective).conflicting_red_lines] == found


def test_colliding_red_lines_through_linkage() -> None:
    # b fixes i = o1; a's red line allows o1 only if j = o1; c fixes j = o0: all three collide
    case = make_case(
        [ordinal("i", 3), ordinal("j", 2)],
        [
            pos(
                "a", "i", "o0", opts("o0", "o1"), 0.5, red_line=True, requires=(("j", opts("o1")),)
            ),
            pos("b", "i", "o1", None, 0.5, red_line=True),
            pos("c", "j", "o0", None, 0.5, red_line=True),
        ],
    )
    s = settle(case)
    assert not s.feasible
    found = [(r.party, r.issue) for r in s.conflicting_red_lines]
    assert found == [("a", "i"), ("b", "i"), ("c", "j")]
    assert "unless" in s.conflicting_red_lines[0].description
    for party, issue in found:
        assert settle(_drop_red_line(case, party, issue)).feasible


# ================================================================ properties

SMALL = {"max_parties": 4, "max_issues": 3, "max_options": 4}


def _check_cost_objective(case: Case, objective: str) -> None:
    s = settle(case, objective)
    if objective == "total":
        total = brute_total(case)
        brute = None if total is None else (total, total)
    else:
        brute = brute_fair(case)
    if brute is None:
        assert not s.feasible and len(s.conflicting_red_lines) >= 2
        keys = {(r.party, r.issue) for r in s.conflicting_red_lines}
        positions = _positions(case)

        def possible(red: set[tuple[str, str]]) -> bool:
            only = [
                p if (p.party, p.issue) in red else dataclasses.replace(p, red_line=False)
                for p in positions
            ]
            return any(evaluate(case, only, pkg)[0] for pkg in packages(case, only))

        assert all(p.red_line for p in positions if (p.party, p.issue) in keys)
        assert not possible(keys)  # they collide on their own
        assert all(possible(keys - {k}) for k in keys)  # and any one relaxed opens a package
        return
    assert s.feasible and s.status == "optimal"
    assert not crosses(case, s)
    assert s.objective_value == pytest.approx(brute[0], abs=1e-6)
    assert s.total_cost == pytest.approx(brute[1], abs=1e-6)
    assert s.gap <= 1e-6


@given(cases(**SMALL, with_requires=True))
def test_total_matches_brute_force(case: Case) -> None:
    _check_cost_objective(case, "total")


@settings(max_examples=40)
@given(cases(**SMALL, with_requires=True))
def test_fair_matches_brute_force(case: Case) -> None:
    _check_cost_objective(case, "fair")


@settings(max_examples=40)
@given(cases(**SMALL, scales=("ordinal", "nominal"), with_requires=True))
def test_nash_matches_brute_force_discrete(case: Case) -> None:
    _check_nash(case, brute_nash(case))


@settings(max_examples=25)
@given(cases(max_parties=3, max_issues=2, scales=("interval",), with_requires=True))
def test_nash_matches_brute_force_interval(case: Case) -> None:
    _check_nash(case, brute_nash(case))


def _check_nash(case: Case, brute: tuple[str, float, float] | None) -> None:
    s = settle(case, "nash")
    if brute is None:
        assert not s.feasible
        return
    assert s.feasible and not crosses(case, s)
    kind, value, total = brute
    g = gains_of(case, s)
    if kind == "degenerate":
        assert s.status == "degenerate" and s.objective_value == 0.0
        assert min(g, default=0.0) == pytest.approx(value, abs=1e-6)
        assert sum(g) == pytest.approx(total, abs=1e-6)
    else:
        assert s.status == "optimal"
        assert math.prod(g) == pytest.approx(value, rel=1e-5)
        assert s.objective_value == pytest.approx(value, rel=1e-5)
        assert s.bound >= s.objective_value * (1 - 1e-9)


@settings(max_examples=30)
@given(cases(**SMALL, with_requires=True), st.data())
def test_widening_never_raises_the_total_cost(case: Case, data: st.DataObject) -> None:
    positions = _positions(case)
    assume(positions)
    p = data.draw(st.sampled_from(positions))
    issue = case.issue(p.issue)
    if issue.is_interval:
        lo = data.draw(st.integers(0, int(p.acceptable.lo)))  # type: ignore[union-attr]
        hi = data.draw(st.integers(math.ceil(p.acceptable.hi), int(issue.max)))  # type: ignore[union-attr]
        add: Any = Span(float(lo), float(hi))
    else:
        add = opts(data.draw(st.sampled_from(issue.option_ids)))
    wider = change(case, party=p.party, issue=p.issue, add=add)
    before, after = settle(case), settle(wider)
    if before.feasible:
        assert after.feasible
        assert after.total_cost <= before.total_cost + 1e-9


@settings(max_examples=20)
@given(cases(**SMALL, with_requires=True), st.sampled_from(["total", "fair", "nash"]))
def test_deterministic_and_within_red_lines(case: Case, objective: str) -> None:
    a, b = settle(case, objective), settle(case, objective)
    assert a == b
    if a.feasible:
        assert not crosses(case, a)
    else:
        assert a.conflicting_red_lines


@settings(max_examples=20)
@given(
    cases(**SMALL, with_requires=True),
    st.sampled_from(["total", "fair"]),
    st.randoms(use_true_random=False),
)
def test_party_order_does_not_change_the_package(case: Case, objective: str, rnd: Any) -> None:
    parties = list(case.parties)
    rnd.shuffle(parties)
    shuffled = dataclasses.replace(case, parties=tuple(parties))
    a, b = settle(case, objective), settle(shuffled, objective)
    assert a.feasible == b.feasible
    if a.feasible:
        assert dict(a.outcomes) == dict(b.outcomes)
        assert a.objective_value == pytest.approx(b.objective_value, abs=1e-9)
