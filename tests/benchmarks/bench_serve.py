"""Benchmark: ``zopa serve`` against localhost — start-up, first page, what-if latency.

Run it as a script (pytest does not collect it)::

    python tests/benchmarks/bench_serve.py             # 200 what-if requests of each kind
    python tests/benchmarks/bench_serve.py --quick     # 40

It starts the server exactly as a user does (``zopa serve --port 0`` in a
subprocess), then measures, in one run, with one HTTP client (keep-alive):

- **start-up**: from launching the process to the first successful
  ``GET /api/health``, as a ratio to the *import floor* (the time of
  ``python -c "import pandas, matplotlib.pyplot, networkx"`` measured in the
  same run; median of 3); target ≤ 2×;
- **first page**: ``GET /explore/ukraine-russia`` right after start-up (the
  shipped case loaded and analysed on first use); target ≤ 1 s;
- **what-if**: ``POST /api/whatif`` with a different random change each time
  (a salience, a widened or narrowed acceptable set, a red line dropped or
  added, a withdrawal — so no answer comes from the server's memo), without the
  settlement search (what the page asks first; target p95 ≤ 150 ms) and with it
  (the page's second request, reported for information); p50, p95, max.

Every request is checked for status 200. Only localhost is contacted; the
number of requests and the run time are bounded.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import engine  # noqa: E402

DEADLINE_S = 600  # the whole run stops after this, whatever is left


def import_floor(repeats: int = 3) -> float:
    code = "import pandas, matplotlib.pyplot, networkx"
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def start() -> tuple[subprocess.Popen[str], str, float]:
    t = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "reports.cli", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    url = proc.stdout.readline().split()[2]
    while True:
        try:
            with urllib.request.urlopen(url + "api/health", timeout=5):
                return proc, url, time.perf_counter() - t
        except OSError:
            time.sleep(0.01)


def random_changes(case: engine.Case, n: int, seed: int = 0) -> list[dict[str, Any]]:
    """``n`` distinct valid single changes to the positions in force."""
    rng = random.Random(seed)
    state = sorted(case.at().items())
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    while len(out) < n:
        (party, issue_id), pos = rng.choice(state)
        issue = case.issue(issue_id)
        kind = rng.choice(["salience", "red_line", "widen", "withdraw"])
        ch: dict[str, Any] = {"party": party, "issue": issue_id}
        if kind == "salience":
            ch["salience"] = round(rng.uniform(0, 1), 3)
        elif kind == "red_line":
            ch["red_line"] = not pos.red_line
        elif kind == "widen" and not issue.is_interval:
            ch["add"] = [rng.choice(issue.option_ids)]
        elif kind == "widen":
            lo = rng.uniform(issue.min, issue.max)
            ch["add"] = {"min": round(lo, 1), "max": round(min(issue.max, lo + 50), 1)}
        else:
            ch["withdraw"] = True
        key = json.dumps(ch, sort_keys=True)
        if key not in seen:
            seen.add(key)
            out.append(ch)
    return out


def percentiles(ms: list[float]) -> str:
    qs = statistics.quantiles(ms, n=100, method="inclusive")
    return f"p50 {qs[49]:.0f} ms, p95 {qs[94]:.0f} ms, max {max(ms):.0f} ms (n={len(ms)})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--quick", action="store_true", help="40 requests of each kind")
    args = ap.parse_args()
    n = 40 if args.quick else args.requests
    import httpx2 as httpx

    floor = import_floor()
    proc, url, startup = start()
    began = time.monotonic()
    try:
        with httpx.Client(base_url=url, timeout=60) as client:
            t = time.perf_counter()
            page = client.get("/explore/ukraine-russia")
            first_page = time.perf_counter() - t
            assert page.status_code == 200, page.status_code
            case = engine.load_case("ukraine-russia")
            results: dict[str, list[float]] = {"without settlement": [], "with settlement": []}
            for label, seed in (("without settlement", 1), ("with settlement", 2)):
                for ch in random_changes(case, n, seed):
                    if time.monotonic() - began > DEADLINE_S:
                        break
                    body = {"case": "ukraine-russia", "changes": [ch]}
                    body["settlement"] = label == "with settlement"
                    t = time.perf_counter()
                    r = client.post("/api/whatif", json=body)
                    results[label].append((time.perf_counter() - t) * 1000)
                    assert r.status_code == 200, (ch, r.text[:300])
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    p95 = statistics.quantiles(results["without settlement"], n=100, method="inclusive")[94]
    print(f"import floor (pandas + matplotlib.pyplot + networkx): {floor * 1000:.0f} ms")
    print(
        f"start-up to first health answer: {startup * 1000:.0f} ms = {startup / floor:.2f}× the floor (target ≤ 2×): {'met' if startup <= 2 * floor else 'NOT met'}"
    )
    print(
        f"first page: {first_page * 1000:.0f} ms (target ≤ 1000 ms): {'met' if first_page <= 1 else 'NOT met'}"
    )
    for label, ms in results.items():
        print(f"what-if {label}: {percentiles(ms)}")
    print(f"what-if p95 without settlement ≤ 150 ms: {'met' if p95 <= 150 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
