"""An acknowledged submission survives SIGKILL: kill ``zopa serve``, restart it on the same database."""

from __future__ import annotations

import json
import signal
import urllib.request

from tests.reports.web.classroom.helpers import CODINGS, UNITS
from tests.reports.web.conftest import start_server


def _call(
    url: str, method: str = "GET", body: object = None, token: str | None = None
) -> tuple[int, dict]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status, json.loads(r.read())


def test_an_acknowledged_coding_survives_sigkill_and_restart(db_url):
    proc, base = start_server("--db", db_url)
    try:
        status, made = _call(
            base + "api/classes", "POST", {"case": "ukraine-russia", "units": UNITS}
        )
        assert status == 201
        code = made["code"]
        _, joined = _call(base + f"api/classes/{code}/students", "POST", {"name": "Ann"})
        token = joined["student_token"]
        status, ack = _call(
            base + f"api/classes/{code}/coding", "PUT", {"positions": CODINGS["Ann"]}, token
        )
        assert status == 200 and ack["saved"] is True
    finally:
        proc.send_signal(signal.SIGKILL)  # no shutdown, no flushing: only what was committed stays
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    proc, base = start_server("--db", db_url)
    try:
        status, mine = _call(base + f"api/classes/{code}/coding", token=token)
        assert status == 200 and mine["revision"] == 1
        assert mine["positions"] == ack["positions"]
        _, board = _call(base + f"api/classes/{code}/dashboard", token=made["teacher_token"])
        assert board["students"] == [{"name": "Ann", "submitted": {"coding": 1}}]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
