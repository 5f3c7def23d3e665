"""The load test's tiny, seeded version: 5 students at once, on SQLite and PostgreSQL (no timing asserted)."""

from __future__ import annotations

from tests.benchmarks.load_classroom import run_load
from tests.reports.web.conftest import start_server


def test_five_students_at_once_lose_and_duplicate_nothing(db_url):
    proc, base = start_server("--db", db_url)
    try:
        r = run_load(base, students=5, seed=1)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert (r["errors"], r["lost"], r["duplicated"]) == (0, 0, 0), r["error_samples"]
    assert r["requests"] >= 5 * 4
