"""The concessions and debrief exercises on a real database: SQLite and PostgreSQL (every test runs on both).

The ranking is checked against totals worked by hand on the tiny case
(tests/cases/tiny, uploaded as a zip), as of 2024-01-01:

=====  ======================================  =========================  ======================
party  ord (o1…o5: a step is 1/4)              nom (d(x, y) = 0.5, else 1)  num (0–100)
=====  ======================================  =========================  ======================
a      accepts o1–o3, salience 0.8              x y, 0.4                    10–40, 0.6
b      accepts o4–o5, 1.0, red line             z, 0.2                      30–90, 0.5
c      accepts o2 o3 o4, 0.3                    no position                 50–50, 0.2
=====  ======================================  =========================  ======================

Total conflict T = Σ_i Σ_{p<q} gap_i(p, q) · (s_p + s_q) / 2: only a–b on ord
(one step), a–b on nom and a–c on num are apart.
"""

from __future__ import annotations

import io
import math
import zipfile

import pytest

import engine
from engine.solve.score import parse_package, score_package
from tests.conftest import CASES

ZIP = {"content-type": "application/zip"}

T_ORD = 1 / 4 * (0.8 + 1.0) / 2  # a–b: o3 to o4
T_NOM = 1 * (0.4 + 0.2) / 2  # a–b: {x, y} to {z}
T_NUM = (50 - 40) / 100 * (0.6 + 0.2) / 2  # a–c: 40 to 50
T_BEFORE = T_ORD + T_NOM + T_NUM

#: name → (changes, what the proposal removes, worked by hand)
PROPOSALS = {
    # b also accepts o3: a–b meet at o3; b's red line is crossed; the ord zone opens at o3
    "Ann": ([{"party": "b", "issue": "ord", "add": ["o3"]}], T_ORD),
    # a accepts up to 50: a–c meet at 50; the num zone opens at 50
    "Ben": ([{"party": "a", "issue": "num", "acceptable": {"min": 10, "max": 50}}], T_NUM),
    # b also accepts y: a–b meet at y; the nom zone opens
    "Cat": ([{"party": "b", "issue": "nom", "add": ["y"]}], T_NOM),
    # c accepts 40–50: a–c meet at 40, ties with Ben
    "Dan": ([{"party": "c", "issue": "num", "acceptable": {"min": 40, "max": 50}}], T_NUM),
    # a narrows to 10–20: a–b now (30 − 20)/100 apart, a–c (50 − 20)/100: conflict added
    "Eve": (
        [{"party": "a", "issue": "num", "acceptable": {"min": 10, "max": 20}}],
        T_NUM - ((30 - 20) / 100 * (0.6 + 0.5) / 2 + (50 - 20) / 100 * (0.6 + 0.2) / 2),
    ),
}

HARBOUR_SPLIT = "term=15,rent=r400k,dredging=split,hiring=quarter,night_sailings=summer_only"
HARBOUR_NASH = "term=25,rent=r500k,dredging=split,hiring=half,night_sailings=allowed"
HARBOUR_LOW = "term=5,rent=r200k,dredging=port_pays,hiring=none,night_sailings=banned"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _tiny_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for p in (CASES / "tiny").rglob("*"):
            if p.is_file():
                z.writestr("tiny/" + p.relative_to(CASES / "tiny").as_posix(), p.read_bytes())
    return buf.getvalue()


def _class(client, case: str, open_: tuple[str, ...] = ()) -> tuple[str, dict[str, str]]:
    if case == "tiny":
        r = client.post("/api/classes", content=_tiny_zip(), headers=ZIP)
    else:
        r = client.post("/api/classes", json={"case": case})
    assert r.status_code == 201, r.text
    code, teacher = r.json()["code"], _bearer(r.json()["teacher_token"])
    for ex in open_:
        r = client.post(
            f"/api/classes/{code}/exercises/{ex}", json={"open": True}, headers=teacher
        )
        assert r.status_code == 200, r.text
    return code, teacher


def _join(client, code: str, name: str) -> dict[str, str]:
    r = client.post(f"/api/classes/{code}/students", json={"name": name})
    assert r.status_code == 201, r.text
    return _bearer(r.json()["student_token"])


def _errors(r) -> dict[str, str]:
    assert r.status_code == 400, r.text
    return {e["field"]: e["message"] for e in r.json()["errors"]}


# ------------------------------------------------------------------ concessions


def test_concessions_are_ranked_by_the_total_conflict_they_remove_worked_by_hand(client):
    code, teacher = _class(client, "tiny", ("concessions",))
    for name, (changes, _) in PROPOSALS.items():
        student = _join(client, code, name)
        r = client.put(
            f"/api/classes/{code}/concessions",
            json={"changes": changes, "rationale": f"{name}'s reason"},
            headers=student,
        )
        assert r.status_code == 200, r.text
        assert r.json()["effect"]["removed"] == pytest.approx(PROPOSALS[name][1], abs=1e-12)
    got = client.get(f"/api/classes/{code}/concessions/ranked", headers=teacher).json()
    assert got["total_conflict"] == pytest.approx(T_BEFORE, abs=1e-12)
    rows = got["proposals"]
    assert [(r["rank"], r["name"], r["tied_with"]) for r in rows] == [
        (1, "Cat", []),
        (2, "Ann", []),
        (3, "Ben", ["Dan"]),  # a tie is named, in joining order
        (3, "Dan", ["Ben"]),
        (5, "Eve", []),
    ]
    for r in rows:
        want = PROPOSALS[r["name"]][1]
        assert r["removed"] == pytest.approx(want, abs=1e-12)
        assert r["total_conflict_before"] == pytest.approx(T_BEFORE, abs=1e-12)
        assert r["total_conflict_after"] == pytest.approx(T_BEFORE - want, abs=1e-12)
        assert r["rationale"] == f"{r['name']}'s reason"
    by = {r["name"]: r for r in rows}
    assert [(x["party"], x["issue"]) for x in by["Ann"]["red_lines_crossed"]] == [("b", "ord")]
    assert all(not by[n]["red_lines_crossed"] for n in ("Ben", "Cat", "Dan", "Eve"))
    opened = {n: [z["issue"] for z in r["zones_opened"]] for n, r in by.items()}
    assert opened == {"Ann": ["ord"], "Ben": ["num"], "Cat": ["nom"], "Dan": ["num"], "Eve": []}
    assert by["Ann"]["what"] == [
        {
            "party": "b",
            "issue": "ord",
            "where": "Party B on Ordinal issue",
            "parts": ["accepts Four … Five → Three … Five"],
            "text": "Party B on Ordinal issue: accepts Four … Five → Three … Five",
        }
    ]
    assert by["Ben"]["changes"] == PROPOSALS["Ben"][0]  # stored exactly as sent


def test_the_ranking_uses_the_explorers_total_conflict(client):
    changes = [{"party": "russia", "issue": "nato", "add": ["open_door"]}]
    code, _ = _class(client, "ukraine-russia", ("concessions",))
    ann = _join(client, code, "Ann")
    mine = client.put(
        f"/api/classes/{code}/concessions",
        json={"changes": changes, "rationale": "a door left open"},
        headers=ann,
    ).json()["effect"]
    whatif = client.post(
        "/api/whatif", json={"case": "ukraine-russia", "changes": changes, "settlement": False}
    ).json()
    assert mine["total_conflict_before"] == pytest.approx(
        whatif["before"]["total_conflict"], abs=1e-6
    )
    assert mine["total_conflict_after"] == pytest.approx(
        whatif["after"]["total_conflict"], abs=1e-6
    )
    resolved = [c for c in whatif["changes"] if c["change"] == "resolved"]
    assert mine["conflicts_resolved"] == len(resolved) > 0
    own = client.get(f"/api/classes/{code}/concessions", headers=ann).json()
    assert own["changes"] == changes and own["revision"] == 1 and own["effect"] == mine


def test_a_proposal_with_problems_is_refused_with_located_messages(client):
    code, _ = _class(client, "tiny", ("concessions",))
    ann = _join(client, code, "Ann")
    url = f"/api/classes/{code}/concessions"
    bad = {
        "changes": [
            {"party": "bb", "issue": "ord", "add": ["o3"]},
            {"party": "b", "issue": "ord", "add": ["o9"]},
            {"remove_party": "c"},
            {"party": "a", "issue": "num", "salience": 3},
        ],
        "rationale": "x" * 2001,
        "group": "a\u202eb",
        "note": "?",
    }
    errors = _errors(client.put(url, json=bad, headers=ann))
    assert "did you mean 'b'" in errors["changes[0].party"]
    assert "o9" in errors["changes[1].add[0]"] and "o1" in errors["changes[1].add[0]"]
    assert "not concessions" in errors["changes[2]"]
    assert "0" in errors["changes[3].salience"] and "1" in errors["changes[3].salience"]
    assert "at most 2000" in errors["rationale"]
    assert "control or invisible" in errors["group"]
    assert "allowed: changes, rationale, group" in errors["note"]
    for body, field in (
        ({"changes": [], "rationale": "r"}, "changes"),
        ({"changes": {"party": "a"}, "rationale": "r"}, "changes"),
        (
            {"changes": [{"party": "a", "issue": "ord", "add": ["o2"]}] * 51, "rationale": "r"},
            "changes",
        ),
        ({"changes": [{"party": "a", "issue": "ord", "add": ["o4"]}]}, "rationale"),
        (
            {"changes": [{"party": "a", "issue": "ord", "add": ["o4"]}], "rationale": "  "},
            "rationale",
        ),
    ):
        assert field in _errors(client.put(url, json=body, headers=ann)), body
    r = client.put(url, content=b"[1", headers={**ann, "content-type": "application/json"})
    assert r.status_code == 400
    assert client.get(url, headers=ann).json()["revision"] == 0  # nothing stored


# ------------------------------------------------------------------ debrief


def test_package_scores_equal_the_engines_on_harbour_lease(client):
    case = engine.load_case("harbour-lease")
    code, teacher = _class(client, "harbour-lease", ("debrief",))
    for name, text in (
        ("Group 1", HARBOUR_SPLIT),
        ("Group 2", HARBOUR_NASH),
        ("Group 3", HARBOUR_LOW),
    ):
        r = client.put(
            f"/api/classes/{code}/package",
            json={"package": text},
            headers=_join(client, code, name),
        )
        assert r.status_code == 200, r.text
    got = client.get(f"/api/classes/{code}/packages", headers=teacher).json()
    rows = {p["name"]: p for p in got["packages"]}
    split = rows["Group 1"]
    # the port's points: Σ weight × points = 0.15×0.8 + 0.4×0.75 + 0.2×0.6 + 0.15×0.7 + 0.1×1
    assert split["utilities"]["port"] == pytest.approx(
        0.15 * 0.8 + 0.4 * 0.75 + 0.2 * 0.6 + 0.15 * 0.7 + 0.1 * 1, abs=1e-12
    )
    assert split["utilities"]["ferries"] == pytest.approx(
        0.3 * 0.6 + 0.2 * 0.4 + 0.15 * 0.5 + 0.05 * 0.8 + 0.3 * 0.4, abs=1e-12
    )
    for name, text in (
        ("Group 1", HARBOUR_SPLIT),
        ("Group 2", HARBOUR_NASH),
        ("Group 3", HARBOUR_LOW),
    ):
        s = score_package(case, parse_package(case, text))
        row = rows[name]
        assert row["utilities"] == dict(s.utilities)
        assert (row["on_frontier"], row["distance"], row["nearest_point"], row["rational"]) == (
            s.on_frontier,
            s.distance,
            s.nearest_point,
            s.rational,
        )
    # dominated: 0.105 and 0.08 short of frontier point (0.85, 0.575) — term 15, rent 400 000,
    # the ferry company dredging, half local hiring, night sailings allowed
    assert split["on_frontier"] is False
    assert split["distance"] == pytest.approx(math.hypot(0.85 - 0.745, 0.575 - 0.495), abs=1e-12)
    assert split["nash_distance"] == pytest.approx(
        math.hypot(0.75 - 0.745, 0.69 - 0.495), abs=1e-12
    )
    nash = rows["Group 2"]
    assert (nash["on_frontier"], nash["distance"], nash["nash_distance"]) == (True, 0.0, 0.0)
    assert (
        got["nash"]["point"] == nash["nearest_point"] and got["nash"]["package"] == nash["package"]
    )
    low = rows["Group 3"]  # the port: 0.15 × 0.9 + 0.1 × 0.2 = 0.155 < its walk-away 0.35
    assert low["utilities"]["port"] == pytest.approx(0.15 * 0.9 + 0.1 * 0.2, abs=1e-12)
    assert (
        low["above_reservation"] == {"port": False, "ferries": True} and low["rational"] is False
    )
    front = engine.pareto_packages(case, case.party_ids)
    assert [f["utilities"]["port"] for f in got["frontier"]] == front["U(port)"].tolist()
    assert [f["point"] for f in got["frontier"] if f["nash"]] == [front.attrs["nash_point"]]
    assert split["labels"]["rent"] == "400 000 a year" and split["labels"]["term"] == "15 years"
    assert got["svg"].startswith("<?xml") and "Package 1: Port 0.745, Ferries 0.495" in got["svg"]
    board = client.get(f"/api/classes/{code}/dashboard", headers=teacher).json()
    assert board["debrief"]["scorable"] is True
    assert [p["name"] for p in board["debrief"]["packages"]] == ["Group 1", "Group 2", "Group 3"]
    assert [s["submitted"] for s in board["students"]] == [{"debrief": 1}] * 3


def test_a_groups_latest_package_counts(client):
    code, teacher = _class(client, "harbour-lease", ("debrief",))
    url = f"/api/classes/{code}/package"
    ann, ben, cat = (_join(client, code, n) for n in ("Ann", "Ben", "Cat"))
    assert (
        client.put(
            url, json={"package": HARBOUR_SPLIT, "group": "Team A"}, headers=ann
        ).status_code
        == 200
    )
    assert client.put(url, json={"package": HARBOUR_LOW}, headers=cat).status_code == 200
    assert (
        client.put(
            url, json={"package": HARBOUR_NASH, "group": " team  a "}, headers=ben
        ).status_code
        == 200
    )
    rows = client.get(f"/api/classes/{code}/packages", headers=teacher).json()["packages"]
    assert [(r["number"], r["name"], r["by"], r["members"], r["differ"]) for r in rows] == [
        (1, "team a", "Ben", ["Ann", "Ben"], True),
        (2, "Cat", "Cat", ["Cat"], False),
    ]
    assert rows[0]["on_frontier"] is True  # Ben's, saved last
    # Ann enters it again, now the latest: hers counts
    assert (
        client.put(url, json={"package": HARBOUR_SPLIT, "group": "Team A"}, headers=ann).json()[
            "revision"
        ]
        == 2
    )
    rows = client.get(f"/api/classes/{code}/packages", headers=teacher).json()["packages"]
    assert (rows[0]["name"], rows[0]["by"], rows[0]["on_frontier"]) == ("Team A", "Ann", False)


def test_a_package_with_problems_is_refused_with_located_messages(client):
    code, _ = _class(client, "harbour-lease", ("debrief",))
    ann = _join(client, code, "Ann")
    url = f"/api/classes/{code}/package"
    errors = _errors(
        client.put(
            url,
            json={
                "package": {"term": 40, "rent": "r400", "dredgin": "split", "hiring": 2},
                "team": 1,
            },
            headers=ann,
        )
    )
    assert "outside" in errors["package.term"] and "5 to 25" in errors["package.term"]
    assert "did you mean 'r400k'" in errors["package.rent"]
    assert "did you mean 'dredging'" in errors["package.dredgin"]
    assert "options: none, quarter, half" in errors["package.hiring"]
    assert "required: one of port_pays, split, ferries_pay" in errors["package.dredging"]
    assert "required: one of allowed, summer_only, banned" in errors["package.night_sailings"]
    assert "allowed: package, group" in errors["team"]
    errors = _errors(client.put(url, json={"package": "term=15,rent=r40"}, headers=ann))
    assert "did you mean 'r400k'" in errors["package"]
    for body in ({}, {"package": []}, {"package": ""}, {"package": {}}):
        assert "package" in _errors(client.put(url, json=body, headers=ann)), body
    errors = _errors(
        client.put(url, json={"package": HARBOUR_SPLIT, "group": "x" * 61}, headers=ann)
    )
    assert "at most 60" in errors["group"]
    ok = client.put(
        url,
        json={
            "package": {"term": "15", **dict(p.split("=") for p in HARBOUR_SPLIT.split(",")[1:])}
        },
        headers=ann,
    )
    assert ok.status_code == 200 and ok.json()["package"]["term"] == 15.0


# ------------------------------------------------------------------ who may do what


def test_closed_exercises_take_no_submissions_and_the_debrief_needs_a_scorable_case(client):
    code, teacher = _class(client, "harbour-lease")
    ann = _join(client, code, "Ann")
    assert client.get(f"/api/classes/{code}").json()["exercises"] == {"coding": "open"}
    r = client.put(f"/api/classes/{code}/package", json={"package": HARBOUR_SPLIT}, headers=ann)
    assert (
        r.status_code == 409 and "debrief exercise is closed" in r.json()["errors"][0]["message"]
    )
    proposal = {
        "changes": [{"party": "port", "issue": "rent", "add": ["r300k"]}],
        "rationale": "r",
    }
    r = client.put(f"/api/classes/{code}/concessions", json=proposal, headers=ann)
    assert (
        r.status_code == 409
        and "concessions exercise is closed" in r.json()["errors"][0]["message"]
    )
    r = client.get(f"/api/classes/{code}/concessions/positions", headers=ann)
    assert r.status_code == 409  # the case's positions are the coding key: not before concessions
    for ex in ("debrief", "concessions"):
        r = client.post(
            f"/api/classes/{code}/exercises/{ex}", json={"open": True}, headers=teacher
        )
        assert r.json()["exercises"][ex] == "open"
    assert (
        client.put(
            f"/api/classes/{code}/package", json={"package": HARBOUR_SPLIT}, headers=ann
        ).status_code
        == 200
    )
    assert (
        client.put(f"/api/classes/{code}/concessions", json=proposal, headers=ann).status_code
        == 200
    )
    assert (
        client.get(f"/api/classes/{code}/concessions/positions", headers=ann).json()["map"][0][
            "issue"
        ]["id"]
        == "term"
    )
    client.post(f"/api/classes/{code}/exercises/debrief", json={"open": False}, headers=teacher)
    assert (
        client.put(
            f"/api/classes/{code}/package", json={"package": HARBOUR_NASH}, headers=ann
        ).status_code
        == 409
    )
    uk, uk_teacher = _class(client, "ukraine-russia")
    r = client.post(
        f"/api/classes/{uk}/exercises/debrief", json={"open": True}, headers=uk_teacher
    )
    assert r.status_code == 409
    message = r.json()["errors"][0]["message"]
    assert "scorable" in message and "harbour-lease" in message and "points table" in message
    board = client.get(f"/api/classes/{uk}/dashboard", headers=uk_teacher).json()
    assert board["debrief"]["scorable"] is False and board["exercises"] == {"coding": "open"}
    assert client.get(f"/api/classes/{uk}/packages", headers=uk_teacher).status_code == 409


def test_a_student_reads_only_their_own_and_the_results_after_the_reveal(client):
    code, teacher = _class(client, "harbour-lease", ("debrief", "concessions"))
    ann, ben = _join(client, code, "Ann"), _join(client, code, "Ben")
    other, other_teacher = _class(client, "harbour-lease", ("debrief",))
    eve = _join(client, other, "Eve")
    client.put(
        f"/api/classes/{code}/package", json={"package": HARBOUR_SPLIT, "group": "G1"}, headers=ann
    )
    proposal = {
        "changes": [{"party": "port", "issue": "rent", "add": ["r300k"]}],
        "rationale": "r",
    }
    client.put(f"/api/classes/{code}/concessions", json=proposal, headers=ann)
    mine = client.get(f"/api/classes/{code}/package", headers=ann).json()
    assert mine["revision"] == 1 and mine["group"] == "G1" and mine["package"]["rent"] == "r400k"
    assert client.get(f"/api/classes/{code}/package", headers=ben).json() == {
        "package": {},
        "group": None,
        "revision": 0,
    }
    assert client.get(f"/api/classes/{code}/concessions", headers=ben).json()["revision"] == 0
    for path in ("package", "concessions"):
        for headers in ({}, eve, _bearer("nope"), teacher):
            assert client.get(f"/api/classes/{code}/{path}", headers=headers).status_code == 403, (
                path,
                headers,
            )
        assert client.put(f"/api/classes/{code}/{path}", json={}, headers=eve).status_code == 403
    results = ("packages", "concessions/ranked")
    for path in results:
        r = client.get(f"/api/classes/{code}/{path}", headers=ann)
        assert r.status_code == 403 and "not revealed" in r.json()["errors"][0]["message"], path
        for headers in ({}, eve, _bearer(other_teacher["Authorization"][7:]), _bearer("x" * 43)):
            assert client.get(f"/api/classes/{code}/{path}", headers=headers).status_code == 403
        assert client.get(f"/api/classes/{code}/{path}", headers=teacher).status_code == 200
    assert client.post(f"/api/classes/{code}/reveal", headers=teacher).status_code == 200
    for path in results:
        assert (
            client.get(f"/api/classes/{code}/{path}", headers=ann).json()
            == client.get(f"/api/classes/{code}/{path}", headers=teacher).json()
        )
        assert client.get(f"/api/classes/{code}/{path}", headers=eve).status_code == 403
    assert client.get("/api/classes/ZZZZZZ/packages", headers=ann).status_code == 404
