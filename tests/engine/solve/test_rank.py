"""Tests of engine.solve.settlement.rank_concessions: hand-worked steps on the tiny case and
on small built cases, and properties on random cases.

Conflict arithmetic (engine.analysis.measures): conflict = gap × (s_p + s_q) / 2, summed
over pairs and issues.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings

import engine
from engine import Case, Issue, Option, OptionSet, Party, Position, Source, Span, Statement
from engine.solve.settlement import rank_concessions
from tests.strategies import cases

D = dt.date(2020, 1, 1)
COLUMNS = [
    "party", "issue", "direction", "added", "added_id", "red_line",
    "conflict_before", "conflict_after", "reduction", "opens_zone", "cost",
]  # fmt: skip


def _case(issues: list[Issue], positions: list[Position]) -> Case:
    ids = list(dict.fromkeys(p.party for p in positions))
    return Case(
        id="hand",
        title="Hand-worked",
        as_of=D,
        parties=tuple(Party(p, p.upper()) for p in ids),
        issues=tuple(issues),
        sources=(Source("s0", "Test", "Test", "2020", "https://example.org/"),),
        statements=tuple(
            Statement(p, D, ("s0",), tuple((q.issue, q) for q in positions if q.party == p))
            for p in ids
        ),
    )


def _ord(k: int) -> Issue:
    return Issue(
        "o", "Ordinal", "ordinal", tuple(Option(f"o{j}", f"Option {j}") for j in range(k))
    )


def _pos(party: str, issue: str, ideal: object, acc: object, salience: float = 0.5) -> Position:
    return Position(party, issue, ideal, acc, salience, sources=("s0",), as_of=D)  # type: ignore[arg-type]


def _row(df: pd.DataFrame, party: str, issue: str, added: object) -> pd.Series:
    hit = df[(df["party"] == party) & (df["issue"] == issue) & (df["added_id"] == added)]
    assert len(hit) == 1, hit
    return hit.iloc[0]


def test_tiny_ranking(tiny: Case) -> None:
    r = rank_concessions(tiny)
    assert list(r.columns) == COLUMNS
    assert list(r.index) == list(range(1, len(r) + 1)) and r.index.name == "rank"
    assert len(r) == 11
    before = 0.225 + 0.3 + 0.04  # ord a–b, nom a–b, num a–c (engine.analysis.measures doctest)
    assert r["conflict_before"].tolist() == pytest.approx([before] * len(r))
    # b accepting X on nom closes the a–b gap of 1 there: 1 × (0.4 + 0.2)/2; cost 0.2 × 1
    top = r.loc[1]
    assert (top["party"], top["issue"], top["added"], top["direction"]) == ("b", "nom", "X", "add")
    assert top["reduction"] == pytest.approx(1 * (0.4 + 0.2) / 2)
    assert top["cost"] == pytest.approx(0.2 * 1)
    assert bool(top["opens_zone"])  # c has no position on nom: a ∩ b = {x}
    # a's ordinal step up adds o4: gap 1/4 to b closes, 0.25 × (0.8 + 1)/2; cost 0.8 × 1/4
    up = _row(r, "a", "ord", "o4")
    assert up["direction"] == "higher" and bool(up["opens_zone"])
    assert up["reduction"] == pytest.approx(0.25 * (0.8 + 1.0) / 2)
    assert up["cost"] == pytest.approx(0.8 * 1 / 4)
    assert not (
        r["party"].eq("a") & r["issue"].eq("ord") & r["direction"].eq("lower")
    ).any()  # o1 is the first
    # b's red-line position steps down to o3
    down = _row(r, "b", "ord", "o3")
    assert bool(down["red_line"]) and down["cost"] == pytest.approx(1.0 * 1 / 4)
    # c's point interval [50, 50] steps to the nearest other endpoints: 40 (a's max) and 90 (b's max)
    low, high = _row(r, "c", "num", 40.0), _row(r, "c", "num", 90.0)
    assert low["reduction"] == pytest.approx(10 / 100 * (0.6 + 0.2) / 2) and bool(
        low["opens_zone"]
    )
    assert low["cost"] == pytest.approx(0.2 * 10 / 100) and high["cost"] == pytest.approx(
        0.2 * 40 / 100
    )
    assert high["reduction"] == pytest.approx(0.0) and not bool(high["opens_zone"])
    assert low["added"] == "40 units"
    # b's interval [30, 90] has no endpoint above 90: no upward step
    assert not (r["party"].eq("b") & r["issue"].eq("num") & r["direction"].eq("higher")).any()
    # ranked by reduction, then cost
    keys = list(zip(-r["reduction"].round(12), r["cost"].round(12), strict=True))
    assert keys == sorted(keys)


def test_conflict_after_is_the_applied_case(tiny: Case) -> None:
    r = rank_concessions(tiny)
    row = _row(r, "a", "nom", "z")
    new = engine.apply(
        tiny, engine.scenario_from_changes([engine.change_from_concede(tiny, "a:nom=z")])
    )
    assert row["conflict_after"] == pytest.approx(engine.total_conflict(new))
    assert row["cost"] == pytest.approx(0.4 * 1)


def test_parties_subset(tiny: Case) -> None:
    r = rank_concessions(tiny, parties=["a", "c"])
    assert set(r["party"]) <= {"a", "c"}
    # only num conflicts between a and c
    assert r["conflict_before"].tolist() == pytest.approx([0.04] * len(r))
    # c's num steps now look only at a's endpoints: down to 40, none up
    assert list(r[(r["party"] == "c") & (r["issue"] == "num")]["added_id"]) == [40.0]


def test_ordinal_set_with_a_hole() -> None:
    # acceptable {o0, o2, o3}, ideal o2: the run around the ideal is o2…o3; steps add o1 and o4
    case = _case(
        [_ord(6)],
        [
            _pos("a", "o", "o2", OptionSet(frozenset({"o0", "o2", "o3"}))),
            _pos("b", "o", "o5", OptionSet(frozenset({"o5"}))),
        ],
    )
    r = rank_concessions(case)
    a = r[r["party"] == "a"].set_index("direction")
    assert a.loc["lower", "added_id"] == "o1" and a.loc["higher", "added_id"] == "o4"
    assert a.loc["lower", "cost"] == pytest.approx(0.5 * 1 / 5)  # o1 is 1/5 from the set
    assert a.loc["higher", "reduction"] == pytest.approx((2 / 5 - 1 / 5) * (0.5 + 0.5) / 2)
    b = r[r["party"] == "b"]
    assert list(b["added_id"]) == ["o4"]  # o5 is the last option: no step up


def test_nominal_adds_each_option() -> None:
    iss = Issue("n", "Nominal", "nominal", tuple(Option(o, o.upper()) for o in "wxyz"))
    case = _case(
        [iss],
        [
            _pos("a", "n", "w", OptionSet(frozenset({"w"})), 0.4),
            _pos("b", "n", "x", OptionSet(frozenset({"x", "y"})), 0.6),
        ],
    )
    r = rank_concessions(case)
    assert sorted(r[r["party"] == "a"]["added_id"]) == ["x", "y", "z"]
    assert sorted(r[r["party"] == "b"]["added_id"]) == ["w", "z"]
    assert (r["direction"] == "add").all()
    best = r.loc[1]
    assert best["reduction"] == pytest.approx(1 * (0.4 + 0.6) / 2)
    assert (best["party"], best["added_id"]) == ("a", "x")  # a's cost 0.4·1 beats b's 0.6·1


def test_interval_without_other_parties_has_no_step() -> None:
    iss = Issue("x", "Interval", "interval", unit="u", min=0.0, max=10.0)
    case = _case([iss], [_pos("a", "x", 5.0, Span(4, 6))])
    assert rank_concessions(case).empty
    assert list(rank_concessions(case).columns) == COLUMNS


def test_input_not_modified(tiny: Case) -> None:
    copy = dataclasses.replace(tiny)
    rank_concessions(tiny)
    assert tiny == copy and tiny.at() == copy.at()


def test_shipped_case() -> None:
    case = engine.load_case("ukraine-russia")
    r = rank_concessions(case, parties=["ukraine", "russia"])
    assert len(r) > 0 and list(r.columns) == COLUMNS
    assert (r["reduction"] >= -1e-12).all()
    assert r["reduction"].iloc[0] == r["reduction"].max()


@settings(max_examples=20)
@given(cases(max_parties=3, max_issues=3, max_options=4, with_requires=True))
def test_properties(case: Case) -> None:
    r = rank_concessions(case)
    if r.empty:
        return
    assert (
        r["conflict_after"] <= r["conflict_before"] + 1e-12
    ).all()  # widening never adds conflict
    assert (r["reduction"] >= -1e-12).all() and (r["cost"] >= 0).all()
    zones = engine.agreement_zones(case)
    for _, row in r[r["opens_zone"]].iterrows():
        assert bool(zones.loc[row["issue"], "empty"])
    reductions = list(r["reduction"].round(12))
    assert reductions == sorted(reductions, reverse=True)
    assert r.equals(rank_concessions(case))  # deterministic
