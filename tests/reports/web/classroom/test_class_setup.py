"""Starting a class with the exercises chosen, and what the dashboard counts (SQLite and PostgreSQL)."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from sqlalchemy import func, select

from reports.web.classroom.models import Classroom
from tests.reports.web.classroom.test_exercises import (
    HARBOUR_NASH,
    HARBOUR_SPLIT,
    ZIP,
    _join,
    _tiny_zip,
)


def _made(client, body):
    r = client.post("/api/classes", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def _classes(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Classroom))


@pytest.mark.parametrize(
    ("exercises", "want"),
    [
        (["debrief"], {"debrief": "open"}),
        (["debrief", "concessions", "debrief"], {"concessions": "open", "debrief": "open"}),
        ({"coding": False, "debrief": True}, {"debrief": "open"}),
        ({"concessions": True}, {"coding": "open", "concessions": "open"}),  # coding: default
        ({}, {"coding": "open"}),
        ([], {}),
        (None, {"coding": "open"}),
    ],
)
def test_a_class_starts_with_the_exercises_chosen(client, exercises, want):
    body = {"case": "harbour-lease"}
    if exercises is not None:
        body["exercises"] = exercises
    made = _made(client, body)
    code = made["code"]
    assert made["exercises"] == want
    assert client.get(f"/api/classes/{code}").json()["exercises"] == want
    student = _join(client, code, "Ann")
    got = client.put(
        f"/api/classes/{code}/package", json={"package": HARBOUR_SPLIT}, headers=student
    )
    assert got.status_code == (200 if "debrief" in want else 409), got.text


def test_an_uploaded_case_takes_the_exercises_in_the_query(client):
    for query, want in (
        ("?exercises=concessions", {"concessions": "open"}),
        ("?exercises=coding,concessions", {"coding": "open", "concessions": "open"}),
        ("?exercises=", {}),
        ("", {"coding": "open"}),
    ):
        r = client.post(f"/api/classes{query}", content=_tiny_zip(), headers=ZIP)
        assert r.status_code == 201, (query, r.text)
        assert r.json()["exercises"] == want, query


def test_bad_exercises_are_refused_with_located_messages_and_no_class_is_made(client, db):
    before = _classes(db)

    def errors(body, status=400):
        r = client.post("/api/classes", json=body)
        assert r.status_code == status, r.text
        return {e["field"]: e["message"] for e in r.json()["errors"]}

    got = errors({"case": "harbour-lease", "exercises": {"debrif": True, "coding": "yes"}})
    assert "unknown exercise 'debrif' (did you mean 'debrief'?)" in got["exercises.debrif"]
    assert "coding, concessions, debrief" in got["exercises.debrif"]
    assert "true (open at the start) or false" in got["exercises.coding"]
    got = errors({"case": "harbour-lease", "exercises": ["coding", 3, "concesions"]})
    assert "expected an exercise's name" in got["exercises[1]"]
    assert "did you mean 'concessions'" in got["exercises[2]"]
    assert "coding" not in " ".join(got)
    got = errors({"case": "harbour-lease", "exercises": "debrief"})
    assert "a list of the exercises open at the start" in got["exercises"]
    # the debrief needs a scorable case: the reason is said where the debrief was asked for
    got = errors({"case": "ukraine-russia", "exercises": {"debrief": True}})
    assert "scorable" in got["exercises.debrief"] and "harbour-lease" in got["exercises.debrief"]
    assert "has no points table (values)" in got["exercises.debrief"]
    got = errors({"case": "ukraine-russia", "exercises": ["coding", "debrief"]})
    assert list(got) == ["exercises[1]"]
    r = client.post("/api/classes?exercises=debrief", content=_tiny_zip(), headers=ZIP)
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "exercises[0]"
    assert "party 'a' has no points table" in r.json()["errors"][0]["message"]
    assert _classes(db) == before


def test_the_dashboard_counts_each_exercise_and_the_page_says_what_runs(client):
    made = _made(client, {"case": "harbour-lease", "exercises": ["concessions", "debrief"]})
    code, teacher = made["code"], {"Authorization": f"Bearer {made['teacher_token']}"}
    proposal = {
        "changes": [{"party": "port", "issue": "rent", "add": ["r300k"]}],
        "rationale": "r",
    }
    for name, package in (("Ann", HARBOUR_SPLIT), ("Ben", HARBOUR_NASH), ("Cat", None)):
        student = _join(client, code, name)
        if package:
            r = client.put(
                f"/api/classes/{code}/package", json={"package": package}, headers=student
            )
            assert r.status_code == 200
        if name != "Ben":
            r = client.put(f"/api/classes/{code}/concessions", json=proposal, headers=student)
            assert r.status_code == 200
    board = client.get(f"/api/classes/{code}/dashboard", headers=teacher).json()
    assert board["submitted"] == 0  # codings, as before
    assert board["submitted_per_exercise"] == {"coding": 0, "concessions": 2, "debrief": 2}
    page = client.get(f"/class/{code}/teacher?token={made['teacher_token']}").text
    header = html_lib.unescape(re.sub(r"<[^>]+>", "", page.split("</header>", 1)[0]))
    assert "Open: concessions, the negotiation debrief" in header
    assert "to code" not in header  # the class codes nothing
    buttons = re.findall(r'<button type="button" id="toggle-(\w+)">([^<]+)</button>', page)
    assert buttons == [
        ("coding", "Open coding"),
        ("concessions", "Close concessions"),
        ("debrief", "Close the debrief"),
    ]
    client.post(f"/api/classes/{code}/exercises/debrief", json={"open": False}, headers=teacher)
    page = client.get(f"/class/{code}/teacher?token={made['teacher_token']}").text
    assert "Open: concessions · Closed: the negotiation debrief" in html_lib.unescape(page)
    coding = _made(client, {"case": "ukraine-russia", "units": ["russia:nato", "ukraine:nato"]})
    page = client.get(f"/class/{coding['code']}/teacher?token={coding['teacher_token']}").text
    assert "Open: coding (2 positions to code)" in page


def test_the_class_page_offers_the_exercises_and_says_which_cases_can_be_debriefed(client):
    page = client.get("/class").text
    boxes = re.findall(r'<input type="checkbox" name="exercises" value="(\w+)"( checked)?>', page)
    assert boxes == [("coding", " checked"), ("concessions", ""), ("debrief", "")]
    why = dict(re.findall(r'<option value="([\w-]+)" data-unscorable="([^"]*)"', page))
    assert why["harbour-lease"] == ""
    assert "no points table" in why["ukraine-russia"]
