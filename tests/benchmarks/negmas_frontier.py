"""NegMAS's Pareto frontier on utility arrays saved by ``bench_frontier.py``.

Run only with the benchmark's own interpreter, never zopa's (NegMAS is not a
dependency of zopa; see ``bench_frontier.py`` for setting the environment up)::

    /tmp/negmas-env/bin/python tests/benchmarks/negmas_frontier.py IN.npy OUT.npy METHOD REPEAT

``IN.npy`` holds per-issue utility contributions, shape (issues, options,
parties): party ``p`` values a package ``o`` at ``Σ_i IN[i, o_i, p]``. Each
party becomes a ``LinearAdditiveUtilityFunction`` (one ``TableFun`` per issue,
weights 1) over issues with values ``0 … options − 1``. ``METHOD`` is
``pareto_frontier`` (NegMAS's end-to-end frontier: enumerate the outcomes,
evaluate the ufuns, keep the non-dominated ones) or ``mobanos`` (two parties:
``MOBANOSParetoSampler``, NegMAS's issue-by-issue construction for linear
additive ufuns). Only that call is timed, ``REPEAT`` times. ``OUT.npy``
receives the frontier's utility vectors (outcomes × parties); one line of
JSON on stdout gives the wall-clock and CPU times in seconds and the NegMAS
version.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np


def main(argv: list[str]) -> int:
    # imported here, so that zopa's test collection (doctests) never needs NegMAS
    from negmas import __version__, make_issue
    from negmas.preferences import LinearAdditiveUtilityFunction, MOBANOSParetoSampler
    from negmas.preferences.ops import pareto_frontier
    from negmas.preferences.value_fun import TableFun

    src, dst, method, repeat = argv[0], argv[1], argv[2], int(argv[3])
    contrib = np.load(src)
    n_issues, k, d = contrib.shape
    issues = [make_issue(list(range(k)), name=f"i{i}") for i in range(n_issues)]
    ufuns = [
        LinearAdditiveUtilityFunction(
            values=[
                TableFun({o: float(contrib[i, o, p]) for o in range(k)}) for i in range(n_issues)
            ],
            weights=[1.0] * n_issues,
            issues=issues,
        )
        for p in range(d)
    ]
    times, cpu = [], []
    for _ in range(repeat):
        if method == "pareto_frontier":
            t0, c0 = time.perf_counter(), time.process_time()
            points, _ = pareto_frontier(ufuns, issues=issues)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            out = np.array(points, dtype=float).reshape(-1, d)
        elif method == "mobanos":
            t0, c0 = time.perf_counter(), time.process_time()
            sampler = MOBANOSParetoSampler()
            sampler.init(ufuns[0], ufuns[1])
            outcomes = sampler.pareto_outcomes()
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            out = np.array([[float(u(o)) for u in ufuns] for o in outcomes], dtype=float)
        else:
            raise SystemExit(f"unknown method {method!r}: pareto_frontier or mobanos")
    np.save(dst, out.reshape(-1, d))
    print(json.dumps({"times": times, "cpu": cpu, "negmas": __version__}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
