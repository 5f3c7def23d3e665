"""Integrative bargaining: hand-worked cases, and the frontier against brute force.

The brute-force enumerator below is kept deliberately simple and independent
of :mod:`engine.solve.bargaining`: it lists every package over the documented
candidate outcomes, evaluates the utilities in exact fractions, and keeps the
non-dominated vectors with their counts.
"""

from __future__ import annotations

import datetime as dt
import itertools
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine import Case, Issue, Option, OptionSet, Party, Position, Source, Span, Statement
from engine.solve.bargaining import (
    COUNT,
    BargainingError,
    disagreement_point,
    logrolls,
    nash_package,
    package_utilities,
    pareto_packages,
    utility_column,
)
from tests.strategies import cases

DATE = dt.date(2024, 1, 1)


# --------------------------------------------------------------- case builders


def ordinal(iid: str, k: int, status_quo: str | None = None) -> Issue:
    return Issue(
        iid,
        iid.upper(),
        "ordinal",
        tuple(Option(f"o{j}", f"O{j}") for j in range(1, k + 1)),
        status_quo=status_quo,
    )


def pos(
    party: str,
    issue: str,
    ideal: object,
    acceptable: object = None,
    salience: float = 0.5,
    **kw: object,
) -> Position:
    if acceptable is None:
        acceptable = (
            Span(float(ideal), float(ideal))
            if isinstance(ideal, float | int)
            else OptionSet(frozenset([ideal]))
        )  # type: ignore[list-item]
    elif isinstance(acceptable, list):
        acceptable = OptionSet(frozenset(acceptable))
    return Position(party, issue, ideal, acceptable, salience, **kw)  # type: ignore[arg-type]


def make_case(
    issues: list[Issue], positions: list[Position], parties: tuple[str, ...] = ("a", "b")
) -> Case:
    by_party: dict[str, list[tuple[str, Position | None]]] = {}
    for p in positions:
        by_party.setdefault(p.party, []).append((p.issue, p))
    return Case(
        id="hand",
        title="Hand-worked",
        as_of=DATE,
        parties=tuple(Party(p, p.upper(), "belligerent") for p in parties),
        issues=tuple(issues),
        sources=(Source("s", "S", "T", "2024", "https://example.org/"),),
        statements=tuple(
            Statement(p, DATE, ("s",), tuple(items)) for p, items in by_party.items()
        ),
    )


# ----------------------------------------------------------------- brute force


def dec(x: float) -> Fraction:
    return Fraction(repr(float(x)))


def closeness(issue: Issue, o: object, ideal: object) -> Fraction:
    if issue.is_interval:
        assert issue.min is not None and issue.max is not None
        return 1 - abs(dec(o) - dec(ideal)) / (dec(issue.max) - dec(issue.min))  # type: ignore[arg-type]
    if issue.scale == "ordinal":
        return 1 - Fraction(abs(issue.index(o) - issue.index(ideal)), issue.k - 1)  # type: ignore[arg-type]
    return 1 - dec(issue.distance(o, ideal))  # type: ignore[arg-type]


def within(acc: OptionSet | Span, o: object) -> bool:
    if isinstance(acc, Span):
        return acc.lo <= float(o) <= acc.hi  # type: ignore[arg-type]
    return o in acc.ids


def brute_force(case: Case, parties: list[str], respect_red_lines: bool = True) -> dict:
    """Every package over the documented candidates: vector -> [count, first package]."""
    state = case.at()
    chosen = [p for p in case.party_ids if p in parties]
    mine = {k: v for k, v in state.items() if k[0] in chosen}
    red = [v for v in mine.values() if v.red_line] if respect_red_lines else []
    used = {i for (_, i) in mine} | {j for v in red for j, _ in v.requires}
    issues = [i for i in case.issues if i.id in used]
    cands = []
    for issue in issues:
        if not issue.is_interval:
            cands.append(issue.option_ids)
            continue
        pts = {issue.min, issue.max} | (
            {issue.status_quo} if issue.status_quo is not None else set()
        )
        for (_, iid), v in mine.items():
            if iid == issue.id:
                pts |= {float(v.ideal), v.acceptable.lo, v.acceptable.hi}  # type: ignore[union-attr]
            for j, acc in v.requires:
                if j == issue.id:
                    pts |= {acc.lo, acc.hi}  # type: ignore[union-attr]
        cands.append(tuple(sorted(float(x) for x in pts)))  # type: ignore[arg-type]
    out: dict = {}
    sums = {
        p: sum((dec(v.salience) for (q, _), v in mine.items() if q == p), Fraction(0))
        for p in chosen
    }
    for combo in itertools.product(*cands):
        package = {issue.id: o for issue, o in zip(issues, combo, strict=True)}
        if any(
            not (
                within(v.acceptable, package[v.issue])
                if all(within(a, package[j]) for j, a in v.requires)
                else package[v.issue] == v.ideal
            )
            for v in red
        ):
            continue
        vec = []
        for p in chosen:
            num = sum(
                (
                    dec(v.salience) * closeness(case.issue(i), package[i], v.ideal)
                    for (q, i), v in mine.items()
                    if q == p
                ),
                Fraction(0),
            )
            vec.append(num / sums[p] if sums[p] else Fraction(0))
        key = tuple(vec)
        if key in out:
            out[key][0] += 1
        else:
            out[key] = [1, package]
    front = {}
    for v, rec in out.items():
        if not any(all(x >= y for x, y in zip(w, v, strict=True)) and w != v for w in out):
            front[v] = rec
    return front


def as_rows(front: pd.DataFrame) -> dict:
    parties = front.attrs["parties"]
    return {
        tuple(round(float(r[utility_column(p)]), 9) for p in parties): (
            int(r[COUNT]),
            {i: r[i] for i in front.attrs["issues"]},
        )
        for _, r in front.iterrows()
    }


def check_against_brute(case: Case, parties: list[str], respect_red_lines: bool = True) -> None:
    expected = brute_force(case, parties, respect_red_lines)
    if not expected:
        with pytest.raises(BargainingError, match="red lines"):
            pareto_packages(case, parties, respect_red_lines=respect_red_lines)
        return
    front = pareto_packages(case, parties, respect_red_lines=respect_red_lines)
    got = as_rows(front)
    want = {tuple(round(float(x), 9) for x in v): (c, pkg) for v, (c, pkg) in expected.items()}
    assert set(got) == set(want)
    linked = respect_red_lines and any(
        v.red_line and v.requires for k, v in case.at().items() if k[0] in parties
    )
    for key, (count, package) in got.items():
        assert count == want[key][0]
        if not linked:  # without linkage blocks are single issues: first in (issue, option) order
            assert package == want[key][1]
        utilities = package_utilities(case, package, parties)
        assert all(
            abs(utilities[p] - u) < 1e-9 for p, u in zip(front.attrs["parties"], key, strict=True)
        )
    # points mutually non-dominated, sorted by the first party's utility
    u = front[[utility_column(p) for p in front.attrs["parties"]]].to_numpy()
    for x in u:
        assert not ((u >= x).all(axis=1) & (u > x).any(axis=1)).any()
    assert list(u[:, 0]) == sorted(u[:, 0], reverse=True)
    # Nash against brute force
    nash = nash_package(case, parties, respect_red_lines=respect_red_lines)
    d = disagreement_point(case, parties)
    dq = {p: brute_disagreement(case, p) for p in front.attrs["parties"]}
    best = None
    for v in expected:
        gains = [x - dq[p] for x, p in zip(v, front.attrs["parties"], strict=True)]
        if all(g > 0 for g in gains):
            prod = np.prod([float(g) for g in gains])
            prod_exact = Fraction(1)
            for g in gains:
                prod_exact *= g
            best = prod_exact if best is None or prod_exact > best else best
    assert all(abs(d[p] - float(dq[p])) < 1e-12 for p in dq)
    if best is None:
        assert not nash.found and nash.reason.startswith("no package")
    else:
        assert nash.found
        assert abs(nash.nash_product - float(best)) <= 1e-12 * max(1.0, float(best))
        assert all(nash.gains[p] > 0 for p in nash.parties)
        assert prod is not None


def brute_disagreement(case: Case, party: str) -> Fraction:
    num, den = Fraction(0), Fraction(0)
    for (q, i), v in case.at().items():
        if q != party:
            continue
        issue = case.issue(i)
        den += dec(v.salience)
        if issue.status_quo is not None:
            num += dec(v.salience) * closeness(issue, issue.status_quo, v.ideal)
    return num / den if den else Fraction(0)


# -------------------------------------------------------------- hand-worked


@pytest.fixture
def two_issues() -> Case:
    """Two ordinal issues with three options; a wants o1 on both, b o3.

    a: salience 0.8 on x, 0.2 on y (Σ 1.0); b: 0.2 on x, 0.6 on y (Σ 0.8).
    """
    return make_case(
        [ordinal("x", 3, status_quo="o2"), ordinal("y", 3)],
        [
            pos("a", "x", "o1", ["o1", "o2"], 0.8),
            pos("a", "y", "o1", ["o1", "o2", "o3"], 0.2),
            pos("b", "x", "o3", ["o2", "o3"], 0.2),
            pos("b", "y", "o3", ["o3"], 0.6),
        ],
    )


def test_hand_worked_frontier(two_issues: Case) -> None:
    front = pareto_packages(two_issues, ["a", "b"])
    # closeness on 3 options: 1, 1/2, 0. U_a = (0.8 c_x + 0.2 c_y) / 1, U_b = (0.2 c_x + 0.6 c_y) / 0.8
    # Per issue (a, b) contributions: x: o1 (0.8, 0), o2 (0.4, 0.1), o3 (0, 0.2)
    #                                 y: o1 (0.2, 0), o2 (0.1, 0.3), o3 (0, 0.6)
    # The nine sums; dominated ones: (o1,o1)=(1.0,0) is not dominated, ...
    expected = [
        ((0.8 + 0.2, 0.0), ("o1", "o1")),
        ((0.8 + 0.1, 0.3 / 0.8), ("o1", "o2")),
        ((0.8 + 0.0, 0.6 / 0.8), ("o1", "o3")),
        ((0.4 + 0.0, (0.1 + 0.6) / 0.8), ("o2", "o3")),
        ((0.0 + 0.0, (0.2 + 0.6) / 0.8), ("o3", "o3")),
    ]
    # (o2,o1)=(0.6,0.125) < (o1,o2); (o2,o2)=(0.5,0.5) < (o1,o2)=(0.9,0.375)? no: 0.5 > 0.375 ...
    # so (o2,o2) is dominated by (o1,o3)=(0.8,0.75); (o3,o1),(o3,o2) are dominated by (o2,o3).
    assert len(front) == len(expected)
    for (_, row), ((ua, ub), (ox, oy)) in zip(front.iterrows(), expected, strict=True):
        assert row["U(a)"] == pytest.approx(ua, abs=1e-12)
        assert row["U(b)"] == pytest.approx(ub, abs=1e-12)
        assert (row["x"], row["y"], row[COUNT]) == (ox, oy, 1)


def test_hand_worked_nash(two_issues: Case) -> None:
    # disagreement: x at o2 → a 0.8·½ = 0.4, b 0.2·½ = 0.1 (÷0.8 = 0.125); y has no status quo → 0
    d = disagreement_point(two_issues, ["a", "b"])
    assert d == pytest.approx({"a": 0.4, "b": 0.125})
    nash = nash_package(two_issues, ["a", "b"])
    # products: (o1,o2) (0.5)(0.25) = 0.125; (o1,o3) (0.4)(0.625) = 0.25; others ≤ 0
    assert nash.found and nash.package == {"x": "o1", "y": "o3"}
    assert nash.nash_product == pytest.approx(0.4 * 0.625)
    assert nash.gains == pytest.approx({"a": 0.4, "b": 0.625})
    assert (nash.point, nash.count, nash.ties) == (2, 1, 0)


def test_red_lines_restrict(two_issues: Case) -> None:
    case = make_case(
        [ordinal("x", 3, status_quo="o2"), ordinal("y", 3)],
        [
            pos("a", "x", "o1", ["o1", "o2"], 0.8, red_line=True),
            pos("a", "y", "o1", ["o1", "o2", "o3"], 0.2),
            pos("b", "x", "o3", ["o2", "o3"], 0.2),
            pos("b", "y", "o3", ["o3"], 0.6),
        ],
    )
    front = pareto_packages(case, ["a", "b"])
    assert set(front["x"]) <= {"o1", "o2"}
    assert "o3" in set(pareto_packages(case, ["a", "b"], respect_red_lines=False)["x"])
    check_against_brute(case, ["a", "b"])


def test_colliding_red_lines_are_named() -> None:
    case = make_case(
        [ordinal("x", 3)],
        [
            pos("a", "x", "o1", ["o1"], 1, red_line=True),
            pos("b", "x", "o3", ["o3"], 1, red_line=True),
        ],
    )
    with pytest.raises(
        BargainingError, match=r"red lines on issue 'x'.*a on 'x': o1; b on 'x': o3"
    ):
        pareto_packages(case, ["a", "b"])
    # without red lines o1, o2 and o3 trade one for one: three points
    assert len(pareto_packages(case, ["a", "b"], respect_red_lines=False)) == 3


def test_linkage_couples_issues() -> None:
    # a's red line on x: accepts o1..o2 only if y is o3; otherwise only its ideal o1
    case = make_case(
        [ordinal("x", 3), ordinal("y", 3)],
        [
            pos(
                "a",
                "x",
                "o1",
                ["o1", "o2"],
                0.5,
                red_line=True,
                requires=(("y", OptionSet(frozenset(["o3"]))),),
            ),
            pos("a", "y", "o1", ["o1", "o2", "o3"], 0.5),
            pos("b", "x", "o3", ["o1", "o2", "o3"], 0.5),
            pos("b", "y", "o3", ["o3"], 0.5),
        ],
    )
    front = pareto_packages(case, ["a", "b"])
    for _, r in front.iterrows():
        assert r["x"] == "o1" or (r["x"] == "o2" and r["y"] == "o3")
    check_against_brute(case, ["a", "b"])


def test_linkage_to_an_issue_nobody_chose() -> None:
    # b's red line on x requires z, where neither a nor b has a position: z joins the package
    case = make_case(
        [ordinal("x", 3), ordinal("z", 2)],
        [
            pos("a", "x", "o1", ["o1"], 1.0),
            pos(
                "b",
                "x",
                "o3",
                ["o2", "o3"],
                1.0,
                red_line=True,
                requires=(("z", OptionSet(frozenset(["o2"]))),),
            ),
        ],
    )
    front = pareto_packages(case, ["a", "b"])
    assert front.attrs["issues"] == ("x", "z")
    got = {(r["x"], r["z"], r[COUNT]) for _, r in front.iterrows()}
    assert got == {("o2", "o2", 1), ("o3", "o1", 2)}  # o3 with z = o1 (only the ideal) or z = o2
    check_against_brute(case, ["a", "b"])


def test_one_sided_issue_takes_the_ideal() -> None:
    case = make_case(
        [ordinal("x", 3), ordinal("y", 4)],
        [
            pos("a", "x", "o1", salience=0.5),
            pos("b", "x", "o3", salience=0.5),
            pos("a", "y", "o2", salience=0.3),
        ],
    )
    front = pareto_packages(case, ["a", "b"])
    assert set(front["y"]) == {"o2"}
    check_against_brute(case, ["a", "b"])


def test_zero_salience_issue_counts_every_option() -> None:
    case = make_case(
        [ordinal("x", 3), ordinal("y", 4)],
        [
            pos("a", "x", "o1", salience=0.5),
            pos("b", "x", "o3", salience=0.5),
            pos("a", "y", "o2", salience=0.0),
        ],
    )
    front = pareto_packages(case, ["a", "b"])
    assert list(front[COUNT]) == [4, 4, 4]
    assert set(front["y"]) == {"o1"}  # the first option represents the tie


def test_exact_ties_are_merged() -> None:
    # 0.1 + 0.2 must tie with 0.3: the decimals as written, not binary floats
    case = make_case(
        [ordinal("x", 2), ordinal("y", 2), ordinal("z", 2)],
        [
            pos("a", "x", "o1", salience=0.1), pos("a", "y", "o1", salience=0.2), pos("a", "z", "o1", salience=0.3),
            pos("b", "x", "o2", salience=0.1), pos("b", "y", "o2", salience=0.2), pos("b", "z", "o2", salience=0.3),
        ],
    )  # fmt: skip
    front = pareto_packages(case, ["a", "b"])
    half = front[(front["U(a)"] - 0.5).abs() < 1e-12]
    assert len(half) == 1 and int(half[COUNT].item()) == 2  # (o1,o1,o2) and (o2,o2,o1)
    check_against_brute(case, ["a", "b"])


def test_tiny_frontier(tiny: Case) -> None:
    front = pareto_packages(tiny, ["a", "b"])
    first = front.iloc[0]
    # b's red line keeps "ord" in o4…o5: a's best is o4 (closeness 1/4), x, 20
    assert (first["ord"], first["nom"], first["num"]) == ("o4", "x", 20.0)
    assert first["U(a)"] == pytest.approx((0.8 * 0.25 + 0.4 * 1 + 0.6 * 1) / 1.8)
    assert first["U(b)"] == pytest.approx((1.0 * 0.75 + 0.2 * 0 + 0.5 * 0.4) / 1.7)
    last = front.iloc[-1]
    assert (last["ord"], last["nom"], last["num"], last["U(b)"]) == ("o5", "z", 80.0, 1.0)
    assert front.attrs["candidates"]["num"] == (0, 10, 20, 30, 40, 50, 80, 90, 100)
    check_against_brute(tiny, ["a", "b"])
    check_against_brute(tiny, ["a", "b", "c"])
    check_against_brute(tiny, ["a", "b"], respect_red_lines=False)


def test_interval_steps_refine(tiny: Case) -> None:
    coarse = pareto_packages(tiny, ["a", "b"])
    fine = pareto_packages(tiny, ["a", "b"], interval_steps=20)
    assert len(fine) > len(coarse)
    assert 25.0 in set(fine["num"])


def test_no_gain_is_explained() -> None:
    # the status quo is already each party's ideal: nobody can gain
    case = make_case(
        [ordinal("x", 3, status_quo="o2")],
        [pos("a", "x", "o2", salience=1.0), pos("b", "x", "o2", salience=1.0)],
    )
    nash = nash_package(case, ["a", "b"])
    assert not nash.found and nash.package is None
    assert "a gains nothing" in nash.reason and "b gains nothing" in nash.reason
    assert nash.as_dict()["found"] is False


def test_no_joint_gain_is_explained() -> None:
    # pure conflict on one issue with the status quo in the middle: any move helps one, hurts the other
    case = make_case(
        [ordinal("x", 3, status_quo="o2")],
        [pos("a", "x", "o1", salience=1.0), pos("b", "x", "o3", salience=1.0)],
    )
    nash = nash_package(case, ["a", "b"])
    assert not nash.found and "at once" in nash.reason


def test_bad_parties(tiny: Case) -> None:
    with pytest.raises(BargainingError):
        pareto_packages(tiny, [])
    with pytest.raises(engine.UnknownIdError, match="did you mean 'a'"):
        pareto_packages(tiny, ["A"])
    with pytest.raises(BargainingError, match="two different"):
        logrolls(tiny, "a", "a")


def test_single_party_and_many(tiny: Case) -> None:
    solo = pareto_packages(tiny, ["c"])
    assert len(solo) == 1 and solo["U(c)"].item() == 1.0
    assert pareto_packages(tiny, "a,b").attrs["parties"] == ("a", "b")


def test_string_outcome_types(tiny: Case) -> None:
    front = pareto_packages(tiny, ["a", "b"])
    assert front[COUNT].dtype == np.int64
    assert all(isinstance(x, float) for x in front["num"])
    assert all(isinstance(x, str) for x in front["ord"])


# ----------------------------------------------------------------- logrolls


def test_logroll_by_hand(tiny: Case) -> None:
    lr = logrolls(tiny, "a", "b")
    # weights a: ord .8/1.8, nom .4/1.8, num .6/1.8; b: ord 1/1.7, nom .2/1.7, num .5/1.7
    # distances between ideals: ord 1 (o1–o5), nom 1 (x–z), num 0.6 (20–80)
    # a gives way on num (to 80), b on nom (to x):
    #   gain_a = (w_a,nom·1 − w_a,num·0.6)/2 = (0.4 − 0.36)/1.8/2
    #   gain_b = (w_b,num·0.6 − w_b,nom·1)/2 = (0.3 − 0.2)/1.7/2
    assert lr[["i", "outcome_i", "j", "outcome_j"]].to_numpy().tolist() == [
        ["num", 80.0, "nom", "x"]
    ]
    assert lr.gain_a.item() == pytest.approx(0.04 / 3.6)
    assert lr.gain_b.item() == pytest.approx(0.1 / 3.4)
    assert lr.min_gain.item() == pytest.approx(0.04 / 3.6)
    # every other ordered pair loses for one side, e.g. a gives ord and b gives nom: (0.4 − 0.8)/3.6 < 0


def test_logroll_red_line_excluded() -> None:
    case = make_case(
        [ordinal("x", 2), ordinal("y", 2)],
        [
            pos("a", "x", "o1", salience=0.2), pos("a", "y", "o1", salience=0.8),
            pos("b", "x", "o2", salience=0.8), pos("b", "y", "o2", salience=0.2),
        ],
    )  # fmt: skip
    lr = logrolls(case, "a", "b")
    assert lr[["i", "j"]].to_numpy().tolist() == [["x", "y"]]
    assert lr.gain_a.item() == pytest.approx((0.8 - 0.2) / 2)
    assert lr.gain_b.item() == pytest.approx((0.8 - 0.2) / 2)
    red = make_case(
        list(case.issues),
        [
            pos("a", "x", "o1", salience=0.2, red_line=True), pos("a", "y", "o1", salience=0.8),
            pos("b", "x", "o2", salience=0.8), pos("b", "y", "o2", salience=0.2),
        ],
    )  # fmt: skip
    assert logrolls(red, "a", "b").empty
    assert len(logrolls(red, "a", "b", respect_red_lines=False)) == 1


def test_logroll_ratio_not_cross_weights() -> None:
    # a: x 0.1, y 0.3, z 0.6 (Σ 1); b: x 0.08, y 0.05, w 0.87 (Σ 1). Both gain when a gives x and
    # b gives y (a: (0.3 − 0.1)/2 > 0; b: (0.08 − 0.05)/2 > 0) although w_a,x = 0.1 > w_b,x = 0.08.
    case = make_case(
        [ordinal("x", 2), ordinal("y", 2), ordinal("z", 2), ordinal("w", 2)],
        [
            pos("a", "x", "o1", salience=0.1), pos("a", "y", "o1", salience=0.3), pos("a", "z", "o1", salience=0.6),
            pos("b", "x", "o2", salience=0.08), pos("b", "y", "o2", salience=0.05), pos("b", "w", "o2", salience=0.87),
        ],
    )  # fmt: skip
    lr = logrolls(case, "a", "b")
    assert lr[["i", "j"]].to_numpy().tolist() == [["x", "y"]]
    assert lr.gain_a.item() == pytest.approx(0.1) and lr.gain_b.item() == pytest.approx(0.015)


# ---------------------------------------------------------------- properties


@settings(max_examples=40)
@given(
    cases(
        min_parties=2,
        max_parties=3,
        max_issues=3,
        scales=("ordinal", "nominal"),
        max_options=5,
        allow_missing=True,
    )
)
def test_frontier_matches_brute_force_discrete(case: Case) -> None:
    check_against_brute(case, list(case.party_ids[:2]))
    check_against_brute(case, list(case.party_ids))


@settings(max_examples=25)
@given(cases(min_parties=2, max_parties=3, max_issues=3, max_options=4))
def test_frontier_matches_brute_force_any_scale(case: Case) -> None:
    check_against_brute(case, list(case.party_ids[:2]))
    check_against_brute(case, list(case.party_ids), respect_red_lines=False)


@settings(max_examples=25)
@given(cases(min_parties=2, max_parties=3, max_issues=3, max_options=4, with_requires=True))
def test_frontier_matches_brute_force_with_linkage(case: Case) -> None:
    check_against_brute(case, list(case.party_ids))


@settings(max_examples=30)
@given(cases(min_parties=2, max_parties=2, max_issues=4, with_red_lines=True), st.booleans())
def test_logrolls_are_gains_for_both(case: Case, red: bool) -> None:
    lr = logrolls(case, "p0", "p1", respect_red_lines=red)
    state = case.at()
    for _, r in lr.iterrows():
        assert r.gain_a > 0 and r.gain_b > 0 and r.i != r.j
        assert r.outcome_i == state[("p1", r.i)].ideal and r.outcome_j == state[("p0", r.j)].ideal
        # exactly the documented gain against splitting the difference
        assert r.gain_a == pytest.approx((r.w_a_j * r.d_j - r.w_a_i * r.d_i) / 2)
        assert r.gain_b == pytest.approx((r.w_b_i * r.d_i - r.w_b_j * r.d_j) / 2)
        # the trade beats the split for a in utility terms (other issues equal)
        if red:
            assert not (
                state[("p0", r.i)].red_line
                and not within(state[("p0", r.i)].acceptable, r.outcome_i)
            )
    assert list(lr.min_gain) == sorted(lr.min_gain, reverse=True)


@settings(max_examples=20)
@given(cases(min_parties=2, max_parties=3, max_issues=3))
def test_bargaining_never_mutates(case: Case) -> None:
    before = (case.statements, case.parties, case.issues)
    try:
        pareto_packages(case, case.party_ids)
        nash_package(case, case.party_ids[:2])
    except BargainingError:
        pass
    logrolls(case, "p0", "p1")
    assert (case.statements, case.parties, case.issues) == before


def test_large_space_is_not_enumerated() -> None:
    rng = np.random.default_rng(7)
    issues = [ordinal(f"i{n}", 8) for n in range(12)]
    positions = []
    for n in range(12):
        for p in ("a", "b"):
            positions.append(
                pos(
                    p,
                    f"i{n}",
                    f"o{rng.integers(1, 9)}",
                    salience=round(float(rng.uniform(0.05, 1)), 2),
                )
            )
    case = make_case(issues, positions)
    front = pareto_packages(case, ["a", "b"])  # 8^12 ≈ 6.9e10 packages
    assert len(front) > 1
    assert front[COUNT].sum() >= len(front)


def test_python_integer_and_chunked_paths_agree(
    tiny: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Huge denominators switch to Python integers; tiny leaves in the maxima: same results."""
    import engine.solve.frontier as bargaining
    import engine.solve.skyline as skyline

    plain = [pareto_packages(tiny, ps) for ps in (["a", "b"], ["a", "b", "c"])]
    nash = nash_package(tiny, ["a", "b", "c"])
    monkeypatch.setattr(bargaining, "_INT64_LIMIT", 0)
    monkeypatch.setattr(skyline, "_LEAF", 2)
    monkeypatch.setattr(skyline, "_PAIRS", 2)
    for ps, expected in zip((["a", "b"], ["a", "b", "c"]), plain, strict=True):
        got = pareto_packages(tiny, ps)
        pd.testing.assert_frame_equal(got, expected)
    assert nash_package(tiny, ["a", "b", "c"]) == nash


@settings(max_examples=15)
@given(cases(min_parties=3, max_parties=4, max_issues=3, max_options=5))
def test_divide_and_conquer_matches_brute_force(case: Case) -> None:
    import engine.solve.skyline as skyline

    old = skyline._LEAF, skyline._PAIRS
    skyline._LEAF, skyline._PAIRS = 2, 2  # recurse down to single rows
    try:
        check_against_brute(case, list(case.party_ids), respect_red_lines=False)
    finally:
        skyline._LEAF, skyline._PAIRS = old


def test_indifferent_party() -> None:
    # b states positions but gives them salience 0: U_b = 0 everywhere, so nobody can make b gain
    case = make_case(
        [ordinal("x", 3, status_quo="o2")],
        [pos("a", "x", "o1", salience=1.0), pos("b", "x", "o3", salience=0.0)],
    )
    front = pareto_packages(case, ["a", "b"])
    assert front[["U(a)", "U(b)", "x"]].to_dict("records") == [
        {"U(a)": 1.0, "U(b)": 0.0, "x": "o1"}
    ]
    nash = nash_package(case, ["a", "b"])
    assert not nash.found and "b is indifferent" in nash.reason
