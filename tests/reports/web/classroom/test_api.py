"""Class mode's JSON API on a real database: SQLite and PostgreSQL (every test runs on both)."""

from __future__ import annotations

import pytest

import engine
from reports.web.classroom.store import CODE_ALPHABET
from tests.reports.web.classroom.helpers import CODINGS, UNITS, engine_alpha


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _new_class(client, units=UNITS):
    r = client.post("/api/classes", json={"case": "ukraine-russia", "units": units})
    assert r.status_code == 201, r.text
    return r.json()


def _join(client, code, name):
    r = client.post(f"/api/classes/{code}/students", json={"name": name})
    assert r.status_code == 201, r.text
    return r.json()["student_token"]


def test_create_join_code_reveal_agreement_matches_the_engine(client, tmp_path):
    made = _new_class(client)
    code, teacher = made["code"], made["teacher_token"]
    assert len(code) == 6 and set(code) <= set(CODE_ALPHABET)
    assert len(teacher) >= 43  # token_urlsafe(32): 256 bits
    assert made["join_url"].endswith(f"/join/{code}")
    tokens = {name: _join(client, code, name) for name in CODINGS}
    for name, coding in CODINGS.items():
        r = client.put(
            f"/api/classes/{code}/coding",
            json={"positions": coding},
            headers=_bearer(tokens[name]),
        )
        assert r.status_code == 200, r.text
        assert r.json()["saved"] is True and r.json()["revision"] == 1
    board = client.get(f"/api/classes/{code}/dashboard", headers=_bearer(teacher)).json()
    assert [s["name"] for s in board["students"]] == list(CODINGS)
    assert board["submitted"] == 3 and "agreement" not in board
    r = client.get(f"/api/classes/{code}/agreement", headers=_bearer(teacher))
    assert r.status_code == 200
    got = r.json()
    assert got["coders"] == 3
    want = engine_alpha(engine.load_case("ukraine-russia"), CODINGS, tmp_path)
    for v, value in want.items():
        assert got["alpha"][v] == pytest.approx(value, abs=1e-12), v
    lo, hi = got["intervals"]["ideal"]
    assert lo <= got["alpha"]["ideal"] + 1e-9 and hi >= lo
    disputed = got["disputed"][0]
    assert (disputed["party"], disputed["issue"]) == ("russia", "nato")
    assert {c["name"]: c["justification"] for c in disputed["codings"]}["Ben"].startswith(
        "A legal bar"
    )
    assert [v["name"] for v in got["versus"]] == list(CODINGS)
    # reveal: the students may now read the results
    student = tokens["Ann"]
    assert client.get(f"/api/classes/{code}/results", headers=_bearer(student)).status_code == 403
    assert client.post(f"/api/classes/{code}/reveal", headers=_bearer(teacher)).status_code == 200
    res = client.get(f"/api/classes/{code}/results", headers=_bearer(student))
    assert res.status_code == 200 and res.json()["alpha"] == got["alpha"]
    assert (
        "agreement"
        in client.get(f"/api/classes/{code}/dashboard", headers=_bearer(teacher)).json()
    )


def test_teacher_routes_refuse_every_other_token(client):
    code = _new_class(client)["code"]
    other = _new_class(client)
    student = _join(client, code, "Ann")
    for headers in (
        {},
        _bearer(student),
        _bearer(other["teacher_token"]),
        _bearer("x" * 43),
        {"Authorization": "Basic abc"},
    ):
        for method, path in (("get", "agreement"), ("get", "dashboard"), ("post", "reveal")):
            r = getattr(client, method)(f"/api/classes/{code}/{path}", headers=headers)
            assert r.status_code == 403, (path, headers)
            assert r.json()["errors"][0]["field"] == "authorization"
    r = client.get(f"/class/{code}/teacher?token={student}")
    assert r.status_code == 403 and "text/html" in r.headers["content-type"]


def test_a_student_reads_and_replaces_only_their_own_coding(client):
    code = _new_class(client)["code"]
    ann, ben = _join(client, code, "Ann"), _join(client, code, "Ben")
    other_class = _new_class(client)["code"]
    eve = _join(client, other_class, "Eve")
    url = f"/api/classes/{code}/coding"
    assert (
        client.put(url, json={"positions": CODINGS["Ann"]}, headers=_bearer(ann)).status_code
        == 200
    )
    assert client.get(url, headers=_bearer(ben)).json() == {"positions": {}, "revision": 0}
    mine = client.get(url, headers=_bearer(ann)).json()
    assert (
        mine["revision"] == 1
        and mine["positions"]["russia"]["nato"]["ideal"] == "permanent_neutrality"
    )
    r = client.put(url, json={"positions": CODINGS["Ben"]}, headers=_bearer(ann))
    assert r.json()["revision"] == 2  # replaced, not added
    assert (
        client.get(url, headers=_bearer(ann)).json()["positions"]["russia"]["nato"]["ideal"]
        == "legal_bar"
    )
    for headers in ({}, _bearer(eve), _bearer("nope")):
        assert (
            client.put(url, json={"positions": CODINGS["Ann"]}, headers=headers).status_code == 403
        )
        assert client.get(url, headers=headers).status_code == 403
    board = client.get(f"/api/classes/{code}/results", headers=_bearer(ann))
    assert board.status_code == 403 and "not revealed" in board.json()["errors"][0]["message"]


def test_a_coding_with_unknown_ids_or_bad_values_is_refused_with_located_messages(client):
    code = _new_class(client)["code"]
    ann = _join(client, code, "Ann")
    bad = {
        "rusia": {"nato": {"ideal": "legal_bar"}},
        "russia": {
            "nato": {
                "ideal": "neutral",
                "salience": 2,
                "red_line": "yes",
                "sources": ["fs-111-natylie-memorandum"],
            },
            "crima": {"ideal": "x"},
            "sanctions": {"ideal": "x"},
        },
    }
    r = client.put(f"/api/classes/{code}/coding", json={"positions": bad}, headers=_bearer(ann))
    assert r.status_code == 400
    errors = {e["field"]: e["message"] for e in r.json()["errors"]}
    assert "did you mean 'russia'" in errors["positions.rusia"]
    assert "not an option of issue 'nato'" in errors["positions.russia.nato.ideal"]
    assert "from 0 to 1" in errors["positions.russia.nato.salience"]
    assert "true or false" in errors["positions.russia.nato.red_line"]
    assert (
        "did you mean 'fs-111-natylie-memorandums'" in errors["positions.russia.nato.sources[0]"]
    )
    assert "did you mean 'crimea'" in errors["positions.russia.crima"]
    assert "not assigned" in errors["positions.russia.sanctions"]
    for body in ({}, {"positions": []}, {"positions": {"russia": []}}):
        r = client.put(f"/api/classes/{code}/coding", json=body, headers=_bearer(ann))
        assert r.status_code == 400 and r.json()["errors"][0]["field"].startswith("positions")
    r = client.put(
        f"/api/classes/{code}/coding",
        content=b"{not json",
        headers={**_bearer(ann), "content-type": "application/json"},
    )
    assert r.status_code == 400
    assert client.get(f"/api/classes/{code}/coding", headers=_bearer(ann)).json()["revision"] == 0


def test_bad_class_requests_are_400_404_409_never_500(client):
    assert client.post("/api/classes", json={"case": "ukraine-rusia"}).status_code == 400
    r = client.post("/api/classes", json={"case": "ukraine-russia", "units": ["russia:natto"]})
    assert r.status_code == 400 and "did you mean 'nato'" in r.json()["errors"][0]["message"]
    assert client.post("/api/classes/ZZZZZZ/students", json={"name": "Ann"}).status_code == 404
    code = _new_class(client)["code"]
    for name in (None, "", "   ", "x" * 61, "a\u202eb", 5):
        r = client.post(f"/api/classes/{code}/students", json={"name": name})
        assert r.status_code == 400 and r.json()["errors"][0]["field"] == "name", name
    _join(client, code, "Ann")
    r = client.post(f"/api/classes/{code}/students", json={"name": " Ann "})
    assert r.status_code == 409 and "joined already" in r.json()["errors"][0]["message"]
    assert client.get(f"/api/classes/{code.lower()}").json()["code"] == code


def test_a_closed_exercise_takes_no_submissions(client):
    made = _new_class(client)
    code, teacher = made["code"], made["teacher_token"]
    ann = _join(client, code, "Ann")
    r = client.post(
        f"/api/classes/{code}/exercises/coding", json={"open": False}, headers=_bearer(teacher)
    )
    assert r.json()["exercises"]["coding"] == "closed"
    r = client.put(
        f"/api/classes/{code}/coding", json={"positions": CODINGS["Ann"]}, headers=_bearer(ann)
    )
    assert r.status_code == 409 and "closed" in r.json()["errors"][0]["message"]
    client.post(
        f"/api/classes/{code}/exercises/coding", json={"open": True}, headers=_bearer(teacher)
    )
    assert (
        client.put(
            f"/api/classes/{code}/coding", json={"positions": CODINGS["Ann"]}, headers=_bearer(ann)
        ).status_code
        == 200
    )
    assert (
        client.post(
            f"/api/classes/{code}/exercises/nope", json={"open": True}, headers=_bearer(teacher)
        ).status_code
        == 404
    )
