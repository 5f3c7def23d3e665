"""Benchmark: ``zopa report``, ``zopa --help`` and ``zopa show`` against the import floor.

Run it as a script (pytest does not collect it)::

    python tests/benchmarks/bench_report.py          # median of 3 runs of each
    python tests/benchmarks/bench_report.py --runs 5

Each command runs as a user runs it (a fresh ``python -m reports.cli`` process,
on the shipped case), and its wall time is divided by the *import floor*: the
time of ``python -c "import pandas, matplotlib.pyplot, networkx"`` measured in
the same run (median of the same number of runs, interleaved with the commands
so that a busy machine slows both alike). Targets:

- ``zopa report`` (HTML)  ≤ 3×   the floor;
- ``zopa --help``          ≤ 0.3× the floor;
- ``zopa show``            ≤ 1.2× the floor.

It prints each median, each ratio and whether its target is met; it exits 0
either way (a benchmark reports, it does not assert).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FLOOR = [sys.executable, "-c", "import pandas, matplotlib.pyplot, networkx"]
TARGETS = {"zopa report (html)": 3.0, "zopa --help": 0.3, "zopa show": 1.2}


def _commands(out: Path) -> dict[str, list[str]]:
    zopa = [sys.executable, "-m", "reports.cli"]
    return {
        "zopa report (html)": [*zopa, "report", "-o", str(out), "--force"],
        "zopa --help": [*zopa, "--help"],
        "zopa show": [*zopa, "show"],
    }


def _time(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="runs of each command (median; default 3)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        commands = _commands(Path(tmp) / "report")
        _time(commands["zopa report (html)"])  # warm the file cache and write the folder once
        floor: list[float] = []
        times: dict[str, list[float]] = {k: [] for k in commands}
        for _ in range(args.runs):
            floor.append(_time(FLOOR))
            for name, cmd in commands.items():
                times[name].append(_time(cmd))
    base = statistics.median(floor)
    print(
        f"import floor (pandas, matplotlib.pyplot, networkx): {base:.2f} s (median of {args.runs})"
    )
    for name, ts in times.items():
        t = statistics.median(ts)
        ratio = t / base
        target = TARGETS[name]
        verdict = "met" if ratio <= target else "NOT met"
        print(f"{name:<20} {t:6.2f} s  = {ratio:5.2f}× the floor  (target ≤ {target}×: {verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
