"""Routes of the explorer and its JSON API, with Starlette's test client."""

from __future__ import annotations

import re
import shutil

import pytest
from starlette.testclient import TestClient

import engine
from reports.web.app import create_app
from reports.web.state import MAX_BODY, CaseStore, decode_state, encode_state
from tests.conftest import CASES

NATO = {"party": "russia", "issue": "nato", "add": ["open_door"]}


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def case() -> engine.Case:
    return engine.load_case("ukraine-russia")


def test_health_and_cases(client):
    assert client.get("/api/health").json() == {"status": "ok"}
    cases = client.get("/api/cases").json()
    first = next(c for c in cases if c["id"] == "ukraine-russia")
    assert set(first) >= {"id", "title", "parties", "issues", "as_of"}
    assert first["parties"][:2] == ["ukraine", "russia"] and first["as_of"] == "2026-07-05"


def test_whatif_answers_before_and_after_with_the_engines_numbers(client, case):
    r = client.post("/api/whatif", json={"case": "ukraine-russia", "changes": [NATO]})
    assert r.status_code == 200
    out = r.json()
    assert set(out) >= {"before", "after", "changes"}
    for side in ("before", "after"):
        assert set(out[side]) >= {"pair_conflict", "pair_overlap", "zones", "settlement"}
        assert {"issue", "empty", "zone", "blockers"} <= set(out[side]["zones"][0])
        assert "feasible" in out[side]["settlement"]
    changed = engine.apply(case, _scenario(case, [NATO]))
    expected = engine.conflict_matrix(changed, at=case.as_of)
    assert out["after"]["pair_conflict"]["ukraine"]["russia"] == pytest.approx(
        expected.loc["ukraine", "russia"], abs=1e-6
    )
    before = engine.conflict_matrix(case)
    assert out["before"]["pair_conflict"]["ukraine"]["russia"] == pytest.approx(
        before.loc["ukraine", "russia"], abs=1e-6
    )
    assert {
        "kind": "conflict",
        "change": "resolved",
        "issue": "nato",
        "parties": ["ukraine", "russia"],
    } in out["changes"]
    s = out["after"]["settlement"]
    assert ("packages" in s) != ("colliding_red_lines" in s)


def _scenario(case, changes):
    from engine.whatif.requests import scenario_from_mappings

    return scenario_from_mappings(case, changes)


def test_whatif_options_date_parties_and_no_settlement(client):
    r = client.post(
        "/api/whatif",
        json={
            "case": "ukraine-russia",
            "at": "2022-04-15",
            "parties": ["ukraine", "russia"],
            "changes": [],
            "settlement": False,
        },
    )
    out = r.json()
    assert r.status_code == 200 and out["before"]["at"] == "2022-04-15"
    assert set(out["before"]["pair_conflict"]) == {"ukraine", "russia"}
    assert "settlement" not in out["before"] and out["changes"] == []


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"case": "ukrane-russia"}, "case", "did you mean 'ukraine-russia'"),
        ({}, "case", "required"),
        ({"case": "ukraine-russia", "parties": ["rusia"]}, "parties", "did you mean 'russia'"),
        ({"case": "ukraine-russia", "at": "2025-13-40"}, "at", "YYYY-MM-DD"),
        ({"case": "ukraine-russia", "changes": {"x": 1}}, "changes", "list"),
        ({"case": "ukraine-russia", "changes": [7]}, "changes[0]", "object"),
        (
            {
                "case": "ukraine-russia",
                "changes": [{"party": "rusia", "issue": "nato", "salience": 1}],
            },
            "changes[0].party",
            "did you mean 'russia'",
        ),
        (
            {
                "case": "ukraine-russia",
                "changes": [{"party": "russia", "issue": "nato", "add": ["opendoor"]}],
            },
            "changes[0].add[0]",
            "did you mean 'open_door'",
        ),
        (
            {
                "case": "ukraine-russia",
                "changes": [{"party": "russia", "issue": "nato", "salience": 7}],
            },
            "changes[0].salience",
            "from 0 to 1",
        ),
        ({"case": "ukraine-russia", "settlement": "yes"}, "settlement", "true or false"),
    ],
)
def test_bad_requests_get_400_with_located_messages(client, body, field, words):
    r = client.post("/api/whatif", json=body)
    assert r.status_code == 400, r.text
    errors = r.json()["errors"]
    assert any(e["field"] == field and words in e["message"] for e in errors), errors


def test_malformed_bodies(client):
    r = client.post("/api/whatif", content=b"{nope", headers={"content-type": "application/json"})
    assert r.status_code == 400 and "not valid JSON" in r.json()["errors"][0]["message"]
    r = client.post("/api/whatif", content=b"[1]", headers={"content-type": "application/json"})
    assert r.status_code == 400 and "JSON object" in r.json()["errors"][0]["message"]
    r = client.post("/api/whatif", content=b"case=x", headers={"content-type": "text/plain"})
    assert r.status_code == 415
    big = b'{"case": "' + b"x" * (MAX_BODY + 10) + b'"}'
    r = client.post("/api/whatif", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["errors"][0]["field"] == "body"


def test_unknown_routes_and_methods(client):
    r = client.get("/api/nothing")
    assert r.status_code == 404 and r.json()["errors"]
    assert client.get("/api/whatif").status_code == 405
    page = client.get("/explore/atlantis")
    assert page.status_code == 404 and "unknown case" in page.text and "Traceback" not in page.text


def test_an_internal_error_is_logged_never_shown(client, monkeypatch, caplog):
    from reports.web import results

    def boom(*a, **k):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(results, "settlement_result", boom)
    r = client.post(
        "/api/whatif",
        json={
            "case": "ukraine-russia",
            "changes": [{"party": "russia", "issue": "nato", "salience": 0.3}],
        },
    )
    assert r.status_code == 500
    assert "secret" not in r.text and "Traceback" not in r.text
    assert r.json()["errors"][0]["message"].startswith("internal error")
    assert "secret detail" in caplog.text


def test_page_security_headers_and_no_inline_script(client):
    r = client.get("/explore/ukraine-russia")
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert (
        "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "default-src 'none'" in csp
    )
    assert r.headers["x-content-type-options"] == "nosniff"
    scripts = re.findall(r"<script\b([^>]*)>", r.text)
    assert scripts and all("src=" in s or "application/json" in s for s in scripts)
    assert "style=" not in r.text
    assert not re.search(r"(src|href)=\"https?://", r.text), "nothing from another origin"
    assert client.get("/static/explorer.js").status_code == 200
    assert client.get("/assets/report.css").headers["content-type"].startswith("text/css")


def test_user_text_is_escaped(tmp_path):
    folder = tmp_path / "hostile"
    shutil.copytree(CASES / "tiny", folder)
    text = (folder / "case.yaml").read_text(encoding="utf-8")
    (folder / "case.yaml").write_text(
        text.replace("name: Party A", 'name: "<script>alert(1)</script>"').replace(
            "name: Ordinal issue", 'name: "<img src=x onerror=alert(2)>"'
        ),
        encoding="utf-8",
    )
    client = TestClient(create_app(CaseStore.from_arguments(str(folder))))
    page = client.get("/").text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(2)&gt;" in page


def test_permalink_state_round_trip_and_bad_state(client):
    changes = [NATO, {"party": "ukraine", "issue": "nato", "salience": 0.4}]
    token = encode_state(changes)
    assert decode_state(token) == changes and "=" not in token
    r = client.get(f"/explore/ukraine-russia?s={token}&at=2025-11-23")
    assert r.status_code == 200 and "2 change" not in r.text  # the count is the script's
    assert 'id="zopa-state"' in r.text and "open_door" in r.text
    bad = client.get("/explore/ukraine-russia?s=%%%")
    assert bad.status_code == 400 and "explorer state" in bad.text


def test_scenario_download_is_a_scenario_zopa_reads(client, case, tmp_path):
    token = encode_state([NATO])
    r = client.get(f"/explore/ukraine-russia/scenario.yaml?s={token}")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    path = tmp_path / "mine.yaml"
    path.write_bytes(r.content)
    sc = engine.load_scenario(case, path)
    assert [(c.party, c.issue) for c in sc.changes] == [("russia", "nato")]


def test_shipped_scenario_as_change_objects(client, case):
    r = client.get("/api/cases/ukraine-russia/scenarios/us-28-point-plan")
    assert r.status_code == 200
    body = r.json()
    again = client.post(
        "/api/whatif",
        json={
            "case": "ukraine-russia",
            "at": body.get("at"),
            "changes": body["changes"],
            "settlement": False,
        },
    )
    assert again.status_code == 200, again.text
    assert client.get("/api/cases/ukraine-russia/scenarios/nope").status_code == 404


def test_views_fragments(client):
    r = client.post("/explore/ukraine-russia/view", json={"changes": [NATO]})
    assert r.status_code == 200 and "What the changes do" in r.text and "resolved" in r.text
    s = client.post("/explore/ukraine-russia/settlement", json={"changes": [NATO]})
    assert s.status_code == 200 and "Settlement packages" in s.text


@pytest.mark.slow
def test_report_of_the_changed_case(client):
    r = client.get(f"/explore/ukraine-russia/report.html?s={encode_state([NATO])}")
    assert r.status_code == 200, r.text[-500:]
    assert "<html" in r.text and "Before and after: explorer changes" in r.text
    assert "script-src" not in r.headers["content-security-policy"]  # the report's own policy


def test_served_connections_are_tcp_nodelay():
    """``zopa serve``'s socket says it is TCP, so asyncio turns Nagle off on each connection.

    Without it a response written in two parts (headers, then body) waited for
    the client's delayed ACK: some 40 ms a request.
    """
    import asyncio
    import socket
    import threading

    from reports.cli.serve import _bind

    sock = _bind("127.0.0.1", 0)
    seen: list[int] = []

    async def main() -> None:
        def accepted(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            conn = writer.get_extra_info("socket")
            seen.append(conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(accepted, sock=sock)
        reader, writer = await asyncio.open_connection(*sock.getsockname()[:2])
        await reader.read()
        writer.close()
        server.close()
        await server.wait_closed()

    # in a thread of its own: the browser tests may leave an event loop running in this one
    runner = threading.Thread(target=asyncio.run, args=(main(),))
    runner.start()
    runner.join(timeout=30)
    assert seen and seen[0] != 0
