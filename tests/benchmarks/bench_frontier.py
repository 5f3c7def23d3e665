"""Benchmark: the exact Pareto frontier of packages against brute-force enumeration.

Run as a script (pytest does not collect it)::

    python tests/benchmarks/bench_frontier.py            # 8^6, 8^9 (brute force) and 8^12
    python tests/benchmarks/bench_frontier.py --quick    # 8^6 only
    python tests/benchmarks/bench_frontier.py --no-brute-9   # skip the ~1e8-package brute force

Synthetic cases: two parties, n issues of 8 options (ordinal and nominal
alternately; nominal issues get a random distance table so that many
options are Pareto-relevant), random ideals, saliences on a 0.01 grid.
Brute force enumerates every package with numpy in chunks (one chunk per
combination of the first n − 6 issues, 8^6 packages a chunk), keeps each
chunk's non-dominated vectors with their counts (utilities rounded to 1e-9)
and merges the chunks. Where both run, the two results must have the same
utility vectors (within 1e-9) and the same counts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from engine import Case, Issue, Option, OptionSet, Party, Position, Source, Statement
from engine.solve.bargaining import COUNT, pareto_packages

DATE = dt.date(2024, 1, 1)
K = 8


def synthetic_case(n_issues: int, seed: int = 0, parties: tuple[str, ...] = ("a", "b")) -> Case:
    rng = np.random.default_rng(seed)
    issues = []
    for n in range(n_issues):
        options = tuple(Option(f"o{j}", f"Option {j}") for j in range(K))
        if n % 2 == 0:
            issues.append(Issue(f"i{n}", f"Issue {n}", "ordinal", options))
        else:
            table = tuple(
                (f"o{a}", f"o{b}", round(float(rng.uniform(0.1, 1.0)), 2))
                for a, b in itertools.combinations(range(K), 2)
            )
            issues.append(Issue(f"i{n}", f"Issue {n}", "nominal", options, distances=table))
    statements = []
    for party in parties:
        entries = []
        for issue in issues:
            ideal = f"o{rng.integers(0, K)}"
            salience = round(float(rng.uniform(0.05, 1.0)), 2)
            entries.append(
                (
                    issue.id,
                    Position(party, issue.id, ideal, OptionSet(frozenset([ideal])), salience),
                )
            )
        statements.append(Statement(party, DATE, ("s",), tuple(entries)))
    return Case(
        id=f"synthetic-{n_issues}",
        title="Synthetic",
        as_of=DATE,
        parties=tuple(Party(p, p.upper(), "belligerent") for p in parties),
        issues=tuple(issues),
        sources=(Source("s", "S", "bench", "2024", "https://example.org/"),),
        statements=tuple(statements),
    )


def contributions(case: Case) -> list[np.ndarray]:
    """Per issue, a (K, 2) array of normalised utility contributions (floats)."""
    state = case.at()
    totals = {p: sum(v.salience for (q, _), v in state.items() if q == p) for p in ("a", "b")}
    out = []
    for issue in case.issues:
        d = issue.distance_matrix()
        cols = []
        for p in ("a", "b"):
            pos = state[(p, issue.id)]
            cols.append(pos.salience * (1 - d[:, issue.index(str(pos.ideal))]) / totals[p])
        out.append(np.stack(cols, axis=1))
    return out


def _front(keys: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Non-dominated distinct rows of integer keys (n, 2), counts summed per distinct row."""
    order = np.lexsort((-keys[:, 1], -keys[:, 0]))
    k, c = keys[order], counts[order]
    new = np.ones(len(k), dtype=bool)
    new[1:] = (k[1:] != k[:-1]).any(axis=1)
    starts = np.flatnonzero(new)
    k, c = k[starts], np.add.reduceat(c, starts)
    best = np.maximum.accumulate(k[:, 1])
    keep = np.ones(len(k), dtype=bool)
    keep[1:] = k[1:, 1] > best[:-1]
    return k[keep], c[keep]


def brute_force(case: Case, tail: int = 6) -> dict[tuple[int, int], int]:
    contrib = contributions(case)
    head, rest = contrib[:-tail] if len(contrib) > tail else [], contrib[-tail:]
    tail_sum = np.zeros((1, 2))
    for c in rest:  # every combination of the last `tail` issues: K^tail × 2
        tail_sum = (tail_sum[:, None, :] + c[None, :, :]).reshape(-1, 2)
    ones = np.ones(len(tail_sum), dtype=np.int64)
    fronts_k, fronts_c = [], []
    for combo in itertools.product(range(K), repeat=len(head)):
        base = sum((h[o] for h, o in zip(head, combo, strict=True)), np.zeros(2))
        keys = np.rint((tail_sum + base) * 1e9).astype(np.int64)
        k, c = _front(keys, ones)
        fronts_k.append(k)
        fronts_c.append(c)
    k, c = _front(np.concatenate(fronts_k), np.concatenate(fronts_c))
    return {(int(a), int(b)): int(n) for (a, b), n in zip(k, c, strict=True)}


def frontier_keys(case: Case) -> tuple[dict[tuple[int, int], int], float]:
    t0 = time.perf_counter()
    front = pareto_packages(case, ["a", "b"])
    elapsed = time.perf_counter() - t0
    keys = np.rint(front[["U(a)", "U(b)"]].to_numpy() * 1e9).astype(np.int64)
    return {
        (int(a), int(b)): int(n) for (a, b), n in zip(keys, front[COUNT], strict=True)
    }, elapsed


def same(x: dict[tuple[int, int], int], y: dict[tuple[int, int], int]) -> bool:
    """Equal up to 1e-9 per coordinate (keys may differ by one unit of the 1e-9 grid)."""
    if len(x) != len(y):
        return False
    xs, ys = sorted(x.items()), sorted(y.items())
    return all(
        abs(a[0][0] - b[0][0]) <= 1 and abs(a[0][1] - b[0][1]) <= 1 and a[1] == b[1]
        for a, b in zip(xs, ys, strict=True)
    )


def _duration(seconds: float) -> str:
    """Seconds, minutes or hours, whichever reads best."""
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.0f} h"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="8^6 only")
    ap.add_argument("--no-brute-9", action="store_true", help="skip brute force at 8^9")
    ap.add_argument(
        "--repeat", type=int, default=3, help="frontier runs per size (best time is shown)"
    )
    args = ap.parse_args(argv)
    sizes = [6] if args.quick else [6, 9, 12]
    print(
        f"{'packages':>10}  {'frontier':>9}  {'points':>6}  {'brute force':>12}  {'ratio':>8}  check"
    )
    status = 0
    per_chunk = None
    for n in sizes:
        case = synthetic_case(n, seed=n)
        runs = [frontier_keys(case) for _ in range(max(1, args.repeat))]
        fk, ft = runs[0][0], min(t for _, t in runs)
        brute = None
        if n <= 6 or (n == 9 and not args.no_brute_9):
            t0 = time.perf_counter()
            bk = brute_force(case)
            bt = time.perf_counter() - t0
            per_chunk = bt / K ** max(n - 6, 0)
            ok = same(fk, bk)
            status |= 0 if ok else 1
            brute = f"{bt:10.2f} s  {bt / ft:7.0f}×  {'equal' if ok else 'DIFFERENT'}"
        else:
            guess = (
                f"~{_duration(per_chunk * K ** (n - 6))} extrapolated" if per_chunk else "hours"
            )
            brute = f"{'(not run)':>12}  {'':>8}  {K**n:.1e} packages: {guess}"
        print(f"{'8^' + str(n):>10}  {ft:7.3f} s  {len(fk):6d}  {brute}")
    if not args.quick:
        print("\nmore parties (d-dimensional dominance), 8^12 packages, no brute force:")
        for parties in (("a", "b", "c"), ("a", "b", "c", "d")):
            case = synthetic_case(12, seed=12, parties=parties)
            t0 = time.perf_counter()
            front = pareto_packages(case, list(parties))
            print(
                f"{len(parties)} parties: {time.perf_counter() - t0:7.3f} s, {len(front)} points"
            )
    return status


if __name__ == "__main__":
    sys.exit(main())
