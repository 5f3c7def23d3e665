"""Timeline per snapshot, per issue, and the classification of position changes."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings

import engine
from engine import Case, Party, Position, Snapshot, Source, Span, Statement
from engine.analysis.history import CHANGE_KINDS, issue_timeline, position_changes, timeline
from tests.engine.analysis.test_measures import NOM, NUM, ORD, S
from tests.strategies import cases

# example counts scale with the Hypothesis profile (tests/conftest.py): 20 by default
THIRD = settings(max_examples=max(10, settings().max_examples // 3))


D1, D2, D3 = dt.date(2024, 1, 1), dt.date(2024, 2, 1), dt.date(2024, 3, 1)


def test_tiny_timeline_by_hand(tiny: Case) -> None:
    t = timeline(tiny)
    assert list(t.index) == ["early", "late"] and t.index.name == "snapshot"
    assert list(t.columns) == [
        "date", "label", "pair_conflict", "open_zone_share", "without_position",
        "total_conflict", "issues_with_positions", "issues_compared", "open_zones",
        "mean_overlap",
    ]  # fmt: skip
    # the pair followed: the first two belligerents, a and b (c is a mediator); both state
    # every issue, w = 0.9 (ord), 0.3 (nom), 0.55 (num); gaps early 2/4, 1, 0; late 1/4, 1, 0
    assert t.attrs["pair"] == ("a", "b")
    assert t["pair_conflict"].tolist() == pytest.approx(
        [(0.9 * 2 / 4 + 0.3 * 1 + 0.55 * 0) / 1.75, (0.9 * 1 / 4 + 0.3 * 1 + 0.55 * 0) / 1.75]
    )
    assert t["open_zone_share"].tolist() == [0 / 3, 0 / 3]
    assert t["without_position"].tolist() == ["", ""]
    assert timeline(tiny, parties=["a"]).attrs["pair"] is None
    assert (
        t.loc["early", "date"] == pd.Timestamp("2023-06-01") and t.loc["late", "label"] == "Late"
    )
    # early: a accepted o1..o2 only (gap 2/4 to b's o4..o5)
    early = 2 / 4 * (0.8 + 1.0) / 2 + 1.0 * (0.4 + 0.2) / 2 + 0.1 * (0.6 + 0.2) / 2
    late = 1 / 4 * (0.8 + 1.0) / 2 + 1.0 * (0.4 + 0.2) / 2 + 0.1 * (0.6 + 0.2) / 2
    assert t["total_conflict"].tolist() == pytest.approx([early, late])
    assert t["issues_with_positions"].tolist() == [3, 3]
    assert t["issues_compared"].tolist() == [3, 3]
    assert t["open_zones"].tolist() == [0, 0]
    # pair overlaps by stake: c has no position on nom, which still weighs (s + 0)/2
    ab = (0.55 * (10 / 80)) / 1.75
    bc = (0.65 * (1 / 4)) / (1.0 + 0.2 / 2)
    ac_early = (0.55 * (1 / 4) + 0.4 * 0) / (0.95 + 0.4 / 2)  # {o1,o2} vs {o2,o3,o4}: 1/4
    ac_late = (0.55 * (2 / 4) + 0.4 * 0) / (0.95 + 0.4 / 2)
    assert t["mean_overlap"].tolist() == pytest.approx(
        [(ab + ac_early + bc) / 3, (ab + ac_late + bc) / 3]
    )


def test_tiny_issue_timeline(tiny: Case) -> None:
    it = issue_timeline(tiny)
    assert it.index.names == ["snapshot", "issue"] and len(it) == 2 * 3
    assert it.loc[("early", "ord"), "total_conflict"] == pytest.approx(2 / 4 * 0.9)
    assert it.loc[("late", "ord"), "total_conflict"] == pytest.approx(1 / 4 * 0.9)
    assert it.loc[("late", "nom"), "n_parties"] == 2
    assert it["zone_empty"].all() and it["incompatible_pairs"].tolist() == [1] * 6
    grid = it["total_conflict"].unstack("issue")  # noqa: PD010
    assert list(grid.index) == ["early", "late"]


def _case(
    entries: list[tuple[str, dt.date, list[tuple[str, Position | None]]]], snapshots: bool = True
) -> Case:
    statements = []
    for n, (party, date, positions) in enumerate(entries):
        fixed = tuple(
            (i, None if p is None else dataclasses.replace(p, party=party, issue=i, as_of=date))
            for i, p in positions
        )
        statements.append(Statement(party, date, (f"s{n % 2}",), fixed))
    return Case(
        id="changes",
        title="Changes",
        as_of=D3,
        parties=tuple(Party(p, p.upper(), "belligerent") for p in ("a", "b", "c")),
        issues=(ORD, NOM, NUM),
        sources=(
            Source("s0", "S0", "T", "2024", "https://example.org/0"),
            Source("s1", "S1", "T", "2024", "https://example.org/1"),
        ),
        statements=tuple(statements),
        snapshots=(
            Snapshot("one", D1, "One"),
            Snapshot("two", D2, "Two"),
            Snapshot("three", D3, "Three"),
        )
        if snapshots
        else (),
    )


def P(ideal: object, acc: object, salience: float = 0.5, red_line: bool = False) -> Position:
    return Position("", "", ideal, acc, salience, red_line)  # type: ignore[arg-type]


CHANGES = _case(
    [
        ("a", D1, [("ord", P("o1", S("o1", "o2"))), ("nom", P("x", S("x", "y")))]),
        (
            "b",
            D1,
            [("ord", P("o5", S("o4", "o5"), red_line=True)), ("num", P(50.0, Span(40, 60)))],
        ),
        ("c", D1, [("ord", P("o3", S("o3"))), ("num", P(50.0, Span(40, 60)))]),
        # D2
        ("a", D2, [("ord", P("o1", S("o1", "o2", "o3"))), ("nom", P("y", S("x", "y")))]),
        ("b", D2, [("ord", P("o5", S("o4", "o5"))), ("nom", P("z", S("z")))]),
        (
            "c",
            D2,
            [("ord", P("o3", S("o2", "o3", "o4"), red_line=True)), ("num", P(50.0, Span(45, 55)))],
        ),
        # D3
        ("a", D3, [("ord", P("o1", S("o1", "o2", "o3"), red_line=True)), ("nom", None)]),
        (
            "b",
            D3,
            [("ord", P("o4", S("o3", "o4"))), ("num", P(50.0, Span(40, 60)))],
        ),  # num restated
        ("c", D3, [("num", P(50.0, Span(45, 55), salience=0.9))]),
    ]
)


def test_change_kinds_by_hand() -> None:
    ch = position_changes(CHANGES)
    got = [
        (r.from_snapshot, r.to_snapshot, r.party, r.issue, r.kind, r.changed)
        for r in ch.itertuples()
    ]
    assert got == [
        ("one", "two", "a", "ord", "softened", "acceptable"),  # set grew
        ("one", "two", "a", "nom", "moved", "ideal"),  # only the ideal moved
        ("one", "two", "b", "ord", "softened", "red_line"),  # red line dropped
        ("one", "two", "b", "nom", "new", ""),
        ("one", "two", "c", "ord", "moved", "acceptable red_line"),  # grew, but a red line added
        ("one", "two", "c", "num", "hardened", "acceptable"),  # interval shrank
        ("two", "three", "a", "ord", "hardened", "red_line"),  # red line added
        ("two", "three", "a", "nom", "withdrawn", ""),
        ("two", "three", "b", "ord", "moved", "ideal acceptable"),  # sets not nested
        ("two", "three", "c", "num", "other", "salience"),
    ]
    assert set(ch["kind"]) <= set(CHANGE_KINDS)
    row = ch[(ch.party == "c") & (ch.issue == "num") & (ch.to_snapshot == "two")].iloc[0]
    assert row.before == "50 u (accepts 40–60 u)" and row.after == "50 u (accepts 45–55 u)"
    new = ch[ch.kind == "new"].iloc[0]
    assert (
        new.before == "no position" and np.isnan(new.salience_before) and new.salience_after == 0.5
    )
    assert ch["from_date"].iloc[0] == pd.Timestamp(D1)


def test_changes_for_a_party_subset() -> None:
    ch = position_changes(CHANGES, parties=["c"])
    assert set(ch.party) == {"c"} and len(ch) == 3


def test_empty_results_have_columns() -> None:
    case = _case([("a", D1, [("ord", P("o1", S("o1")))])], snapshots=False)
    assert position_changes(case).empty and "kind" in position_changes(case).columns
    assert len(timeline(case)) == 1
    t = timeline(case)
    assert t.loc["2024-01-01", "issues_compared"] == 0 and np.isnan(
        t.loc["2024-01-01", "mean_overlap"]
    )


def test_timeline_of_changes_case() -> None:
    t = timeline(CHANGES)
    # at D3: ord a {o1,o2,o3}, b {o3,o4}, c {o2,o3,o4}: open zone {o3}; nom: only b; num: b, c open
    assert t.loc["three", "open_zones"] == 2 and t.loc["three", "issues_compared"] == 2
    assert t.loc["three", "issues_with_positions"] == 3


@THIRD
@given(cases(n_dates=3, max_parties=4, max_issues=3))
def test_timeline_matches_per_date_analysis(case: Case) -> None:
    t = timeline(case)
    it = issue_timeline(case)
    assert len(t) == len(case.dates)
    for snap in case.snapshot_dates():
        row = t.loc[snap.id]
        assert row["total_conflict"] == pytest.approx(
            engine.total_conflict(case, at=snap.date), abs=1e-12
        )
        zones = engine.agreement_zones(case, at=snap.date)
        compared = zones["n_parties"] >= 2
        assert row["issues_compared"] == int(compared.sum())
        assert row["open_zones"] == int((compared & ~zones["empty"]).sum())
        om = engine.overlap_matrix(case, at=snap.date).to_numpy()
        vals = om[np.triu_indices(len(case.parties), k=1)]
        vals = vals[~np.isnan(vals)]
        if vals.size:
            assert row["mean_overlap"] == pytest.approx(vals.mean())
        else:
            assert np.isnan(row["mean_overlap"])
        by_issue = engine.total_conflict(case, at=snap.date, by_issue=True)
        for issue in case.issue_ids:
            assert it.loc[(snap.id, issue), "total_conflict"] == pytest.approx(
                by_issue[issue], abs=1e-12
            )
            assert it.loc[(snap.id, issue), "zone_empty"] == zones.loc[issue, "empty"]


@THIRD
@given(cases(n_dates=3, max_parties=4, max_issues=3))
def test_changes_are_consistent_with_positions(case: Case) -> None:
    ch = position_changes(case)
    snaps = {s.id: s.date for s in case.snapshot_dates()}
    for r in ch.itertuples():
        before = case.at(snaps[r.from_snapshot]).get((r.party, r.issue))
        after = case.at(snaps[r.to_snapshot]).get((r.party, r.issue))
        assert before != after or r.kind in ("other",)
        if r.kind == "new":
            assert before is None and after is not None
        elif r.kind == "withdrawn":
            assert before is not None and after is None
        elif r.kind == "softened":
            assert _contains(after.acceptable, before.acceptable)
            assert not (after.red_line and not before.red_line)
        elif r.kind == "hardened":
            assert _contains(before.acceptable, after.acceptable)
            assert not (before.red_line and not after.red_line)


def _contains(big: object, small: object) -> bool:
    if isinstance(big, Span):
        return big.lo <= small.lo and small.hi <= big.hi  # type: ignore[attr-defined]
    return small.ids <= big.ids  # type: ignore[attr-defined]


def test_shipped_timeline_marks_silent_parties_and_is_comparable() -> None:
    case = engine.load_case("ukraine-russia")
    t = timeline(case, parties=["ukraine", "russia"])
    assert t.attrs["pair"] == ("ukraine", "russia")
    for snap, row in t.iterrows():
        date = row["date"].date()
        expected = engine.conflict_matrix(case, at=date, parties=["ukraine", "russia"])
        pc = expected.loc["ukraine", "russia"]
        assert (np.isnan(pc) and np.isnan(row["pair_conflict"])) or row[
            "pair_conflict"
        ] == pytest.approx(pc), snap
        silent = [p for p in ("ukraine", "russia") if not any(q == p for q, _ in case.at(date))]
        assert row["without_position"] == ",".join(silent)
        if row["issues_compared"]:
            assert row["open_zone_share"] == pytest.approx(
                row["open_zones"] / row["issues_compared"]
            )
    v = t["pair_conflict"].dropna()
    assert ((v >= 0) & (v <= 1)).all()  # a share, unlike the total
