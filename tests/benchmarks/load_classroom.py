"""Load test of class mode: students join and submit codings at once while the teacher polls.

Run it as a script (pytest does not collect it)::

    python tests/benchmarks/load_classroom.py                  # 40 students, SQLite and PostgreSQL
    python tests/benchmarks/load_classroom.py --db sqlite --students 10

For each database it starts ``zopa serve --port 0 --db URL`` on localhost (a
SQLite file in a temporary folder; a PostgreSQL server of its own from Debian's
``postgresql``, as the tests do), creates a class, then runs every student in a
thread of their own: join, submit a coding, submit a changed one (a
replacement), read it back — while the teacher polls the dashboard every
0.25 s. It reports p50/p95/max latency of every request, the errors, and the
lost or duplicated submissions (the dashboard must list each student once,
with revision 2, and each student must read back exactly their last coding).
Targets: p95 ≤ 300 ms, 0 errors, 0 lost, 0 duplicated; exit status 1 if missed.
Only localhost is contacted; students are capped at 100 and the run at 120 s.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

MAX_STUDENTS = 100
DEADLINE = 120.0
UNITS = ["russia:nato", "ukraine:nato", "russia:crimea", "ukraine:crimea"]
NATO = [
    "membership",
    "open_door",
    "no_commitment",
    "pledge_not_to_join",
    "permanent_neutrality",
    "legal_bar",
]
CRIMEA = [
    "ukrainian_control",
    "status_deferred",
    "de_facto_unrecognised",
    "de_facto_recognised",
    "de_jure_partial",
    "de_jure_russian",
]


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, error: str | None = None) -> None:
        with self.lock:
            self.latencies.append(seconds)
            if error:
                self.errors.append(error)


class Client:
    """One keep-alive HTTP connection to localhost, timing every request."""

    def __init__(self, base: str, tally: Tally):
        parts = urlsplit(base)
        if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit(f"load_classroom: refusing to load {parts.hostname}: localhost only")
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        self.tally = tally

    def call(
        self,
        method: str,
        path: str,
        body: object = None,
        token: str | None = None,
        want: int = 200,
    ) -> dict:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        start = time.perf_counter()
        try:
            self.conn.request(method, path, None if body is None else json.dumps(body), headers)
            res = self.conn.getresponse()
            data = res.read()
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.tally.add(time.perf_counter() - start, f"{method} {path}: {exc}")
            return {}
        elapsed = time.perf_counter() - start
        if res.status != want:
            self.tally.add(elapsed, f"{method} {path}: {res.status} {data[:200]!r}")
            return {}
        self.tally.add(elapsed)
        return json.loads(data)


def coding(rng: random.Random) -> dict:
    out: dict[str, dict] = {}
    for unit in UNITS:
        party, issue = unit.split(":")
        options = NATO if issue == "nato" else CRIMEA
        ideal = rng.choice(options)
        out.setdefault(party, {})[issue] = {
            "ideal": ideal,
            "acceptable": [ideal],
            "salience": round(rng.uniform(0, 1), 2),
            "red_line": rng.random() < 0.3,
            "justification": f"seeded {rng.random():.6f}",
        }
    return out


def run_load(base: str, students: int, seed: int = 0) -> dict:
    """Run one class against the server at ``base``; the figures and the checks."""
    students = min(students, MAX_STUDENTS)
    tally = Tally()
    setup = Client(base, Tally())
    made = setup.call("POST", "/api/classes", {"case": "ukraine-russia", "units": UNITS}, want=201)
    code, teacher = made["code"], made["teacher_token"]
    done = threading.Event()
    last: dict[str, dict] = {}
    tokens: dict[str, str] = {}
    polls = 0

    def student(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        c = Client(base, tally)
        name = f"student {n:03d}"
        joined = c.call("POST", f"/api/classes/{code}/students", {"name": name}, want=201)
        token = joined.get("student_token")
        if not token:
            return
        tokens[name] = token
        for _ in range(2):  # a first coding, then a replacement
            mine = coding(rng)
            if c.call("PUT", f"/api/classes/{code}/coding", {"positions": mine}, token).get(
                "saved"
            ):
                last[name] = mine
        c.call("GET", f"/api/classes/{code}/coding", token=token)

    def teacher_poll() -> None:
        nonlocal polls
        c = Client(base, tally)
        while not done.is_set():
            c.call("GET", f"/api/classes/{code}/dashboard", token=teacher)
            polls += 1
            time.sleep(0.25)

    poller = threading.Thread(target=teacher_poll)
    poller.start()
    threads = [threading.Thread(target=student, args=(n,)) for n in range(students)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(1.0, DEADLINE - (time.perf_counter() - start)))
    wall = time.perf_counter() - start
    done.set()
    poller.join(timeout=10)
    # the checks: each student once, with their last coding, replaced not added
    check = Client(base, Tally())
    board = check.call("GET", f"/api/classes/{code}/dashboard", token=teacher)
    names = [s["name"] for s in board.get("students", [])]
    duplicated = len(names) - len(set(names))
    lost = 0
    for name, token in tokens.items():
        row = next((s for s in board.get("students", []) if s["name"] == name), None)
        got = check.call("GET", f"/api/classes/{code}/coding", token=token)
        mine = last.get(name)
        if row is None or row["submitted"].get("coding") != 2 or mine is None:
            lost += 1
            continue
        stored = {
            p: {
                i: {
                    k: v[k]
                    for k in ("ideal", "acceptable", "salience", "red_line", "justification")
                }
                for i, v in ps.items()
            }
            for p, ps in got.get("positions", {}).items()
        }
        if stored != mine:
            lost += 1
    lost += students - len(tokens)
    lat = sorted(tally.latencies)
    return {
        "students": students,
        "requests": len(lat),
        "teacher_polls": polls,
        "errors": len(tally.errors),
        "error_samples": tally.errors[:5],
        "lost": lost,
        "duplicated": duplicated,
        "p50_ms": 1000 * statistics.median(lat) if lat else None,
        "p95_ms": 1000 * lat[int(0.95 * (len(lat) - 1))] if lat else None,
        "max_ms": 1000 * lat[-1] if lat else None,
        "wall_s": wall,
    }


def main(argv: list[str] | None = None) -> int:
    from tests.reports.web.classroom.pg import PostgresServer, pg_bin
    from tests.reports.web.conftest import start_server

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--students", type=int, default=40)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    import tempfile

    ok = True
    for kind in ["sqlite", "postgresql"] if args.db == "both" else [args.db]:
        pg = None
        with tempfile.TemporaryDirectory() as tmp:
            if kind == "sqlite":
                url = f"sqlite:///{tmp}/classes.sqlite3"
            else:
                bindir = pg_bin()
                if bindir is None:
                    print("postgresql: not installed (apt-get install postgresql)")
                    ok = False
                    continue
                pg = PostgresServer(bindir)
                pg.start()
                url = pg.new_database()
            proc, base = start_server("--db", url)
            try:
                r = run_load(base, args.students, args.seed)
            finally:
                proc.terminate()
                proc.wait(timeout=30)
                if pg:
                    pg.stop()
        met = (
            r["p95_ms"] is not None
            and r["p95_ms"] <= 300
            and not (r["errors"] or r["lost"] or r["duplicated"])
        )
        ok &= met
        print(
            f"{kind:10s} students {r['students']}, requests {r['requests']} (teacher polls {r['teacher_polls']}) "
            f"in {r['wall_s']:.1f} s: p50 {r['p50_ms']:.0f} ms, p95 {r['p95_ms']:.0f} ms, max {r['max_ms']:.0f} ms; "
            f"errors {r['errors']}, lost {r['lost']}, duplicated {r['duplicated']} — {'OK' if met else 'MISSED'}"
        )
        for e in r["error_samples"]:
            print("  ", e)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
