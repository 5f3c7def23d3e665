"""The fixed tie order of the settlement search, and exact numbers after it.

Among the packages within the tolerance of an optimum, :func:`_lexicographic`
picks the first in a fixed order, so the same input gives the same package;
:func:`_polish_linear` then solves the objective's stages again with the
candidates fixed, so the numbers reported are exact vertices (see
:func:`engine.solve.settlement.settle`, Notes, "Ties").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from engine.solve.programme import _Lin, _Programme, _Row

_MAX_CUT_ROUNDS = 200


def _lexicographic(
    prog: _Programme,
    rows: list[_Row],
    x: np.ndarray,
    refine: Callable[[np.ndarray], np.ndarray | None] | None = None,
) -> np.ndarray:
    """Among the solutions satisfying ``rows``, the first in the fixed order.

    Issue by issue in case order, choose the smallest candidate index
    still possible (the first option in the issue's order; the lowest
    number), then fix it. ``refine`` re-checks a candidate against the
    true objective and returns it (possibly improved) or ``None`` after
    tightening ``rows`` (Nash: the tangent cuts over-estimate).
    """
    fixed: dict[int, float] = {}
    for iss in prog.issues:
        ys = prog.y[iss.id]
        if prog.chosen(x)[iss.id] > 0:
            x = _first_candidate(prog, ys, rows, fixed, x, refine)
        fixed[ys[prog.chosen(x)[iss.id]]] = 1.0
    return x


def _first_candidate(
    prog: _Programme,
    ys: list[int],
    rows: list[_Row],
    fixed: dict[int, float],
    x: np.ndarray,
    refine: Callable[[np.ndarray], np.ndarray | None] | None,
) -> np.ndarray:
    """The solution choosing the smallest candidate index of one issue (``x`` if none is)."""
    order = _Lin({v: float(k) for k, v in enumerate(ys)})
    for _ in range(_MAX_CUT_ROUNDS):
        res = prog.solve(order, rows, fixed=fixed)
        if res.x is None:
            break
        better = res.x if refine is None else refine(res.x)
        if better is not None:
            return better
    return x


def _polish_linear(
    prog: _Programme, x: np.ndarray, rows: Sequence[_Row], stages: Sequence[tuple[_Lin, bool]]
) -> np.ndarray:
    """Exact numbers on the chosen segments, after the tie-break.

    With every candidate fixed, solve the objective's stages again
    (``(expression, maximise?)``, each then held at its optimum) and finally
    minimise Σ λ (the lowest numbers), so the tolerance the tie-break allows
    does not leak into the numbers reported.
    """
    chosen = prog.chosen(x)
    if not any(k in prog.lam[i] for i, k in chosen.items()):
        return x
    fixed = {prog.y[i][k]: 1.0 for i, k in chosen.items()}
    held: list[_Row] = list(rows)
    lams = _Lin({v: 1.0 for lam in prog.lam.values() for v in lam.values()})
    for expr, up in [*stages, (lams, False)]:
        r = prog.solve(expr, held, fixed=fixed, maximize=up)
        if r.x is None or r.value is None:
            break
        x = r.x
        slack = 1e-12 * max(1.0, abs(r.value))
        held.append(
            (expr, r.value - slack, math.inf) if up else (expr, -math.inf, r.value + slack)
        )
    return x
