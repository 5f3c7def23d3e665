"""The position model: distances per scale, positions in force on a date, immutability."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

import engine
from engine import Issue, Option, OptionSet, Span
from engine.model.errors import did_you_mean
from tests.strategies import cases, issues

ORD = Issue("o", "Ordinal", "ordinal", tuple(Option(f"o{j}", f"O{j}") for j in range(1, 6)))
NOM = Issue(
    "n",
    "Nominal",
    "nominal",
    (Option("x", "X"), Option("y", "Y"), Option("z", "Z")),
    distances=(("x", "y", 0.5),),
)
NUM = Issue("v", "Interval", "interval", unit="units", min=0.0, max=200.0)


def test_ordinal_distance_is_rank_difference_over_k_minus_1():
    assert ORD.distance("o1", "o5") == 4 / 4
    assert ORD.distance("o2", "o4") == 2 / 4
    assert ORD.distance("o3", "o3") == 0


def test_nominal_distance_is_one_unless_the_table_says_otherwise():
    assert NOM.distance("x", "z") == 1
    assert NOM.distance("x", "y") == 0.5
    assert NOM.distance("y", "x") == 0.5


def test_interval_distance_is_normalised_by_the_range():
    assert NUM.distance(50, 150) == 100 / 200
    assert NUM.distance(0, 200) == 1


def test_distance_to_a_set():
    assert ORD.distance_to_set("o5", OptionSet(frozenset({"o1", "o2"}))) == 3 / 4
    assert NOM.distance_to_set("y", OptionSet(frozenset({"x", "z"}))) == 0.5
    assert NUM.distance_to_set(10, Span(50, 100)) == 40 / 200
    assert NUM.distance_to_set(75, Span(50, 100)) == 0


def test_describe_and_label():
    assert ORD.describe(OptionSet(frozenset({"o1", "o2", "o4"}))) == "O1 … O2; O4"
    assert ORD.describe(OptionSet(frozenset({"o1", "o2", "o4"})), ids=True) == "o1 … o2; o4"
    assert NUM.describe(Span(250, 1000)) == "250–1000 units"
    assert NUM.describe(Span(5, 5)) == "5 units"
    assert NUM.label(12.5) == "12.5 units"


@given(issues(scales=("ordinal", "nominal", "interval")), st.data())
def test_distance_is_a_bounded_symmetric_dissimilarity(issue, data):
    if issue.is_interval:
        points = data.draw(st.lists(st.integers(0, int(issue.max)), min_size=3, max_size=3))
    else:
        points = data.draw(st.lists(st.sampled_from(issue.option_ids), min_size=3, max_size=3))
    a, b, c = points
    assert 0 <= issue.distance(a, b) <= 1
    assert issue.distance(a, b) == issue.distance(b, a)
    assert issue.distance(a, a) == 0
    if issue.scale != "nominal":  # ordinal and interval distances are metrics
        assert issue.distance(a, c) <= issue.distance(a, b) + issue.distance(b, c) + 1e-12


def test_positions_in_force_follow_the_latest_statement(tiny):
    early = tiny.at("2023-06-01")
    late = tiny.at("2024-01-01")
    assert early[("a", "ord")].acceptable == OptionSet(frozenset({"o1", "o2"}))
    assert late[("a", "ord")].acceptable == OptionSet(frozenset({"o1", "o2", "o3"}))
    assert late[("a", "ord")].requires == (("nom", OptionSet(frozenset({"x"}))),)
    # a's nominal position comes from the first statement and is carried forward
    assert late[("a", "nom")] == early[("a", "nom")]
    assert tiny.at("2023-05-31") == {}
    assert ("c", "nom") not in late  # no position, not a zero


def test_null_withdraws_a_position(tiny):
    st_ = engine.Statement("a", dt.date(2023, 12, 15), ("s1",), (("nom", None),))
    case = dataclasses.replace(tiny, statements=(*tiny.statements, st_))
    assert ("a", "nom") in case.at("2023-12-14")
    assert ("a", "nom") not in case.at("2023-12-15")


def test_at_accepts_strings_and_dates_and_rejects_nonsense(tiny):
    assert tiny.at("2024-01-01") == tiny.at(dt.date(2024, 1, 1)) == tiny.at()
    with pytest.raises(engine.CaseError, match="'2024-02-30' is not a date"):
        tiny.at("2024-02-30")


def test_lookups_name_the_unknown_id_with_a_hint(tiny):
    with pytest.raises(
        engine.UnknownIdError, match="unknown party 'bb' \\(did you mean 'b'\\?\\)"
    ):
        tiny.party("bb")
    with pytest.raises(KeyError):
        tiny.issue("nmo")
    assert tiny.resolve_parties(["c", "a"]) == ("a", "c")


def test_cases_are_immutable(tiny):
    with pytest.raises(dataclasses.FrozenInstanceError):
        tiny.title = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        tiny.at()[("a", "ord")] = None  # type: ignore[index]


def test_snapshots_and_date_span(tiny):
    assert [s.id for s in tiny.snapshot_dates()] == ["early", "late"]
    assert tiny.date_span == (dt.date(2023, 6, 1), dt.date(2023, 12, 1))
    bare = dataclasses.replace(tiny, snapshots=())
    assert [s.date for s in bare.snapshot_dates()] == [dt.date(2023, 6, 1), dt.date(2023, 12, 1)]


@given(cases(n_dates=3, with_requires=True))
def test_at_uses_the_latest_statement_on_or_before_the_date(case):
    for date in [*case.dates, case.dates[0] - dt.timedelta(days=1)]:
        state = case.at(date)
        for (party, issue), pos in state.items():
            naming = [
                s
                for s in case.statements
                if s.party == party and s.as_of <= date and issue in dict(s.positions)
            ]
            latest = max(naming, key=lambda s: (s.as_of, s.seq))
            assert dict(latest.positions)[issue] == pos
            assert pos.as_of <= date
        for party, issue in itertools.product(case.party_ids, case.issue_ids):
            if (party, issue) not in state:
                naming = [
                    s
                    for s in case.statements
                    if s.party == party and s.as_of <= date and issue in dict(s.positions)
                ]
                assert (
                    not naming
                    or dict(max(naming, key=lambda s: (s.as_of, s.seq)).positions)[issue] is None
                )


@given(cases())
def test_every_position_satisfies_the_rules(case):
    for (_, issue_id), pos in case.at().items():
        issue = case.issue(issue_id)
        assert pos.ideal in pos.acceptable
        assert 0 <= pos.salience <= 1
        assert issue.distance_to_set(pos.ideal, pos.acceptable) == 0


def test_did_you_mean_prefers_the_closest_name():
    assert did_you_mean("nmo", ["ord", "nom", "num"]) == " (did you mean 'nom'?)"
    assert did_you_mean("Ukraine", ["ukraine"]) == " (did you mean 'ukraine'?)"
    assert did_you_mean("qqqq", ["ukraine"]) == ""
