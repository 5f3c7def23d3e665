"""Benchmark: vectorised overlap/conflict matrices against a pure-Python loop.

Run it as a script (pytest does not collect it)::

    python tests/benchmarks/bench_matrices.py           # 200 × 500 × 7
    python tests/benchmarks/bench_matrices.py --quick   # 60 × 60 × 7

A synthetic case (parties × issues × options, mixed ordinal / nominal /
interval scales, ~15 % of positions missing) is built directly as engine
objects. :func:`engine.conflict_matrix` + :func:`engine.overlap_matrix` are
timed on a fresh case (so the per-issue arrays are built inside the timing),
and again warm (arrays cached). The baseline is a straightforward pure-Python
implementation of the same definitions, pair by pair and issue by issue, with
the distances precomputed in plain dicts (a fair loop, not a strawman).

At full size the baseline would take many minutes, so it runs on a subset of
the issues (``--baseline-issues``, default 25, every scale represented) with
all parties, and its time is scaled linearly to the full number of issues
(its cost is exactly linear in the issues: one pass per issue). The numbers
are checked equal (1e-9) on that subset, against the engine run on the same
sub-case. The output says what was measured and what was extrapolated.

Peak memory: tracemalloc's peak (numpy reports its buffers to it) during the
vectorised run, and the process's peak resident set size.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import math
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import engine
from engine import Case, Issue, Option, OptionSet, Party, Position, Source, Span, Statement

SCALES = ("ordinal", "nominal", "interval")


# ------------------------------------------------------------------ generator


def synthetic_case(
    n_parties: int, n_issues: int, k: int = 7, *, missing: float = 0.15, seed: int = 0
) -> Case:
    """A random valid case of the given size, built from model objects."""
    rng = np.random.default_rng(seed)
    date = dt.date(2025, 1, 1)
    options = tuple(Option(f"o{j}", f"Option {j}") for j in range(k))
    issues = []
    for i in range(n_issues):
        scale = SCALES[i % 3]
        if scale == "interval":
            issues.append(Issue(f"i{i}", f"Issue {i}", "interval", unit="u", min=0.0, max=1000.0))
        else:
            dist: tuple[tuple[str, str, float], ...] = ()
            if scale == "nominal" and i % 2:
                a, b = rng.choice(k, size=2, replace=False)
                dist = ((f"o{a}", f"o{b}", float(rng.integers(0, 10)) / 10),)
            issues.append(Issue(f"i{i}", f"Issue {i}", scale, options, distances=dist))
    statements = []
    for p in range(n_parties):
        entries: list[tuple[str, Position | None]] = []
        for issue in issues:
            if rng.random() < missing:
                continue
            sal = float(rng.integers(0, 21)) / 20
            if issue.is_interval:
                lo, hi = sorted(int(x) for x in rng.integers(0, 1001, size=2))
                ideal: Any = float(rng.integers(lo, hi + 1))
                acc: Any = Span(float(lo), float(hi))
            elif issue.scale == "ordinal":
                lo, hi = sorted(int(x) for x in rng.integers(0, k, size=2))
                ideal = f"o{rng.integers(lo, hi + 1)}"
                acc = OptionSet(frozenset(f"o{j}" for j in range(lo, hi + 1)))
            else:
                size = int(rng.integers(1, k + 1))
                chosen = rng.choice(k, size=size, replace=False)
                ideal = f"o{chosen[0]}"
                acc = OptionSet(frozenset(f"o{j}" for j in chosen))
            entries.append(
                (
                    issue.id,
                    Position(
                        f"p{p}", issue.id, ideal, acc, sal, False, (), "", "official", ("s",), date
                    ),
                )
            )
        statements.append(Statement(f"p{p}", date, ("s",), tuple(entries)))
    return Case(
        id="synthetic",
        title=f"Synthetic {n_parties} × {n_issues} × {k}",
        as_of=date,
        parties=tuple(Party(f"p{p}", f"Party {p}", "belligerent") for p in range(n_parties)),
        issues=tuple(issues),
        sources=(Source("s", "Synthetic", "bench", "2025", "https://example.org"),),
        statements=tuple(statements),
    )


def sub_case(case: Case, issue_ids: list[str]) -> Case:
    """The same case restricted to some issues (a fresh object: an empty cache)."""
    keep = set(issue_ids)
    statements = tuple(
        dataclasses.replace(s, positions=tuple((i, p) for i, p in s.positions if i in keep))
        for s in case.statements
    )
    return dataclasses.replace(
        case, issues=tuple(i for i in case.issues if i.id in keep), statements=statements
    )


# ------------------------------------------------------------------- baseline


def loop_matrices(case: Case) -> tuple[list[list[float]], list[list[float]]]:
    """Overlap and conflict matrices, pair by pair, from the definitions (pure Python)."""
    state = case.at()
    parties = case.party_ids
    n = len(parties)
    num_o = [[0.0] * n for _ in range(n)]
    num_c = [[0.0] * n for _ in range(n)]
    den = [[0.0] * n for _ in range(n)]
    shared = [[False] * n for _ in range(n)]
    for issue in case.issues:
        pos = [state.get((p, issue.id)) for p in parties]
        if not issue.is_interval:
            ids = issue.option_ids
            table = {a: {b: (0.0 if a == b else 1.0) for b in ids} for a in ids}
            if issue.scale == "ordinal":
                rank = {o: r for r, o in enumerate(ids)}
                table = {a: {b: abs(rank[a] - rank[b]) / (len(ids) - 1) for b in ids} for a in ids}
            for x, y, d in issue.distances:
                table[x][y] = table[y][x] = d
        for r in range(n):
            a = pos[r]
            if a is None:
                continue
            for c in range(n):
                b = pos[c]
                if b is None:
                    continue
                w = (a.salience + b.salience) / 2
                if issue.is_interval:
                    A, B = a.acceptable, b.acceptable
                    assert isinstance(A, Span) and isinstance(B, Span)
                    lo, hi = max(A.lo, B.lo), min(A.hi, B.hi)
                    inter = max(0.0, hi - lo)
                    union = (A.hi - A.lo) + (B.hi - B.lo) - inter
                    ov = inter / union if union > 0 else (1.0 if lo <= hi else 0.0)
                    gap = max(0.0, lo - hi) / issue.width
                else:
                    assert isinstance(a.acceptable, OptionSet) and isinstance(
                        b.acceptable, OptionSet
                    )
                    SA, SB = a.acceptable.ids, b.acceptable.ids
                    ov = len(SA & SB) / len(SA | SB)
                    gap = min(table[x][y] for x in SA for y in SB)
                num_o[r][c] += w * ov
                num_c[r][c] += w * gap
                den[r][c] += w
                shared[r][c] = True
    overlap = [[math.nan] * n for _ in range(n)]
    conflict = [[math.nan] * n for _ in range(n)]
    for r in range(n):
        for c in range(n):
            if r == c:
                if shared[r][c]:
                    overlap[r][c], conflict[r][c] = 1.0, 0.0
            elif shared[r][c] and den[r][c] > 0:
                overlap[r][c] = num_o[r][c] / den[r][c]
                conflict[r][c] = num_c[r][c] / den[r][c]
    return overlap, conflict


def vectorised(case: Case) -> tuple[np.ndarray, np.ndarray]:
    return (
        engine.overlap_matrix(case).to_numpy(),
        engine.conflict_matrix(case).to_numpy(),
    )


# -------------------------------------------------------------------- timing


def best_of(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, out = math.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def same(a: np.ndarray, b: list[list[float]], tol: float = 1e-9) -> float:
    """Largest absolute difference; raises when NaN patterns differ or it exceeds tol."""
    e = np.array(b, dtype=float)
    if not np.array_equal(np.isnan(a), np.isnan(e)):
        raise AssertionError("NaN entries differ between the engine and the loop")
    diff = float(np.max(np.abs(a[~np.isnan(a)] - e[~np.isnan(e)]), initial=0.0))
    if diff > tol:
        raise AssertionError(f"engine and loop differ by {diff:g} > {tol:g}")
    return diff


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--parties", type=int, default=200)
    ap.add_argument("--issues", type=int, default=500)
    ap.add_argument("--options", type=int, default=7)
    ap.add_argument(
        "--baseline-issues", type=int, default=25, help="issues the loop baseline runs on (0: all)"
    )
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument(
        "--quick", action="store_true", help="60 parties × 60 issues; the baseline on every issue"
    )
    args = ap.parse_args(argv)
    if args.quick:
        args.parties, args.issues, args.baseline_issues = 60, 60, 0

    t0 = time.perf_counter()
    case = synthetic_case(args.parties, args.issues, args.options)
    build = time.perf_counter() - t0
    n_pos = sum(len(s.positions) for s in case.statements)
    print(f"case: {args.parties} parties × {args.issues} issues × {args.options} options, "
          f"mixed scales, {n_pos} positions (built in {build:.1f} s)")  # fmt: skip

    # vectorised, cold (positions resolved and arrays built inside the timing) and
    # warm (arrays cached; the matrices recomputed: their cache entry is dropped)
    cold, _ = best_of(lambda: vectorised(dataclasses.replace(case)), args.repeat)
    warm_case = dataclasses.replace(case)
    vectorised(warm_case)

    def warm_run() -> tuple[np.ndarray, np.ndarray]:
        for key in [k for k in warm_case._cache if k[0] == "totals"]:
            del warm_case._cache[key]
        return vectorised(warm_case)

    warm, (ov, cf) = best_of(warm_run, args.repeat)
    tracemalloc.start()
    vectorised(dataclasses.replace(case))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    # baseline on a subset of the issues (or all), with every party
    m = args.issues if args.baseline_issues <= 0 else min(args.baseline_issues, args.issues)
    subset = [i.id for i in case.issues[:m]]
    small = sub_case(case, subset)
    loop_time, (lov, lcf) = best_of(lambda: loop_matrices(small), 1)
    sov, scf = vectorised(sub_case(case, subset))
    d1, d2 = same(sov, lov), same(scf, lcf)
    if m == args.issues:
        d1, d2 = max(d1, same(ov, lov)), max(d2, same(cf, lcf))
    loop_full = loop_time * args.issues / m
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    print()
    print(f"{'what':<46}{'time (s)':>12}{'vs loop':>10}")
    print("-" * 68)
    measured = "measured" if m == args.issues else f"measured on {m} issues, × {args.issues / m:g}"
    print(f"{'loop baseline, ' + measured:<46}{loop_full:>12.3f}{'1×':>10}")
    print(
        f"{'engine, cold (positions resolved, arrays built)':<46}{cold:>12.3f}{loop_full / cold:>9.0f}×"
    )
    print(
        f"{'engine, warm (arrays cached, matrices not)':<46}{warm:>12.3f}{loop_full / warm:>9.0f}×"
    )
    print("-" * 68)
    print(f"same numbers: max |Δ| overlap {d1:.1e}, conflict {d2:.1e} (tolerance 1e-9; "
          f"{'all issues' if m == args.issues else f'the {m}-issue subset'})")  # fmt: skip
    print(f"peak memory: {peak / 2**20:.1f} MiB traced during the engine run; "
          f"{rss:.0f} MiB peak RSS for the whole process (case objects included)")  # fmt: skip
    ok = loop_full / cold >= 50 and peak < 2**30
    if args.quick:
        print("target (≥ 50× cold, < 1 GiB) applies to the full size; run without --quick")
        return 0
    print(f"target ≥ 50× (cold) and < 1 GiB: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
