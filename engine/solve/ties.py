"""The fixed tie order of the settlement search, and exact numbers after it.

Every optimal package is enumerated and the one reported is chosen by the
stated tie rule (leximin of party costs, then the fewest concessions, then
case order); :func:`_polish_linear` then solves the objective's stages again
with the candidates fixed, so the numbers reported are exact vertices (see
:func:`engine.solve.settlement.settle`, Notes, "Ties").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np

from engine.model.case import Outcome
from engine.solve.programme import _Lin, _Programme, _Row
from engine.solve.results import Alternative, _alternative, _evaluate, _party_costs

_MAX_CUT_ROUNDS = 200


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


# ======================================================= every optimal package

#: The tie rule, in words (:attr:`Settlement.tie_rule`).
TIE_RULE = (
    "leximin of the party costs (the largest as low as possible, then the next largest, …), "
    "then the fewest concessions, then the first option in each issue's order (on interval "
    "issues the lowest number), issues in case order"
)

#: Per-party numbers of a package other than its costs (see :func:`_interval_range`).
_Measure = Callable[[Mapping[str, Outcome]], dict[str, float]]

#: At most this many optimal packages are enumerated to apply the tie rule.
MAX_OPTIMA = 64

#: A cost that changes by less than this across a cell is constant there (float noise).
_FLAT = 1e-12

#: Costs are compared at this many decimals in the tie rule (far below the tolerance).
_DECIMALS = 9


def _tie_key(prog: _Programme, package: Mapping[str, Outcome]) -> tuple[Any, ...]:
    """The sort key of the tie rule (:data:`TIE_RULE`): smaller is reported first."""
    ev = _evaluate(prog, package)
    pcost = _party_costs(prog, ev.costs)
    leximin = tuple(sorted((round(c, _DECIMALS) for c in pcost.values()), reverse=True))
    concessions = sum(not _same(package[pos.issue], pos.ideal) for pos in prog.positions)
    order = tuple(
        float(package[i.id]) if i.is_interval else i.option_ids.index(str(package[i.id]))
        for i in prog.issues
    )
    return (leximin, concessions, order)


def _same(a: Outcome, b: Outcome) -> bool:
    return float(a) == float(b) if isinstance(a, float) else a == b


def _package_key(prog: _Programme, package: Mapping[str, Outcome]) -> tuple[Outcome, ...]:
    return tuple(package[i.id] for i in prog.issues)


def _optima(
    prog: _Programme,
    rows: Sequence[_Row],
    x: np.ndarray,
    polish: Callable[[np.ndarray], np.ndarray] | None = None,
) -> tuple[list[dict[str, Outcome]], bool]:
    """Every optimal package (up to :data:`MAX_OPTIMA`), sorted by the tie rule.

    ``rows`` hold the objective at its optimum (within the tolerance); each
    package found adds a **no-good cut** on the binary choice variables,
    Σ_i y_i,chosen(i) ≤ |I| − 1, which excludes exactly that combination of
    candidates, until the MILP is infeasible (every optimum found) or
    :data:`MAX_OPTIMA` are found (the second value is then True).
    ``polish`` maps a solution to its canonical numbers (segments); two
    candidate combinations giving the same package count once.
    """
    cuts: list[_Row] = []
    found: dict[tuple[Outcome, ...], dict[str, Outcome]] = {}
    capped = False
    for _ in range(4 * MAX_OPTIMA):  # duplicates (segment ends) do not count
        sol = polish(x) if polish is not None else x
        pkg = prog.package(sol)
        found.setdefault(_package_key(prog, pkg), pkg)
        chosen = prog.chosen(x)
        cuts.append(
            (_Lin({prog.y[i][k]: 1.0 for i, k in chosen.items()}), -math.inf, len(chosen) - 1.0)
        )
        if len(found) >= MAX_OPTIMA:
            capped = True
            break
        res = prog.solve(_Lin(), [*rows, *cuts])
        if res.x is None:
            break
        x = prog.clean(res.x)
    packages = sorted(found.values(), key=lambda p: _tie_key(prog, p))
    return packages, capped


def _interval_range(
    prog: _Programme,
    package: Mapping[str, Outcome],
    issue_id: str,
    ok: Callable[[dict[str, float], float], bool],
    bounds: Sequence[tuple[Mapping[str, float], float]],
    measure: _Measure | None = None,
) -> tuple[float, float]:
    """The equally good values of one interval issue, the other outcomes fixed.

    ``ok(party_costs, total)`` says whether a package is optimal (within
    the tolerance); ``bounds`` lists the optimum as linear constraints
    ``Σ_p coef_p · cost_p ≤ b`` with ``b`` the optimal value itself (a
    coefficient for the key ``"*"`` multiplies the total), so the tolerance
    never widens a range. ``measure`` replaces the party costs by other
    per-party numbers linear inside a cell (``nash``: the gains U_p − d_p;
    the key ``"*"`` is then their sum). At each
    breakpoint the package is evaluated directly. Inside an open cell
    between breakpoints every cost is linear in the value and every
    condition and red line constant, so two interior evaluations give each
    cost exactly and the good values of the cell form an interval, found by
    intersecting the half-lines. Returns the connected run of good values
    that contains the package's value.
    """
    issue = prog.case.issue(issue_id)
    xs = sorted({a.lo for a in prog.atoms[issue_id]} | {a.hi for a in prog.atoms[issue_id]})
    v0 = float(package[issue_id])

    def costs(v: float) -> tuple[dict[str, float], float, bool]:
        pkg = {**package, issue_id: v}
        ev = _evaluate(prog, pkg)
        if measure is not None:
            m = measure(pkg)
            return m, float(sum(m.values())), not ev.crossed
        pc = _party_costs(prog, ev.costs)
        return pc, float(sum(ev.costs.values())), not ev.crossed

    def good_point(v: float) -> bool:
        pc, total, feasible = costs(v)
        return feasible and ok(pc, total)

    def good_cell(a: float, b: float) -> tuple[float, float] | None:
        v1, v2 = a + (b - a) / 3, a + 2 * (b - a) / 3
        p1, t1, f1 = costs(v1)
        p2, t2, _ = costs(v2)
        if not f1:
            return None
        lo, hi = a, b
        for coefs, bound in bounds:
            g1 = sum(c * (t1 if k == "*" else p1[k]) for k, c in coefs.items())
            g2 = sum(c * (t2 if k == "*" else p2[k]) for k, c in coefs.items())
            slope = (g2 - g1) / (v2 - v1)
            at_a = g1 + slope * (a - v1)  # g(v) = at_a + slope (v − a) ≤ bound
            if abs(slope) * (b - a) <= _FLAT:
                if at_a > bound:
                    return None
            elif slope > 0:
                hi = min(hi, a + (bound - at_a) / slope)
            else:
                lo = max(lo, a + (bound - at_a) / slope)
        return (lo, hi) if lo <= hi else None

    eps = 1e-9 * issue.width
    k0 = next((k for k, x in enumerate(xs) if abs(x - v0) <= eps), None)
    if k0 is None:  # inside a cell
        c = next(k for k in range(len(xs) - 1) if xs[k] < v0 < xs[k + 1])
        cell = good_cell(xs[c], xs[c + 1])
        if cell is None:
            return (v0, v0)
        lo, hi = cell
        left, right = (c, c + 1)
        if lo > xs[c] + eps:
            left = -1
        if hi < xs[c + 1] - eps:
            right = -1
    else:
        lo = hi = xs[k0]
        left = right = k0
    # extend to the right through good breakpoints and cells that span them
    while right != -1 and abs(hi - xs[right]) <= eps and good_point(xs[right]):
        if right + 1 >= len(xs):
            break
        cell = good_cell(xs[right], xs[right + 1])
        if cell is None or cell[0] > xs[right] + eps:
            break
        hi = cell[1]
        right = right + 1 if cell[1] >= xs[right + 1] - eps else -1
    while left != -1 and abs(lo - xs[left]) <= eps and good_point(xs[left]):
        if left == 0:
            break
        cell = good_cell(xs[left - 1], xs[left])
        if cell is None or cell[1] < xs[left] - eps:
            break
        lo = cell[0]
        left = left - 1 if cell[0] <= xs[left - 1] + eps else -1
    if hi - lo <= 1e-6 * issue.width:  # float noise around one point
        return (v0, v0)
    return (round(lo, 9), round(hi, 9))


def _with_optima(
    prog: _Programme,
    packages: list[dict[str, Any]],
    capped: bool,
    k: int,
    ok: Callable[[dict[str, float], float], bool],
    bounds: list[tuple[dict[str, float], float]],
    measure: _Measure | None = None,
) -> dict[str, Any]:
    """The fields of :class:`Settlement` about other optima; the first package is reported."""
    best = packages[0]
    ranges = {}
    for iss in prog.issues:
        if iss.is_interval:
            lo, hi = _interval_range(prog, best, iss.id, ok, bounds, measure)
            if hi - lo > 1e-9 * iss.width:
                ranges[iss.id] = (lo, hi)
    alts: tuple[Alternative, ...] = tuple(_alternative(prog, p) for p in packages[1 : 1 + k])
    return {
        "unique": len(packages) == 1 and not ranges,
        "n_optimal": len(packages),
        "more_optimal": capped,
        "alternatives": alts,
        "ranges": MappingProxyType(ranges),
        "tie_rule": TIE_RULE,
    }
