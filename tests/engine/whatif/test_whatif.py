"""What-if comparison: hand-worked diffs on the tiny case, and properties on random cases."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine import Case, Change, OptionSet, Party, Span
from engine.whatif.compare import CONFLICT_CHANGES, ZONE_CHANGES, Comparison, compare
from engine.whatif.scenario import scenario_from_changes
from tests.strategies import cases


def scenario(case: Case, *changes: Change) -> Case:
    return engine.apply(case, scenario_from_changes(changes))


def test_b_softens_by_hand(tiny: Case) -> None:
    new = engine.apply(tiny, tiny.scenario("b-softens"))
    diff = compare(tiny, new)
    assert isinstance(diff, Comparison) and diff.changed
    # b now accepts o3…o5 and a o1…o3: they meet at o3; c (o2…o4) met both already
    assert diff.resolved[["issue", "party", "other"]].to_numpy().tolist() == [["ord", "a", "b"]]
    row = diff.resolved.iloc[0]
    assert row.conflict_before == pytest.approx(0.25 * (0.8 + 1.0) / 2)  # gap o3→o4 = 1/4
    assert row.conflict_after == 0.0
    assert diff.created.empty
    assert diff.opened == ("ord",) and diff.closed == ()
    assert diff.zones.loc["ord", "zone_after"] == "Three"
    assert diff.zones.loc["ord", "blockers_before"] == (("a",), ("b",))
    assert diff.zones.loc["ord", "blockers_after"] == ()
    assert diff.blockers_changed == ("ord",)
    assert diff.total_before == pytest.approx(0.565)
    assert diff.total_after == pytest.approx(0.565 - 0.225)
    assert diff.total_by_issue.loc["ord", "delta"] == pytest.approx(-0.225)
    # conflict matrix a–b: (w·gap) over ord (0.9·¼ → 0), nom (0.3·1), num (0.55·0), Σw = 1.75
    assert diff.conflict_before.loc["a", "b"] == pytest.approx((0.9 * 0.25 + 0.3) / 1.75)
    assert diff.conflict_after.loc["a", "b"] == pytest.approx(0.3 / 1.75)
    assert diff.conflict_delta.loc["a", "b"] == pytest.approx(-0.9 * 0.25 / 1.75)
    assert diff.overlap_delta.loc["b", "a"] == diff.overlap_delta.loc["a", "b"]
    top = diff.largest_changes(2)
    assert len(top) == 2 and set(top.columns) >= {
        "party",
        "other",
        "overlap_delta",
        "conflict_delta",
    }


def test_summary_and_json(tiny: Case) -> None:
    diff = compare(tiny, engine.apply(tiny, tiny.scenario("b-softens")))
    text = diff.summary()
    assert "Conflicts resolved" in text and "a–b on ord (0.225 → 0.000)" in text
    assert "Agreement zones opened: ord (now Three)." in text
    assert "Total conflict 0.565 → 0.340 (−0.225)." in text
    data = json.loads(json.dumps(diff.as_dict(), allow_nan=False))
    assert data["conflicts"][0]["change"] == "resolved"
    assert data["zones"]["ord"]["change"] == "opened"
    assert data["total_conflict"]["delta"] == pytest.approx(-0.225)
    assert data["overlap_delta"]["a"]["a"] == 0.0


def test_same_case_reports_nothing(tiny: Case) -> None:
    diff = compare(tiny, tiny)
    assert not diff.changed
    assert diff.conflicts.empty and set(diff.zones["change"]) == {"unchanged"}
    assert "Nothing changed" in diff.summary()
    assert diff.largest_changes().empty


def test_created_conflict(tiny: Case) -> None:
    new = scenario(tiny, engine.change_from_set(tiny, "a:num.acceptable=10..25"))
    diff = compare(tiny, new)
    # a [10, 25] and b [30, 90] no longer meet: gap 5/100, weight (0.6 + 0.5)/2
    created = diff.created
    assert created[["issue", "party", "other"]].to_numpy().tolist() == [["num", "a", "b"]]
    assert created.conflict_after.item() == pytest.approx(0.05 * 0.55)
    # a–c on num were apart (a ≤ 40 < 50) and are further apart now: worsened
    worse = diff.conflicts[diff.conflicts.change == "worsened"]
    assert worse[["issue", "party", "other"]].to_numpy().tolist() == [["num", "a", "c"]]
    assert "Conflicts created" in diff.summary()


def test_two_dates_of_one_case(tiny: Case) -> None:
    # a widened "ord" from o1…o2 to o1…o3 on 2023-12-01: a–b still apart (o3 < o4) but closer
    diff = compare(tiny, tiny, at_before="2023-06-01", at_after="2024-01-01")
    eased = diff.conflicts[diff.conflicts.change == "eased"]
    assert eased[["issue", "party", "other"]].to_numpy().tolist() == [["ord", "a", "b"]]
    assert eased.conflict_before.item() == pytest.approx(0.5 * 0.9)
    assert eased.conflict_after.item() == pytest.approx(0.25 * 0.9)
    assert "from 2023-06-01 to 2024-01-01" in diff.summary()


def test_removed_party(tiny: Case) -> None:
    new = scenario(tiny, Change("remove_party", party="c"))
    diff = compare(tiny, new)
    assert diff.parties == ("a", "b", "c") and diff.parties_removed == ("c",)
    dropped = diff.conflicts[diff.conflicts.change == "dropped"]
    # c was apart from a on num (a ≤ 40, c = 50); with c gone that pair is not compared any more
    assert dropped[["issue", "party", "other"]].to_numpy().tolist() == [["num", "a", "c"]]
    assert dropped.conflict_after.isna().all() and dropped.compatible_after.isna().all()
    assert diff.overlap_after.loc["c"].isna().all()
    assert pd.isna(diff.conflict_delta.loc["a", "c"])
    # without c the zone on num is not empty any more (a and b meet on 30–40), but the
    # holders differ: that is reported as "no longer stated", never as a zone "opened"
    assert diff.opened == () and "num" in diff.no_longer_stated
    assert diff.zones.loc["num", "no_longer_stated"] == ("c",)
    assert diff.zones.loc["num", "empty_before"] and not diff.zones.loc["num", "empty_after"]
    assert "Removed: c." in diff.summary()


def test_added_party(tiny: Case) -> None:
    new = scenario(
        tiny,
        Change(
            "add_party",
            party="d",
            new_party=Party("d", "D", "mediator"),
            positions=(
                (
                    "ord",
                    Change(
                        "position",
                        party="d",
                        issue="ord",
                        ideal="o5",
                        acceptable=OptionSet(frozenset(["o5"])),
                    ),
                ),
            ),
        ),
    )
    diff = compare(tiny, new)
    assert diff.parties_added == ("d",) and diff.parties[-1] == "d"
    new_rows = diff.conflicts[diff.conflicts.change == "new"]
    assert set(map(tuple, new_rows[["issue", "party", "other"]].to_numpy().tolist())) == {
        ("ord", "a", "d"),
        ("ord", "c", "d"),
    }
    assert diff.overlap_before.loc["d"].isna().all()
    only_a = compare(tiny, new, parties=["a", "d"])
    assert only_a.parties == ("a", "d")
    with pytest.raises(engine.UnknownIdError, match=r"unknown party 'e'.*known: a, b, c, d"):
        compare(tiny, new, parties=["e"])


def test_new_issue_is_reported(tiny: Case) -> None:
    smaller = Case(
        id="smaller", title="t", as_of=tiny.as_of, parties=tiny.parties, issues=tiny.issues[:2],
        sources=tiny.sources,
        statements=tuple(
            engine.Statement(s.party, s.as_of, s.sources, tuple(p for p in s.positions if p[0] != "num"))
            for s in tiny.statements
        ),
    )  # fmt: skip
    diff = compare(smaller, tiny)
    assert diff.zones.loc["num", "change"] == "new issue"
    assert set(diff.conflicts[diff.conflicts.issue == "num"].change) == {"new"}


def test_vocabulary(tiny: Case) -> None:
    diff = compare(tiny, engine.apply(tiny, tiny.scenario("b-softens")))
    assert set(diff.conflicts.change) <= set(CONFLICT_CHANGES)
    assert set(diff.zones.change) <= set(ZONE_CHANGES)


# ---------------------------------------------------------------- properties


@settings(max_examples=30)
@given(cases(n_dates=2))
def test_compare_with_itself_is_empty(case: Case) -> None:
    diff = compare(case, case)
    assert not diff.changed and diff.conflicts.empty
    assert diff.total_change == 0.0


@st.composite
def widened(draw: st.DrawFn) -> tuple[Case, str, str, Case]:
    case = draw(cases(max_parties=4, max_issues=3).filter(lambda c: len(c.at()) > 0))
    held = list(case.at())
    party, issue_id = draw(st.sampled_from(held))
    issue = case.issue(issue_id)
    if issue.is_interval:
        assert issue.max is not None
        lo, hi = sorted(draw(st.lists(st.integers(0, int(issue.max)), min_size=2, max_size=2)))
        add: OptionSet | Span = Span(float(lo), float(hi))
    else:
        add = OptionSet(frozenset(draw(st.sets(st.sampled_from(issue.option_ids), min_size=1))))
    return (
        case,
        party,
        issue_id,
        scenario(case, Change("position", party=party, issue=issue_id, add=add)),
    )


@settings(max_examples=40)
@given(widened())
def test_widening_never_creates_a_conflict_there(args: tuple[Case, str, str, Case]) -> None:
    case, _, issue, new = args
    diff = compare(case, new)
    here = diff.conflicts[diff.conflicts.issue == issue]
    assert not ({"created", "worsened", "new", "dropped"} & set(here.change))
    assert diff.zones.loc[issue, "change"] in ("opened", "changed", "unchanged")
    delta = diff.total_by_issue.loc[issue, "delta"]
    assert not delta > 1e-12  # lower, equal, or NaN (fewer than two positions)
    # nothing else moves
    assert set(diff.conflicts.issue) <= {issue}


@settings(max_examples=30)
@given(widened())
def test_apply_never_mutates_its_input(args: tuple[Case, str, str, Case]) -> None:
    case, party, issue, new = args
    snapshot = (case.parties, case.issues, case.statements, dict(case.at()))
    engine.apply(
        case, scenario_from_changes([Change("position", party=party, issue=issue, salience=0.0)])
    )
    assert (case.parties, case.issues, case.statements, dict(case.at())) == snapshot
    assert new is not case
