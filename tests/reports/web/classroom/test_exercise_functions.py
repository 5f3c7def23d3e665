"""The exercises' pure functions, which exports and reports can call without a server."""

from __future__ import annotations

import dataclasses

import pytest

import engine
from engine.solve.score import score_package
from reports.web.classroom.concessions import check_proposal, ranked_concessions
from reports.web.classroom.debrief import check_package, scorable, scored_packages
from reports.web.classroom.entries import entries
from reports.web.state import BadRequest


@pytest.fixture(scope="module")
def tiny():
    return engine.load_case("tests/cases/tiny")


def test_entries_one_per_group_latest_saved_counts():
    subs = [
        ("Ann", {"group": "Team 1", "x": 1, "saved": "2025-01-01T10:05"}, 3),
        ("Ben", {"x": 2, "saved": "2025-01-01T10:00"}, 1),
        ("Cat", {"group": "team 1", "x": 1, "saved": "2025-01-01T10:01"}, 1),
        ("team 1", {"x": 9, "saved": "2025-01-01T10:05"}, 1),  # joined as the group: same entry
    ]
    got = entries(subs)
    assert [(e["number"], e["name"], e["by"], e["members"], e["differ"]) for e in got] == [
        (1, "team 1", "team 1", ["Ann", "Cat", "team 1"], True),  # equal times: the later joiner
        (2, "Ben", "Ben", ["Ben"], False),
    ]
    assert got[0]["body"]["x"] == 9 and got[0]["revision"] == 1
    same = entries([("Ann", {"group": "G", "x": 1}, 1), ("Ben", {"group": "G", "x": 1}, 1)])
    assert same[0]["differ"] is False and same[0]["by"] == "Ben"
    assert entries([]) == []


def test_ranked_concessions_of_nobody_and_of_a_no_op(tiny):
    assert ranked_concessions(tiny, []) == []
    body = check_proposal(
        tiny, {"changes": [{"party": "a", "issue": "ord", "salience": 0.8}], "rationale": "same"}
    )
    (row,) = ranked_concessions(tiny, [("Ann", body, 1)])
    assert (row["rank"], row["removed"], row["what"], row["tied_with"]) == (1, 0.0, [], [])


def test_scorable_says_why_not(tiny):
    assert scorable(engine.load_case("harbour-lease")) == ""
    assert "no points table (values) on issue 'ord'" in scorable(tiny)
    lone = dataclasses.replace(
        tiny, parties=tuple(dataclasses.replace(p, role="mediator") for p in tiny.parties)
    )
    assert scorable(dataclasses.replace(lone, parties=lone.parties[:1])) == (
        "a debrief needs two roles or more"
    )


def test_three_roles_are_scored_in_a_table_without_a_plot(tiny):
    three = dataclasses.replace(
        tiny, parties=tuple(dataclasses.replace(p, role="negotiator") for p in tiny.parties)
    )
    body = check_package(three, {"package": "ord=o3,nom=y,num=40"})
    got = scored_packages(three, [("Group 1", body, 1)], figure=True)
    assert [p["id"] for p in got["parties"]] == ["a", "b", "c"] and got["svg"] is None
    row = got["packages"][0]
    assert set(row["utilities"]) == {"a", "b", "c"}
    s = score_package(three, body["package"], ["a", "b", "c"])
    assert row["utilities"] == dict(s.utilities)
    assert (row["on_frontier"], row["distance"]) == (s.on_frontier, s.distance)


def test_a_package_string_is_read_like_zopa_score(tiny):
    three = dataclasses.replace(
        tiny, parties=tuple(dataclasses.replace(p, role="negotiator") for p in tiny.parties)
    )
    with pytest.raises(BadRequest) as exc:
        check_package(three, {"package": "ord=o3,nom=y"})
    assert [e["field"] for e in exc.value.errors] == ["package.num"]
    assert "a number from 0 to 100 units" in exc.value.errors[0]["message"]
    with pytest.raises(BadRequest) as exc:
        check_package(three, {"package": "ord"})
    assert (
        exc.value.errors[0]["field"] == "package"
        and "issue=option" in exc.value.errors[0]["message"]
    )
