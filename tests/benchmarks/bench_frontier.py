"""Benchmark: the exact Pareto frontier of packages against brute force and NegMAS.

Run as a script (pytest does not collect it)::

    sh tests/benchmarks/negmas_env.sh                    # once: NegMAS in its own venv
    python tests/benchmarks/bench_frontier.py            # everything below
    python tests/benchmarks/bench_frontier.py --quick    # 8^6 brute force only
    python tests/benchmarks/bench_frontier.py --no-brute-9   # skip the ~1e8-package brute force
    python tests/benchmarks/bench_frontier.py --no-negmas    # skip NegMAS (minutes)

**NegMAS environment.** NegMAS is a peer used only here, never a dependency
of zopa: ``negmas_env.sh`` creates ``/tmp/negmas-env`` (``python3 -m venv
/tmp/negmas-env && /tmp/negmas-env/bin/pip install 'negmas==0.16.*'``);
``--negmas-python`` points elsewhere. NegMAS runs in a subprocess from that
interpreter (``negmas_frontier.py``) on the same per-issue utility arrays,
saved to ``.npy``; only its frontier call is timed there.

**Synthetic cases** (:func:`synthetic_case`): n issues of k options (ordinal
and nominal alternately; nominal issues get a random distance table so that
many options are Pareto-relevant), random ideals, saliences on a 0.01 grid.

**Brute force** (two parties): enumerates every package with numpy in chunks
(one chunk per combination of the first n − 6 issues, 8^6 packages a chunk),
keeps each chunk's non-dominated vectors with their counts (utilities rounded
to 1e-9) and merges the chunks. Where both run, the two results must have the
same utility vectors (within 1e-9) and the same counts.

**Against NegMAS 0.16.** Both sides get the same utility contributions per
party, issue and option: zopa's :func:`engine.solve.frontier.additive_frontier`
the exact ones as integers (each party's ``s · closeness`` scaled by its least
common denominator, as :func:`pareto_packages` does), NegMAS the same values
normalised to ``U_p`` as floats (one ``LinearAdditiveUtilityFunction`` per
party). NegMAS's ``pareto_frontier`` (enumerate, evaluate, filter) is timed
for three parties at 10^6 packages (6 issues × 10 options) and four at 8^7;
for two parties at 10^6 its ``MOBANOSParetoSampler`` (issue by issue, like
zopa) is timed instead, many times (median). zopa is timed at two levels:
``additive_frontier`` (the kernel, on the integer tables: the like-for-like
counterpart of NegMAS's call, which starts from its ufuns) and
``pareto_packages`` (the full public call from a case: utilities, frontier,
table and Nash point), each a median of repeated runs, just before and just
after NegMAS; the slower of the two medians is kept. Wall-clock ratios move
with the machine's load (NegMAS's single run lasts a minute, zopa's a
fraction of a second), so the ratio of CPU times (``time.process_time``) is
printed beside it; a ratio target is met when both are (for the kernel; the
full call's ratios are printed too). The two frontiers are compared point
by point with a 1e-9 tolerance (max norm): points of each side missing on the
other; NegMAS points within 1e-9 of being dominated by a zopa point (float
sums that tie exactly on one party and differ by an ulp on another) are
counted apart; for matched points NegMAS's number of outcomes is compared with
zopa's ``#packages``.

**Targets** (the issue's), summed up at the end of a run: 4 parties at 8^12
in ≤ 10 s through :func:`pareto_packages`; ≥ 1,000× NegMAS's
``pareto_frontier`` for three parties at 10^6 and four at 8^7, in one run,
with the frontiers compared point by point; and, for two parties at 10^6,
the full call under 2 ms (NegMAS's MOBANOS printed beside it). Runs on a
shared machine are recorded in docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from engine import Case, Issue, Option, OptionSet, Party, Position, Source, Statement
from engine.solve.bargaining import COUNT, pareto_packages
from engine.solve.frontier import additive_frontier
from engine.solve.integers import _contributions

HERE = Path(__file__).resolve().parent
NEGMAS_PYTHON = "/tmp/negmas-env/bin/python"

DATE = dt.date(2024, 1, 1)
K = 8


def synthetic_case(
    n_issues: int, seed: int = 0, parties: tuple[str, ...] = ("a", "b"), k: int = K
) -> Case:
    rng = np.random.default_rng(seed)
    issues = []
    for n in range(n_issues):
        options = tuple(Option(f"o{j}", f"Option {j}") for j in range(k))
        if n % 2 == 0:
            issues.append(Issue(f"i{n}", f"Issue {n}", "ordinal", options))
        else:
            table = tuple(
                (f"o{a}", f"o{b}", round(float(rng.uniform(0.1, 1.0)), 2))
                for a, b in itertools.combinations(range(k), 2)
            )
            issues.append(Issue(f"i{n}", f"Issue {n}", "nominal", options, distances=table))
    statements = []
    for party in parties:
        entries = []
        for issue in issues:
            ideal = f"o{rng.integers(0, k)}"
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


# ------------------------------------------------------------------ NegMAS


def utility_tables(
    case: Case, parties: tuple[str, ...]
) -> tuple[list[np.ndarray], np.ndarray, list[Fraction]]:
    """Per issue, the exact contributions as integers (options × parties), as zopa gets them.

    Also the same contributions normalised to ``U_p`` as floats (issues ×
    options × parties, what NegMAS gets) and each party's divisor (integer
    units per unit of ``U_p``).
    """
    state = case.at()
    mine = {key: v for key, v in state.items() if key[0] in parties}
    used = list(case.issue_ids)
    candidates = {i: case.issue(i).option_ids for i in used}
    issues = {i: case.issue(i) for i in used}
    parts = [_contributions(issues, mine, p, candidates) for p in parties]
    divisor = [part.scale * part.salience for part in parts]
    ints, floats = [], []
    for i in used:
        exact = [[part.units[i][o] for part in parts] for o in range(len(candidates[i]))]
        ints.append(np.array(exact, dtype=np.int64))
        floats.append([[float(x / divisor[n]) for n, x in enumerate(row)] for row in exact])
    return ints, np.array(floats, dtype=float), divisor


def as_floats(points: np.ndarray, divisor: list[Fraction]) -> np.ndarray:
    """zopa's integer frontier vectors as ``U_p`` floats (correctly rounded)."""
    return np.array(
        [[float(int(x) / divisor[n]) for n, x in enumerate(row)] for row in points], dtype=float
    ).reshape(-1, len(divisor))


def run_negmas(
    python: str, floats: np.ndarray, method: str, repeat: int
) -> tuple[list[float], list[float], np.ndarray, str]:
    """NegMAS's frontier in its own interpreter: wall and CPU times, frontier points, version."""
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "utilities.npy", Path(tmp) / "frontier.npy"
        np.save(src, floats)
        done = subprocess.run(
            [python, str(HERE / "negmas_frontier.py"), str(src), str(dst), method, str(repeat)],
            capture_output=True,
            text=True,
            check=True,
        )
        report = json.loads(done.stdout.strip().splitlines()[-1])
        return report["times"], report["cpu"], np.load(dst), report["negmas"]


def compare(zopa: np.ndarray, counts: np.ndarray, negmas: np.ndarray, tol: float = 1e-9) -> dict:
    """Point-by-point comparison of two frontiers (max norm, tolerance ``tol``)."""
    z_tree, n_tree = cKDTree(zopa), cKDTree(negmas)
    z_dist, _ = n_tree.query(zopa, p=np.inf)
    n_dist, n_near = z_tree.query(negmas, p=np.inf)
    matched = n_dist <= tol
    extra = negmas[~matched]
    # NegMAS points within tol of being dominated by a zopa point (float ties broken by an ulp)
    ulp = []
    for e in extra:
        over = np.flatnonzero((zopa >= e - tol).all(axis=1))
        if over.size:
            ulp.append((e, zopa[over[np.argmin(np.abs(zopa[over] - e).max(axis=1))]]))
    outcomes = np.bincount(n_near[matched], minlength=len(zopa))
    found = outcomes > 0
    return {
        "zopa": len(zopa),
        "negmas_outcomes": len(negmas),
        "missing_in_negmas": int((z_dist > tol).sum()),
        "negmas_extra": len(extra),
        "negmas_extra_ulp": len(ulp),
        "ulp_pairs": ulp,
        "counts_equal": int((outcomes[found] == np.array([int(c) for c in counts])[found]).sum()),
        "counts_compared": int(found.sum()),
    }


def _median_time(fn, repeat: int) -> tuple[float, float, object]:  # type: ignore[no-untyped-def]
    """Median wall-clock and CPU seconds of ``repeat`` calls (after one warm-up), and a result."""
    out = fn()
    times, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(times), statistics.median(cpu), out


#: the NegMAS rows: parties, issues, options, NegMAS method, repeats of zopa's kernel, of
#: its full call and of NegMAS
NEGMAS_ROWS = [
    (("a", "b", "c"), 6, 10, "pareto_frontier", 30, 10, 1),
    (("a", "b", "c", "d"), 7, 8, "pareto_frontier", 10, 5, 1),
    (("a", "b"), 6, 10, "mobanos", 300, 300, 300),
]


def _zopa_medians(
    case: Case, parties: tuple[str, ...], ints: list[np.ndarray], reps: tuple[int, int]
):  # type: ignore[no-untyped-def]
    """Medians of zopa's kernel and full call: ((wall, CPU), (wall, CPU)) and the kernel's result."""
    kw, kc, out = _median_time(lambda: additive_frontier(ints), reps[0])
    fw, fc, _ = _median_time(lambda: pareto_packages(case, list(parties)), reps[1])
    return (kw, kc), (fw, fc), out


def _slower(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    return max(a[0], b[0]), max(a[1], b[1])


def _ratio(x: float) -> str:
    return f"{x:7.0f}×" if x >= 10 else f"{x:7.2f}×"


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:9.2f} ms" if seconds < 10 else f"{seconds:9.2f} s "


def against_negmas(python: str, results: dict) -> int:  # type: ignore[type-arg]
    """zopa against NegMAS on the same utilities, each row in one run; 0 when every target is met.

    zopa is timed just before and just after NegMAS (medians) and the slower
    median is kept, so that a quiet moment for zopa does not inflate a ratio.
    """
    status = 0
    print(
        f"\nagainst NegMAS (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; "
        "zopa timed before and after NegMAS, the slower median kept):"
    )
    for parties, n, k, method, z_rep, p_rep, n_rep in NEGMAS_ROWS:
        case = synthetic_case(n, seed=n, parties=parties, k=k)
        ints, floats, divisor = utility_tables(case, parties)
        kernel, full, (points, counts, _) = _zopa_medians(case, parties, ints, (z_rep, p_rep))
        times, cpu, neg, version = run_negmas(python, floats, method, n_rep)
        kernel2, full2, _ = _zopa_medians(case, parties, ints, (z_rep, p_rep))
        kernel, full = _slower(kernel, kernel2), _slower(full, full2)
        negmas = statistics.median(times), statistics.median(cpu)
        cmp = compare(as_floats(points, divisor), counts, neg)
        same = cmp["missing_in_negmas"] == 0 and cmp["negmas_extra"] == cmp["negmas_extra_ulp"]
        status |= 0 if same else 1
        name = "MOBANOSParetoSampler" if method == "mobanos" else "pareto_frontier"
        runs = f"median of {n_rep}" if n_rep > 1 else "1 run"
        print(
            f"\n  {len(parties)} parties, {k}^{n} = {k**n:.3g} packages, {len(points)} frontier points"
        )
        print(
            f"    NegMAS {version} {name:21s} {_ms(negmas[0])} wall {_ms(negmas[1])} CPU  ({runs})"
        )
        row = {"points": len(points), "negmas": negmas, "kernel": kernel, "full": full, "cmp": cmp}
        for label, (wall, cpu_) in (("additive_frontier", kernel), ("pareto_packages", full)):
            print(
                f"    zopa {label:28s} {_ms(wall)} wall {_ms(cpu_)} CPU  NegMAS ÷ zopa "
                f"{_ratio(negmas[0] / wall)} wall, {_ratio(negmas[1] / max(cpu_, 1e-9))} CPU"
            )
        if method == "mobanos":
            ok = full[0] < 0.002
            print(
                f"    target: the full call (pareto_packages) under 2 ms: "
                f"{'met' if ok else 'NOT MET'} ({full[0] * 1e3:.2f} ms; NegMAS's MOBANOS "
                f"{negmas[0] * 1e3:.2f} ms)"
            )
        else:
            ratios = [negmas[0] / kernel[0], negmas[1] / max(kernel[1], 1e-9)]
            full_ratios = [negmas[0] / full[0], negmas[1] / max(full[1], 1e-9)]
            ok = min(ratios) >= 1000
            print(
                f"    target ≥ 1000× (additive_frontier, wall and CPU): "
                f"{'met' if ok else 'NOT MET'}; the full call: "
                f"{'also' if min(full_ratios) >= 1000 else 'NOT'} ≥ 1000×"
            )
        status |= 0 if ok else 1
        row["ok"] = ok
        results[(len(parties), k, n)] = row
        _print_comparison(cmp, version, same)
    return status


def _print_comparison(cmp: dict, version: str, same: bool) -> None:  # type: ignore[type-arg]
    print(
        f"    point by point (max norm ≤ 1e-9): zopa {cmp['zopa']} points, NegMAS {version} "
        f"{cmp['negmas_outcomes']} outcomes; zopa points missing in NegMAS "
        f"{cmp['missing_in_negmas']}; NegMAS points off zopa's frontier {cmp['negmas_extra']}, "
        f"of which ulp ties (within 1e-9 of dominated) {cmp['negmas_extra_ulp']}; NegMAS "
        f"outcomes per point = zopa #packages for {cmp['counts_equal']}/{cmp['counts_compared']} "
        f"points -> {'SAME FRONTIER' if same else 'DIFFERENT'}"
    )
    for extra, over in cmp["ulp_pairs"]:
        print(
            f"      NegMAS keeps {np.array2string(extra, precision=17)}, weakly dominated by "
            f"zopa's {np.array2string(over, precision=17)} (difference "
            f"{np.array2string(over - extra, precision=3)})"
        )


def at_scale(results: dict) -> int:  # type: ignore[type-arg]
    """Four parties at 8^9 and 8^12: the full call and the array-level frontier."""
    status = 0
    print(f"\nfour parties, no peer (load average {os.getloadavg()[0]:.1f}):")
    for n in (9, 12):
        parties = ("a", "b", "c", "d")
        case = synthetic_case(n, seed=n, parties=parties)
        ints, _, _ = utility_tables(case, parties)
        t0 = time.perf_counter()
        points, _, _ = additive_frontier(ints)
        ta = time.perf_counter() - t0
        t0, c0 = time.perf_counter(), time.process_time()
        front = pareto_packages(case, list(parties))
        tp, cp = time.perf_counter() - t0, time.process_time() - c0
        ok = tp <= 10 or n != 12
        status |= 0 if ok else 1
        target = f"  target ≤ 10 s: {'met' if ok else 'NOT MET'}" if n == 12 else ""
        print(
            f"  8^{n} = {8**n:.3g} packages: {len(front)} points; pareto_packages {tp:6.2f} s "
            f"wall ({cp:.2f} s CPU), additive_frontier {ta:6.2f} s{target}"
        )
        assert len(points) == len(front)
        results[("scale", n)] = (len(front), tp, cp, ok)
    return status


def summary(results: dict) -> None:  # type: ignore[type-arg]
    """The issue's targets, as measured in this run."""
    print(f"\ntargets, this run ({dt.date.today()}, load average {os.getloadavg()[0]:.1f}):")
    if ("scale", 12) in results:
        pts, tp, cp, ok = results[("scale", 12)]
        print(
            f"  4 parties at 8^12, pareto_packages: {tp:.2f} s wall ({cp:.2f} s CPU), "
            f"{pts} points; ≤ 10 s: {'met' if ok else 'NOT MET'}"
        )
    for key, label in (((3, 10, 6), "3 parties at 10^6"), ((4, 8, 7), "4 parties at 8^7")):
        if key in results:
            r = results[key]
            print(
                f"  {label} against NegMAS pareto_frontier: additive_frontier "
                f"{r['negmas'][0] / r['kernel'][0]:.0f}× wall, "
                f"{r['negmas'][1] / r['kernel'][1]:.0f}× CPU; pareto_packages "
                f"{r['negmas'][0] / r['full'][0]:.0f}× wall, {r['negmas'][1] / r['full'][1]:.0f}× "
                f"CPU; ≥ 1000×: {'met' if r['ok'] else 'NOT MET'}; NegMAS ulp-tie points "
                f"{r['cmp']['negmas_extra_ulp']}, other differences "
                f"{r['cmp']['negmas_extra'] - r['cmp']['negmas_extra_ulp'] + r['cmp']['missing_in_negmas']}"
            )
    if (2, 10, 6) in results:
        r = results[(2, 10, 6)]
        print(
            f"  2 parties at 10^6, fixed overhead: pareto_packages {r['full'][0] * 1e3:.2f} ms, "
            f"additive_frontier {r['kernel'][0] * 1e3:.2f} ms, NegMAS MOBANOS "
            f"{r['negmas'][0] * 1e3:.2f} ms; pareto_packages < 2 ms: "
            f"{'met' if r['ok'] else 'NOT MET'}"
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
    ap.add_argument("--no-negmas", action="store_true", help="skip the comparison with NegMAS")
    ap.add_argument(
        "--negmas-python",
        default=NEGMAS_PYTHON,
        help=f"the NegMAS environment's interpreter (default {NEGMAS_PYTHON})",
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
    results: dict = {}  # type: ignore[type-arg]
    if not args.quick:
        status |= at_scale(results)
        if args.no_negmas:
            print("\nNegMAS skipped (--no-negmas)")
        elif not Path(args.negmas_python).exists():
            print(
                f"\nNegMAS skipped: no interpreter at {args.negmas_python}"
                " (run tests/benchmarks/negmas_env.sh, or pass --negmas-python)"
            )
        else:
            status |= against_negmas(args.negmas_python, results)
        summary(results)
    return status


if __name__ == "__main__":
    sys.exit(main())
