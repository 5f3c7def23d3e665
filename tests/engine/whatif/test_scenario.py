"""Scenarios: applying changes gives a new case, never mutates, and errors are located."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import engine
from engine import Change, OptionSet, Scenario, Span, apply
from tests.conftest import CASES
from tests.strategies import cases


def scenario(*changes: Change, at=None) -> Scenario:
    return Scenario("t", "test", tuple(changes), at=at)


def test_shipped_tiny_scenario(tiny):
    new = apply(tiny, tiny.scenario("b-softens"))
    assert new.at()[("b", "ord")].acceptable == OptionSet(frozenset({"o3", "o4", "o5"}))
    assert new.at()[("b", "ord")].red_line is False
    assert new.at()[("b", "ord")].confidence == "inferred"
    assert new.at()[("c", "nom")].ideal == "y"
    assert new.at()[("c", "nom")].salience == 0.5
    # the old positions are still there before the scenario date
    assert tiny.at("2023-12-31") == new.at("2023-12-31")


def test_each_kind_of_change(tiny):
    ch = [
        engine.change_from_concede(tiny, "a:ord=o4"),
        engine.change_from_set(tiny, "a:nom.remove=y"),
        engine.change_from_set(tiny, "b:num.acceptable=20..90"),
        engine.change_from_set(tiny, "b:num.ideal=25"),
        engine.change_from_set(tiny, "c:ord.salience=0.9"),
        engine.change_from_set(tiny, "b:ord.red_line=false"),
        engine.change_from_set(tiny, "c:num.withdraw=true"),
        engine.change_from_concede(tiny, "a:num=0..5"),
    ]
    new = apply(tiny, scenario(*ch))
    pos = new.at()
    assert pos[("a", "ord")].acceptable == OptionSet(frozenset({"o1", "o2", "o3", "o4"}))
    assert pos[("a", "nom")].acceptable == OptionSet(frozenset({"x"}))
    assert pos[("b", "num")].acceptable == Span(20, 90) and pos[("b", "num")].ideal == 25
    assert pos[("c", "ord")].salience == 0.9
    assert pos[("b", "ord")].red_line is False
    assert ("c", "num") not in pos
    assert pos[("a", "num")].acceptable == Span(0, 40)  # hull of [10, 40] and [0, 5]


def test_remove_and_add_party(tiny):
    raw = [
        {"remove_party": "c"},
        {
            "add_party": {"id": "d", "name": "D", "role": "observer"},
            "positions": {"ord": {"ideal": "o2", "acceptable": ["o2", "o3"]}},
        },
        {"party": "d", "issue": "nom", "ideal": "z"},
    ]
    parties = {p.id: p for p in tiny.parties}
    issues = {i.id: i for i in tiny.issues}
    changes = []
    for r in raw:
        ch, errs = engine.whatif.scenario.parse_change(r, parties, issues)
        assert not errs, errs
        changes.append(ch)
        if ch.new_party:
            parties[ch.party] = ch.new_party
    new = apply(tiny, scenario(*changes))
    assert new.party_ids == ("a", "b", "d")
    assert ("c", "ord") not in new.at()
    assert new.at()[("d", "ord")].acceptable == OptionSet(frozenset({"o2", "o3"}))
    assert new.at()[("d", "nom")].acceptable == OptionSet(frozenset({"z"}))


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ("a:nom.ideal=z", "ideal 'z' is not inside the acceptable set"),
        ("c:nom.salience=0.3", "party 'c' has no position on 'nom'"),
        ("a:ord.salience=1.5", "salience must be a number from 0 to 1"),
        ("a:ord.colour=red", "unknown field 'colour'"),
        ("zz:ord.salience=0.1", "unknown party 'zz'"),
        ("a:nato.salience=0.1", "unknown issue 'nato'"),
        ("a:ord.acceptable=o9", "'o9' is not an option of issue 'ord'"),
        ("a:ord.acceptable=o4..o2", "range is reversed"),
        ("a ord salience", "expected PARTY:ISSUE.FIELD=VALUE"),
    ],
)
def test_bad_changes_are_reported_like_case_errors(tiny, spec, fragment):
    with pytest.raises(engine.CaseError) as info:
        apply(tiny, scenario(engine.change_from_set(tiny, spec)))
    problems = info.value.problems
    assert any(fragment in p.message for p in problems), [str(p) for p in problems]
    assert all("--set" in p.field for p in problems)


def test_bad_scenario_file_is_located(tmp_path):
    folder = tmp_path / "tiny"
    shutil.copytree(CASES / "tiny", folder)
    (folder / "scenarios" / "bad.yaml").write_text(
        "title: Bad\nchanges:\n  - {party: a, issue: nom, ideal: z}\n", encoding="utf-8"
    )
    with pytest.raises(engine.CaseError) as info:
        engine.load_case(folder)
    (p,) = info.value.problems
    assert (Path(p.file).name, p.line, p.field) == ("bad.yaml", 3, "a:nom.ideal")


@given(cases(with_requires=True, n_dates=2), st.data())
def test_apply_never_mutates_and_the_empty_scenario_changes_nothing(case, data):
    before = copy.deepcopy(case)
    h = hash(case)
    same = apply(case, scenario())
    assert case == before and hash(case) == h
    assert dict(same.at()) == dict(case.at())
    positions = list(case.at())
    if positions:
        party, issue_id = data.draw(st.sampled_from(positions))
        issue = case.issue(issue_id)
        if issue.is_interval:
            add = Span(issue.min, issue.max)
        else:
            add = OptionSet(frozenset(issue.option_ids))
        new = apply(case, scenario(Change("position", party=party, issue=issue_id, add=add)))
        assert case == before and hash(case) == h
        assert new.at()[(party, issue_id)].acceptable == add
