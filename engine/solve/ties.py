"""The fixed tie order of the settlement search, and exact numbers after it.

The package reported is the first by the stated tie rule (leximin of party
costs, then the fewest concessions, then case order), found by lexicographic
stages on the MILP (:func:`_tie_first`) whatever the number of optima; other
optima are then enumerated with no-good cuts, up to the number asked for;
:func:`_polish_linear` solves the objective's stages again with the
candidates fixed, so the numbers reported are exact vertices (see
:func:`engine.solve.settlement.settle`, Notes, "Ties").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np

from engine.model.case import Issue, Outcome
from engine.solve.cost_vectors import stage_parties
from engine.solve.programme import _is, _Lin, _Programme, _Row
from engine.solve.results import (
    COST_TOLERANCE,
    Alternative,
    _alternative,
    _evaluate,
    _party_costs,
)

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

#: The default cap on the optimal packages enumerated (the tie rule does not need them).
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


def _leximin_stages(prog: _Programme) -> list[tuple[_Lin, list[_Row]]]:
    """Leximin of the party costs as lexicographic linear stages.

    Minimising, in turn, the sum of the k largest party costs for
    k = 1, …, n (held at each optimum) gives the leximin order of the cost
    vector. The sum of the k largest is the linear programme
    min k·t + Σ_p d_p with d_p ≥ cost_p − t, d_p ≥ 0 (Ogryczak and
    Tamir 2003); each stage returns its expression and the rows that
    define its auxiliary variables. The last stage (k = n) is the total.
    """
    parties = stage_parties(prog)
    stages: list[tuple[_Lin, list[_Row]]] = []
    for k in range(1, len(parties)):
        t = prog.var(0.0, math.inf, False)  # t ends at the k-th largest cost, which is ≥ 0
        expr = _Lin({t: float(k)})
        rows: list[_Row] = []
        for p in parties:
            d = prog.var(0.0, math.inf, False)
            expr.add(d, 1.0)
            rows.append((prog.party_cost(p).add(t, -1.0).add(d, -1.0), -math.inf, 0.0))
        stages.append((expr, rows))
    stages.append((prog.total_cost(), []))
    return stages


def _concession_count(prog: _Programme) -> _Lin:
    """The number of positions whose outcome is not their ideal, Σ_pos (1 − y_ideal)."""
    lin = _Lin(const=float(len(prog.positions)))
    for pos in prog.positions:
        atoms = prog.atoms[pos.issue]
        k = next((k for k, a in enumerate(atoms) if _is(a, pos.ideal)), None)
        if k is not None:
            lin.add(prog.y[pos.issue][k], -1.0)
    return lin


def _order(prog: _Programme, issue_id: str) -> _Lin:
    """The chosen outcome's place: an option's index in the issue's order, or the number."""
    issue = prog.case.issue(issue_id)
    lin = _Lin()
    for k, (v, a) in enumerate(zip(prog.y[issue_id], prog.atoms[issue_id], strict=True)):
        if a.option is not None:
            lin.add(v, float(issue.option_ids.index(a.option)))
        else:
            lin.add(v, a.lo)
            if a.segment:
                lin.add(prog.lam[issue_id][k], a.hi - a.lo)
    return lin


def _tie_first(
    prog: _Programme,
    rows: Sequence[_Row],
    x: np.ndarray,
    leximin: Sequence[float] | None = None,
) -> np.ndarray:
    """The first optimum by the tie rule (:data:`TIE_RULE`), by lexicographic stages.

    ``rows`` hold the objective at its optimum. The stages minimise, each
    held at its optimum before the next: the leximin stages of the party
    costs (:func:`_leximin_stages`, held within :data:`COST_TOLERANCE`),
    the number of concessions (an integer), then each issue's place in case
    order (an option's index, or the number on interval issues), a run of
    issues at a time (:func:`_order_chunks`). An issue's
    stage fixes its chosen candidate (and, on a segment, holds the number
    within 1e-9 of the issue's width), so the optimum of the last stage is
    the tie rule's first package whatever the number of optima. ``x`` (an
    optimum) is returned if the solver fails on a stage. ``leximin``: the
    leximin stages' optimal values when already known
    (:func:`engine.solve.cost_vectors.leximin_values`); each is then held
    without a solve.
    """
    held: list[_Row] = list(rows)
    fixed: dict[int, float] = {}
    stages = [(expr, aux, COST_TOLERANCE) for expr, aux in _leximin_stages(prog)]
    known = list(leximin or [])
    stages.append((_concession_count(prog), [], 0.5))
    for n, (expr, aux, slack) in enumerate(stages):
        held.extend(aux)
        if n < len(known):
            held.append((expr, -math.inf, known[n] + slack))
            continue
        res = prog.solve(expr, held)
        if res.x is None or res.value is None:  # pragma: no cover - solver trouble
            return prog.clean(x)
        x = res.x
        held.append((expr, -math.inf, res.value + slack))
    for chunk in _order_chunks(prog):
        order = _order(prog, chunk[0].id) if len(chunk) == 1 else _places(prog, chunk)
        res = prog.solve(order, held, fixed=fixed)
        if res.x is None or res.value is None:  # pragma: no cover - solver trouble
            break
        x = prog.clean(res.x)
        for iss in chunk:
            k = prog.chosen(x)[iss.id]
            fixed[prog.y[iss.id][k]] = 1.0
            if prog.atoms[iss.id][k].segment:
                held.append((order, -math.inf, res.value + 1e-9 * iss.width))
    return prog.clean(x)


#: The largest mixed-radix number one order stage minimises (far from solver tolerance).
_MAX_RADIX = 10_000


def _order_chunks(prog: _Programme) -> list[list[Issue]]:
    """The issues with a choice, in case order, in runs that one order stage can settle.

    An issue with segments (a number inside a cell) has a stage of its own;
    consecutive issues without segments share one while the product of
    their numbers of candidates stays within :data:`_MAX_RADIX`.
    """
    chunks: list[list[Issue]] = []
    size = _MAX_RADIX + 1
    for iss in prog.issues:
        atoms = prog.atoms[iss.id]
        if len(atoms) == 1:
            continue
        if any(a.segment for a in atoms):
            chunks.append([iss])
            size = _MAX_RADIX + 1
        elif size * len(atoms) <= _MAX_RADIX:
            chunks[-1].append(iss)
            size *= len(atoms)
        else:
            chunks.append([iss])
            size = len(atoms)
    return chunks


def _places(prog: _Programme, chunk: Sequence[Issue]) -> _Lin:
    """The chosen candidates' places as one mixed-radix number, the first issue most significant.

    Without segments a candidate's place in ``prog.atoms`` is its place in
    the tie rule's order (options in the issue's order, numbers ascending),
    so minimising Σ_i w_i · place_i with w_i the product of the later
    issues' numbers of candidates minimises the places lexicographically.
    """
    lin = _Lin()
    weight = 1.0
    for iss in reversed(chunk):
        for k, v in enumerate(prog.y[iss.id]):
            lin.add(v, weight * k)
        weight *= len(prog.y[iss.id])
    return lin


def _nogood(prog: _Programme, x: np.ndarray) -> _Row:
    """Σ_i y_i,chosen(i) ≤ |I| − 1: every combination of candidates but the one in ``x``."""
    chosen = prog.chosen(x)
    return (_Lin({prog.y[i][k]: 1.0 for i, k in chosen.items()}), -math.inf, len(chosen) - 1.0)


def _optima(
    prog: _Programme,
    rows: Sequence[_Row],
    x: np.ndarray,
    polish: Callable[[np.ndarray], np.ndarray] | None = None,
    cap: int = MAX_OPTIMA,
    leximin: Callable[[], Sequence[float] | None] | None = None,
) -> tuple[list[dict[str, Outcome]], bool]:
    """The tie rule's first optimal package, then other optima (up to ``cap`` in all).

    ``rows`` hold the objective at its optimum (within the tolerance). When
    one more solve shows ``x`` is not the only optimum, the first package is
    found by :func:`_tie_first`, so it does not depend on how many optima
    there are or in which order the solver meets them.
    Then each package found adds a **no-good cut** on the binary choice
    variables, Σ_i y_i,chosen(i) ≤ |I| − 1, which excludes exactly that
    combination of candidates, until the MILP is infeasible (every optimum
    found) or one more than ``cap`` is found (then only ``cap`` are
    returned and the second value is True: there are more). The others
    follow the first in the tie rule's order.
    ``polish`` maps a solution to its canonical numbers (segments); two
    candidate combinations giving the same package count once.
    ``leximin`` returns the leximin stages' values when it can find them
    without the solver (:func:`engine.solve.cost_vectors.leximin_values`).
    """
    if prog.solve(_Lin(), [*rows, _nogood(prog, x)]).x is None:  # the only optimum
        return [prog.package(polish(x) if polish is not None else x)], False
    x = _tie_first(prog, rows, x, leximin() if leximin is not None else None)
    cuts: list[_Row] = []
    found: dict[tuple[Outcome, ...], dict[str, Outcome]] = {}
    capped = False
    for _ in range(4 * cap + 4):  # duplicates (segment ends) do not count
        sol = polish(x) if polish is not None else x
        pkg = prog.package(sol)
        found.setdefault(_package_key(prog, pkg), pkg)
        cuts.append(_nogood(prog, x))
        if len(found) > cap:  # one more than asked for: there are more
            capped = True
            break
        res = prog.solve(_Lin(), [*rows, *cuts])
        if res.x is None:
            break
        x = prog.clean(res.x)
    first, *others = found.values()
    return [first, *sorted(others, key=lambda p: _tie_key(prog, p))][:cap], capped


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
        "unique": len(packages) == 1 and not capped and not ranges,
        "n_optimal": len(packages),
        "more_optimal": capped,
        "alternatives": alts,
        "ranges": MappingProxyType(ranges),
        "tie_rule": TIE_RULE,
    }
