"""The exact bonus frontier (engine/solve/bonus.py) against brute force over every package."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine.model.bonus import Bonus
from engine.model.case import Case, Issue, Option, OptionSet, Party, Position, Statement
from engine.solve.bargaining import BargainingError, nash_package, pareto_packages
from engine.solve.bonus import bonus_frontier, bonus_utility
from engine.solve.score import score_package
from engine.solve.utility import package_utilities

DAY = dt.date(2024, 1, 1)


def _issues(sizes: list[int]) -> tuple[Issue, ...]:
    return tuple(
        Issue(f"i{n}", f"Issue {n}", "ordinal", tuple(Option(f"o{k}", str(k)) for k in range(m)))
        for n, m in enumerate(sizes)
    )


@st.composite
def bonus_cases(draw: st.DrawFn) -> Case:
    """2 parties over 3–4 ordinal issues of 3–5 options: random rectangles (values ±, p/q),
    sometimes an additive second party, a reservation, a red line with a link."""
    sizes = draw(st.lists(st.integers(3, 5), min_size=3, max_size=4))
    issues = _issues(sizes)

    def rectangles() -> tuple[Bonus, ...]:
        out = []
        for _ in range(draw(st.integers(1, 6))):
            chosen = draw(st.sets(st.integers(0, len(sizes) - 1), max_size=len(sizes)))
            when = []
            for n in sorted(chosen):
                lo = draw(st.integers(0, sizes[n] - 1))
                hi = draw(st.integers(lo, sizes[n] - 1))
                when.append((f"i{n}", OptionSet(frozenset(f"o{k}" for k in range(lo, hi + 1)))))
            value = Fraction(draw(st.integers(-3, 9)), draw(st.sampled_from([7, 10, 12])))
            out.append(Bonus(tuple(when), value))
        return tuple(out)

    additive = draw(st.booleans())
    reservation = draw(st.sampled_from([None, None, 0.2]))
    parties = (
        Party("a", "A", bonuses=rectangles(), reservation=reservation),
        Party("b", "B", bonuses=() if additive else rectangles()),
    )
    statements = []
    if additive or draw(st.booleans()):
        positions = []
        for n, m in enumerate(sizes):
            ideal = f"o{draw(st.integers(0, m - 1))}"
            red = n == 0 and draw(st.booleans())
            acc = OptionSet(frozenset({ideal, f"o{draw(st.integers(0, m - 1))}"}))
            requires = ((f"i{len(sizes) - 1}", OptionSet(frozenset({"o0", "o1"}))),) if red else ()
            salience = draw(st.sampled_from([0.2, 0.5, 1.0]))
            positions.append(
                (f"i{n}", Position("b", f"i{n}", ideal, acc, salience, red, requires))
            )
        statements.append(Statement("b", DAY, (), tuple(positions)))
    return Case("random", "Random", DAY, parties, issues, statements=tuple(statements))


def _exact_utility(case: Case, party: str, package: dict[str, str]) -> Fraction:
    p = case.party(party)
    if p.bonuses:
        return bonus_utility(p.bonuses, package)
    num, den = Fraction(0), Fraction(0)
    for (q, iid), pos in case.at().items():
        if q == party:
            s = Fraction(repr(pos.salience))
            issue = case.issue(iid)
            k1 = issue.k - 1
            num += s * Fraction(k1 - abs(issue.index(package[iid]) - issue.index(pos.ideal)), k1)
            den += s
    return num / den if den else Fraction(0)


def _feasible(case: Case, package: dict[str, str]) -> bool:
    for (_, iid), pos in case.at().items():
        if not pos.red_line:
            continue
        cond = all(package[j] in acc for j, acc in pos.requires)
        if not (package[iid] in pos.acceptable if cond else package[iid] == pos.ideal):
            return False
    return True


def _brute_frontier(
    case: Case, parties: tuple[str, ...] = ("a", "b")
) -> set[tuple[Fraction, ...]]:
    vectors = set()
    for combo in itertools.product(*(i.option_ids for i in case.issues)):
        package = dict(zip(case.issue_ids, combo, strict=True))
        if not _feasible(case, package):
            continue
        u = tuple(_exact_utility(case, p, package) for p in parties)
        r = case.party("a").reservation
        if r is not None and u[0] < Fraction(repr(r)):
            continue
        vectors.add(u)
    return {
        u
        for u in vectors
        if not any(v != u and all(x >= y for x, y in zip(v, u, strict=True)) for v in vectors)
    }


@given(bonus_cases())
def test_bonus_frontier_equals_brute_force(case: Case) -> None:
    want = _brute_frontier(case)
    if not want:
        with pytest.raises(BargainingError):
            bonus_frontier(case, ["a", "b"])
        return
    front, exact, d = bonus_frontier(case, ["a", "b"])
    assert set(exact) == want and len(exact) == len(want)
    # decreasing in a's utility, increasing in b's
    assert [u[0] for u in exact] == sorted((u[0] for u in exact), reverse=True)
    for row, u in zip(front.itertuples(index=False), exact, strict=True):
        # the issues no chosen party cares about are not decided: any outcome will do
        package = dict.fromkeys(case.issue_ids, "o0")
        package.update({iid: getattr(row, iid) for iid in front.attrs["issues"]})
        assert _feasible(case, package)
        assert (_exact_utility(case, "a", package), _exact_utility(case, "b", package)) == u
    # the Nash package maximises the product of gains over every package (d = reservation / 0)
    gains = [(u[0] - d[0]) * (u[1] - d[1]) for u in want if u[0] > d[0] and u[1] > d[1]]
    nash = nash_package(case, ["a", "b"])
    assert nash.found == bool(gains)
    if gains:
        assert nash.nash_product == float(max(gains))


def _classroom() -> Case:
    """Two issues of three options: a bonus party and an additive one, worked by hand."""
    issues = _issues([3, 3])
    a = Party(
        "a",
        "A",
        bonuses=(
            Bonus(
                (("i0", OptionSet(frozenset({"o2"}))), ("i1", OptionSet(frozenset({"o2"})))),
                Fraction(1),
            ),
            Bonus((("i0", OptionSet(frozenset({"o1", "o2"}))),), Fraction(1, 2)),
        ),
    )
    b = Party("b", "B")
    positions = tuple(
        (f"i{n}", Position("b", f"i{n}", "o0", OptionSet(frozenset({"o0"})), 0.5))
        for n in range(2)
    )
    return Case(
        "classroom",
        "Classroom",
        DAY,
        (a, b),
        issues,
        statements=(Statement("b", DAY, (), positions),),
    )


def test_classroom_case_by_hand() -> None:
    case = _classroom()
    front = pareto_packages(case, ["a", "b"])
    # U_a: 1.5 at (o2, o2); 0.5 with i0 ∈ {o1, o2}; U_b = mean closeness to (o0, o0)
    # (1.5, 0) at (o2,o2); (0.5, 0.75) at (o1, o0); (0, 1) at (o0, o0)
    assert front[["U(a)", "U(b)"]].values.tolist() == [[1.5, 0.0], [0.5, 0.75], [0.0, 1.0]]
    assert front.attrs["counted"] is False and front["#packages"].isna().all()
    nash = nash_package(case, ["a", "b"])
    assert nash.package == {"i0": "o1", "i1": "o0"} and nash.nash_product == 0.375
    assert front.attrs["nash_point"] == 1
    assert package_utilities(case, {"i0": "o2", "i1": "o2"}) == {"a": 1.5, "b": 0.0}
    s = score_package(case, {"i0": "o1", "i1": "o1"}, ["a", "b"])
    assert not s.on_frontier and s.distance == pytest.approx(0.25)
    assert engine.disagreement_point(case, ["a", "b"]) == {"a": 0.0, "b": 0.0}


def test_one_party_is_its_maximum() -> None:
    front = pareto_packages(_classroom(), ["a"])
    assert front["U(a)"].tolist() == [1.5]


def test_three_parties_by_hand() -> None:
    """c gains 1 when i1 = o1: the frontier gains the points where c has its bonus."""
    case = _classroom()
    c = Party("c", "C", bonuses=(Bonus((("i1", OptionSet(frozenset({"o1"}))),), Fraction(1)),))
    three = dataclasses.replace(case, parties=(*case.parties, c))
    _, exact, _ = bonus_frontier(three, ["a", "b", "c"])
    assert set(exact) == _brute_frontier(three, ("a", "b", "c"))
    # the two-party points with U_c = 0, and with i1 = o1: (0.5, 0.5, 1) at (o1, o1) and
    # (0, 0.75, 1) at (o0, o1) (a's 1.5 needs i1 = o2)
    assert exact == [
        (Fraction(3, 2), Fraction(0), Fraction(0)),
        (Fraction(1, 2), Fraction(3, 4), Fraction(0)),
        (Fraction(1, 2), Fraction(1, 2), Fraction(1)),
        (Fraction(0), Fraction(1), Fraction(0)),
        (Fraction(0), Fraction(3, 4), Fraction(1)),
    ]
    assert pareto_packages(three, ["a", "b", "c"])["U(c)"].tolist() == [0.0, 0.0, 1.0, 0.0, 1.0]


@st.composite
def three_party_cases(draw: st.DrawFn) -> Case:
    """A third party with random rectangles added to :func:`bonus_cases`, issues kept small."""
    case = draw(bonus_cases())
    issues = case.issues[:3]
    sizes = [i.k for i in issues]
    bonuses = []
    for _ in range(draw(st.integers(1, 4))):
        n = draw(st.integers(0, len(sizes) - 1))
        lo = draw(st.integers(0, sizes[n] - 1))
        hi = draw(st.integers(lo, sizes[n] - 1))
        when = ((f"i{n}", OptionSet(frozenset(f"o{k}" for k in range(lo, hi + 1)))),)
        bonuses.append(Bonus(when, Fraction(draw(st.integers(-2, 9)), 10)))
    keep = {i.id for i in issues}
    parties = tuple(
        dataclasses.replace(
            p, bonuses=tuple(b for b in p.bonuses if all(i in keep for i, _ in b.when))
        )
        for p in case.parties
    )
    statements = tuple(
        dataclasses.replace(st_, positions=tuple(x for x in st_.positions if x[0] in keep))
        for st_ in case.statements
    )
    statements = tuple(  # a red line's link may point at a dropped issue: drop the link
        dataclasses.replace(
            st_,
            positions=tuple(
                (i, dataclasses.replace(pos, requires=(), red_line=False))
                for i, pos in st_.positions
            ),
        )
        for st_ in statements
    )
    return dataclasses.replace(
        case,
        parties=(*parties, Party("c", "C", bonuses=tuple(bonuses))),
        issues=issues,
        statements=statements,
    )


@settings(max_examples=40, deadline=None)
@given(three_party_cases())
def test_three_party_bonus_frontier_equals_brute_force(case: Case) -> None:
    parties = ("a", "b", "c")
    want = _brute_frontier(case, parties)
    if not want:
        with pytest.raises(BargainingError):
            bonus_frontier(case, list(parties))
        return
    front, exact, _ = bonus_frontier(case, list(parties))
    assert set(exact) == want and len(exact) == len(want)
    assert exact == sorted(exact, reverse=True)
    for row, u in zip(front.itertuples(index=False), exact, strict=True):
        package = dict.fromkeys(case.issue_ids, "o0")
        package.update({iid: getattr(row, iid) for iid in front.attrs["issues"]})
        assert _feasible(case, package)
        assert tuple(_exact_utility(case, p, package) for p in parties) == u
