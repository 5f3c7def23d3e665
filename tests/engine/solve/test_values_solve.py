"""Values and reservations in the frontier, the Nash package, logrolls and the settlement search.

Each result is checked against a brute-force enumeration written here from
the definitions in docs/format.md ("Values and reservations"), independent of
the engine: U_p = Σ s · v(o) / Σ s, with v the position's values (options not
listed worth 0) or 1 − distance to the ideal; packages below a reservation
are not rational; the disagreement point is the reservation, else the status
quo; the concession cost of a valued position is s · (1 − v(o)).
"""

from __future__ import annotations

import dataclasses
import itertools
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import Case, Issue, Option, OptionSet, Party, Position, Source, Span, Statement
from engine.solve.bargaining import (
    BargainingError,
    disagreement_point,
    logrolls,
    nash_package,
    package_utilities,
    pareto_packages,
    utility_column,
)
from engine.solve.settlement import settle
from tests.strategies import cases


def dec(x: float) -> Fraction:
    return Fraction(repr(float(x)))


def value(issue: Issue, pos: Position, o: Any) -> Fraction:
    """v_p,i(o), from the definition (independent of engine.model.values)."""
    if pos.values:
        if issue.is_interval:
            pts = [(dec(x), dec(v)) for x, v in pos.values]
            x = dec(o)
            if x <= pts[0][0]:
                return pts[0][1]
            if x >= pts[-1][0]:
                return pts[-1][1]
            for (x0, v0), (x1, v1) in itertools.pairwise(pts):
                if x0 <= x <= x1:
                    return v0 + (v1 - v0) * (x - x0) / (x1 - x0)
        return next((dec(v) for k, v in pos.values if k == o), Fraction(0))
    return 1 - Fraction(repr(issue.distance(o, pos.ideal)))


def within(acc: OptionSet | Span, o: Any) -> bool:
    return o in acc


def brute(case: Case, parties: list[str]) -> dict[tuple[Fraction, ...], int]:
    """Frontier utility vectors (exact) → number of packages, red lines and reservations kept."""
    state = {k: v for k, v in case.at().items() if k[0] in parties}
    issues = [i for i in case.issues if any(k[1] == i.id for k in state)]
    count: dict[tuple[Fraction, ...], int] = {}
    for combo in itertools.product(*(i.option_ids for i in issues)):
        pkg = dict(zip((i.id for i in issues), combo, strict=True))
        if any(p.red_line and not within(p.acceptable, pkg[i]) for (_, i), p in state.items()):
            continue
        u = tuple(utility(case, state, p, pkg) for p in parties)
        if any(
            (r := case.party(p).reservation) is not None and u[n] < dec(r)
            for n, p in enumerate(parties)
        ):
            continue
        count[u] = count.get(u, 0) + 1
    return {
        u: c
        for u, c in count.items()
        if not any(all(a >= b for a, b in zip(w, u, strict=True)) and w != u for w in count)
    }


def utility(case: Case, state: dict, party: str, pkg: dict) -> Fraction:
    num = den = Fraction(0)
    for (p, i), pos in state.items():
        if p == party:
            num += dec(pos.salience) * value(case.issue(i), pos, pkg[i])
            den += dec(pos.salience)
    return num / den if den else Fraction(0)


def disagreement(case: Case, party: str) -> Fraction:
    r = case.party(party).reservation
    if r is not None:
        return dec(r)
    state = case.at()
    num = den = Fraction(0)
    for (p, i), pos in state.items():
        if p == party:
            issue = case.issue(i)
            den += dec(pos.salience)
            if issue.status_quo is not None:
                num += dec(pos.salience) * value(issue, pos, issue.status_quo)
    return num / den if den else Fraction(0)


# ------------------------------------------------------------- strategies


@st.composite
def valued_cases(draw: st.DrawFn, reservations: bool = True) -> Case:
    """A random discrete case whose positions may carry valid random values."""
    case = draw(
        cases(
            min_parties=2,
            max_parties=3,
            max_issues=3,
            scales=("ordinal", "nominal"),
            max_options=4,
        )
    )
    statements = []
    for st_ in case.statements:
        new = []
        for iid, pos in st_.positions:
            if pos is not None and draw(st.integers(0, 3)) > 0:
                pos = dataclasses.replace(pos, values=draw(random_values(case.issue(iid), pos)))
            new.append((iid, pos))
        statements.append(dataclasses.replace(st_, positions=tuple(new)))
    parties = case.parties
    if reservations:
        parties = tuple(
            dataclasses.replace(
                p, reservation=draw(st.none() | st.integers(-2, 8).map(lambda k: k / 10))
            )
            for p in parties
        )
    return dataclasses.replace(case, statements=tuple(statements), parties=parties)


@st.composite
def random_values(draw: st.DrawFn, issue: Issue, pos: Position) -> tuple[tuple[str, float], ...]:
    """Valid values: ideal 1, acceptable options ≥ m ≥ the others (grid of 1/20)."""
    m = draw(st.integers(0, 20))
    out = []
    for o in issue.option_ids:
        if o == pos.ideal:
            v = 20
        elif o in pos.acceptable:
            v = draw(st.integers(m, 20))
        else:
            v = draw(st.integers(0, m))
        if v or draw(st.booleans()):  # an option worth 0 may be left out
            out.append((o, v / 20))
    return tuple(out)


# ------------------------------------------------------------------ tests


def check(case: Case, parties: list[str]) -> None:
    expected = brute(case, parties)
    if not expected:
        with pytest.raises(BargainingError):
            pareto_packages(case, parties)
        return
    front = pareto_packages(case, parties)
    got = {
        tuple(round(float(r[utility_column(p)]), 9) for p in parties): int(r["#packages"])
        for _, r in front.iterrows()
    }
    assert got == {tuple(round(float(x), 9) for x in u): c for u, c in expected.items()}
    for _, r in front.iterrows():  # the representative package has the stated utilities
        pkg = {i: r[i] for i in front.attrs["issues"]}
        u = package_utilities(case, pkg, parties)
        assert all(abs(u[p] - r[utility_column(p)]) < 1e-12 for p in parties)
    d = {p: disagreement(case, p) for p in parties}
    assert disagreement_point(case, parties) == pytest.approx({p: float(x) for p, x in d.items()})
    best = None
    for u in expected:
        gains = [x - d[p] for x, p in zip(u, parties, strict=True)]
        if all(g > 0 for g in gains):
            prod = Fraction(1)
            for g in gains:
                prod *= g
            best = prod if best is None or prod > best else best
    nash = nash_package(case, parties)
    if best is None:
        assert not nash.found
    else:
        assert nash.found and nash.nash_product == pytest.approx(float(best), rel=1e-12, abs=1e-15)


@given(valued_cases())
def test_frontier_and_nash_match_brute_force_with_values(case: Case) -> None:
    check(case, list(case.party_ids[:2]))
    check(case, list(case.party_ids))


def brute_total(case: Case) -> float | None:
    """Least Σ cost over the packages that cross no red line (cost: s(1 − v) with values)."""
    state = dict(case.at())
    issues = [i for i in case.issues if any(k[1] == i.id for k in state)]
    best = None
    for combo in itertools.product(*(i.option_ids for i in issues)):
        pkg = dict(zip((i.id for i in issues), combo, strict=True))
        if any(p.red_line and not within(p.acceptable, pkg[i]) for (_, i), p in state.items()):
            continue
        total = 0.0
        for (_, i), p in state.items():
            issue = case.issue(i)
            loss = (
                1 - float(value(issue, p, pkg[i]))
                if p.values
                else issue.distance_to_set(pkg[i], p.acceptable)
            )
            total += p.salience * loss
        best = total if best is None else min(best, total)
    return best


def brute_nash(case: Case) -> float | None:
    """Largest Π (U_p − d_p) over red-line-feasible packages with every gain positive."""
    state = dict(case.at())
    parties = [
        p
        for p in case.party_ids
        if any(pos.salience > 0 for (q, _), pos in state.items() if q == p)
    ]
    issues = [i for i in case.issues if any(k[1] == i.id for k in state)]
    if not parties:
        return None  # nobody has a utility: nothing to bargain over
    d = {p: disagreement(case, p) for p in parties}
    best = None
    for combo in itertools.product(*(i.option_ids for i in issues)):
        pkg = dict(zip((i.id for i in issues), combo, strict=True))
        if any(p.red_line and not within(p.acceptable, pkg[i]) for (_, i), p in state.items()):
            continue
        prod = Fraction(1)
        for p in parties:
            g = utility(case, state, p, pkg) - d[p]
            prod = prod * g if g > 0 else Fraction(0)
        if prod > 0 and (best is None or prod > best):
            best = prod
    return None if best is None else float(best)


@settings(max_examples=40)
@given(valued_cases())
def test_settlement_matches_brute_force_with_values(case: Case) -> None:
    want = brute_total(case)
    got = settle(case)
    if want is None:
        assert not got.feasible
        return
    assert got.total_cost == pytest.approx(want, abs=1e-7)
    nash = brute_nash(case)
    result = settle(case, "nash")
    if nash is not None and nash > 1e-6:
        assert result.status == "optimal"
        assert result.objective_value == pytest.approx(nash, rel=1e-6)
        r = {p.id: p.reservation for p in case.parties}
        assert all(result.utilities[p] > r[p] for p in result.utilities if r[p] is not None)


def with_closeness_values(case: Case) -> Case:
    """The same case with every position's values written out as 1 − distance to the ideal."""
    statements = []
    for st_ in case.statements:
        new = []
        for iid, pos in st_.positions:
            if pos is not None:
                issue = case.issue(iid)
                vals = tuple((o, 1 - issue.distance(o, pos.ideal)) for o in issue.option_ids)
                pos = dataclasses.replace(pos, values=vals)
            new.append((iid, pos))
        statements.append(dataclasses.replace(st_, positions=tuple(new)))
    return dataclasses.replace(case, statements=tuple(statements))


@settings(max_examples=30)
@given(cases(min_parties=2, max_parties=3, max_issues=3, scales=("ordinal",), max_options=4))
def test_values_equal_to_closeness_reproduce_todays_results(case: Case) -> None:
    """Ordinal distances are exact fractions r/(k−1), so writing them as values changes nothing."""
    valued = with_closeness_values(case)
    parties = list(case.party_ids)
    try:
        plain = pareto_packages(case, parties)
    except BargainingError:
        with pytest.raises(BargainingError):
            pareto_packages(valued, parties)
        return
    again = pareto_packages(valued, parties)
    cols = [utility_column(p) for p in parties]
    assert plain[cols].to_numpy() == pytest.approx(again[cols].to_numpy(), abs=1e-12)
    assert list(plain["#packages"]) == list(again["#packages"])
    assert nash_package(case, parties).package == nash_package(valued, parties).package
    # the Nash objective measures utilities (the cost objectives measure concessions against
    # the acceptable set without values, and against the values with them: those differ)
    a, b = settle(case, "nash"), settle(valued, "nash")
    assert (a.feasible, a.status) == (b.feasible, b.status)
    if a.feasible:
        assert a.objective_value == pytest.approx(b.objective_value, abs=1e-9)


# ------------------------------------------------------------- hand-worked


def _hand_case(reservation: float | None = None) -> Case:
    """Two parties, two nominal issues of three options, a graded by values."""
    opts = tuple(Option(o, o.upper()) for o in ("x", "y", "z"))
    issues = (Issue("i", "I", "nominal", opts), Issue("j", "J", "nominal", opts))
    a = (
        (
            "i",
            Position(
                "a", "i", "x", OptionSet(frozenset("x")), 0.8, values=(("x", 1.0), ("y", 0.5))
            ),
        ),
        (
            "j",
            Position(
                "a", "j", "x", OptionSet(frozenset("xy")), 0.2, values=(("x", 1.0), ("y", 0.9))
            ),
        ),
    )
    b = (
        ("i", Position("b", "i", "z", OptionSet(frozenset("z")), 0.4)),
        ("j", Position("b", "j", "z", OptionSet(frozenset("z")), 0.6)),
    )
    day = Case("h", "H", __import__("datetime").date(2024, 1, 1), (), ())
    return Case(
        "hand",
        "Hand",
        day.as_of,
        (Party("a", "A", reservation=reservation), Party("b", "B")),
        issues,
        (Source("s", "S", "P", "2024", "https://example.org/"),),
        (Statement("a", day.as_of, ("s",), a), Statement("b", day.as_of, ("s",), b)),
    )


def test_hand_worked_utilities_and_logroll() -> None:
    case = _hand_case()
    # a: (0.8 · v_i + 0.2 · v_j) / 1.0; b: 1 − distance, nominal: 1 on its ideal z only
    u = package_utilities(case, {"i": "y", "j": "z"})
    assert u["a"] == pytest.approx(0.8 * 0.5 + 0.2 * 0)
    assert u["b"] == pytest.approx(0.6 / 1.0)
    lr = logrolls(case, "a", "b")
    # a gives way on j (takes z: loses 1 − 0 = 1, weight 0.2), b on i (takes x: loses 1, weight 0.4)
    row = lr.iloc[0]
    assert (row.i, row.outcome_i, row.j, row.outcome_j) == ("j", "z", "i", "x")
    assert row.gain_a == pytest.approx((0.8 * 1 - 0.2 * 1) / 2)
    assert row.gain_b == pytest.approx((0.6 * 1 - 0.4 * 1) / 2)


def test_hand_worked_reservation_cuts_the_frontier() -> None:
    free = pareto_packages(_hand_case(), ["a", "b"])
    # a worth at least 0.5: (i, j) ∈ {x, y} × anything with 0.8 v_i + 0.2 v_j ≥ 0.5
    cut = pareto_packages(_hand_case(0.5), ["a", "b"])
    assert set(cut["U(a)"]) == {x for x in free["U(a)"] if x >= 0.5}
    assert len(cut) < len(free)
    # the disagreement point is a's reservation; b has none and no status quo: 0
    assert cut.attrs["disagreement"] == {"a": 0.5, "b": 0.0}
    with pytest.raises(BargainingError, match="reservation"):
        pareto_packages(_hand_case(1.0 + 1e-9), ["a", "b"])


def test_hand_worked_settlement_cost() -> None:
    s = settle(_hand_case())
    # a's cost is s · (1 − v); b's is s · distance to {z}. Best: i = x (a 0, b 0.4),
    # j = z (a 0.2 · 1, b 0): total 0.6; i = z costs a 0.8. j = x or y costs b 0.6.
    assert dict(s.outcomes) == {"i": "x", "j": "z"}
    assert s.total_cost == pytest.approx(0.4 + 0.2)


def test_hand_worked_interval_values() -> None:
    """a's values rise to 1 at 30, stay 1 to 70, fall to 0 at 100; b wants 100 (1 − distance)."""
    import datetime as dt

    day = dt.date(2024, 1, 1)
    issue = Issue("n", "N", "interval", unit="t", min=0.0, max=100.0)
    a = Position(
        "a",
        "n",
        30.0,
        Span(30.0, 30.0),
        0.5,
        values=((0.0, 0.0), (30.0, 1.0), (70.0, 1.0), (100.0, 0.0)),
    )
    b = Position("b", "n", 100.0, Span(100.0, 100.0), 0.5)
    case = Case(
        "iv",
        "Interval values",
        day,
        (Party("a", "A"), Party("b", "B")),
        (issue,),
        (Source("s", "S", "P", "2024", "https://example.org/"),),
        (Statement("a", day, ("s",), (("n", a),)), Statement("b", day, ("s",), (("n", b),))),
    )
    front = pareto_packages(case, ["a", "b"])
    # 70 is a candidate only because it is a point of a's values: (1, 0.7) dominates 30's (1, 0.3)
    assert front[["U(a)", "U(b)", "n"]].values.tolist() == [[1.0, 0.7, 70.0], [0.0, 1.0, 100.0]]
    s = settle(case)
    # cost 0.5 · (1 − v_a(x)) + 0.5 · (100 − x) / 100: 0.15 at 70, 0.35 at 30, 0.5 at 100
    assert s.outcomes["n"] == 70.0 and s.total_cost == pytest.approx(0.5 * 0 + 0.5 * 30 / 100)
    # Nash with d = 0: U_a · U_b = 1 · x/100 on [30, 70], (100 − x)/30 · x/100 on [70, 100]: 70
    n = settle(case, "nash")
    assert n.outcomes["n"] == pytest.approx(70.0) and n.objective_value == pytest.approx(0.7)
    assert nash_package(case, ["a", "b"]).package == {"n": 70.0}
