"""The ``nash`` objective of the settlement search: the largest Nash product, by outer approximation.

The gains g_p = U_p − d_p over the status quo are linear in the programme's
variables; F = Σ_p log g_p is concave and is maximised by tangent cuts, each
round closing the cell it visits (see :func:`engine.solve.settlement.settle`,
Notes, for the method and :func:`_polish` for the cell's maximiser).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from engine.model.case import Outcome
from engine.solve.programme import _Lin, _point, _position_cost, _Programme, _Row
from engine.solve.redlines import _infeasible
from engine.solve.results import COST_TOLERANCE, Settlement, _result, _utilities
from engine.solve.ties import (
    _MAX_CUT_ROUNDS,
    MAX_OPTIMA,
    _optima,
    _package_key,
    _polish_linear,
    _tie_first,
    _tie_key,
    _with_optima,
)

#: Stop the outer approximation when the bound on Σ log(gain) is this close (absolute).
NASH_GAP = 1e-7
#: Packages whose Σ log(gain) is within this of the best count as ties.
NASH_TIE = 1e-6
#: Gains within this of each other count as equal when a range of interval values is reported.
NASH_SAME = 1e-9
#: A largest smallest-gain at or below this means "no package improves every party".
GAIN_EPS = 1e-9


@dataclass(frozen=True)
class _Gains:
    """The gains g_p = U_p − d_p of the parties with a positive total salience.

    ``gain[p]`` is g_p as a linear expression of the programme's variables;
    ``d[p]`` the utility of the status quo.
    """

    prog: _Programme
    members: list[str]
    d: dict[str, float]
    gain: dict[str, _Lin]

    def true(self, x: np.ndarray) -> dict[str, float]:
        """The gains of the package a solution encodes, from the definitions."""
        u = _utilities(self.prog, self.prog.package(x))
        return {p: u[p] - self.d[p] for p in self.members}

    def polish(self, x: np.ndarray) -> np.ndarray:
        return _polish(self.prog, self.members, self.gain, x)


def _gains(prog: _Programme) -> _Gains:
    """g_p = Σ_i w_p,i (1 − D_{e_p,i}) − d_p with w_p,i = s_p,i / Σ_i s_p,i."""
    d = _utilities(prog, None)
    for p in d:  # a reservation, when given, is the disagreement utility
        r = prog.case.party(p).reservation
        d[p] = d[p] if r is None else r
    members = list(d)  # parties with a positive total salience
    sal: dict[str, float] = {}
    for pos in prog.positions:
        sal[pos.party] = sal.get(pos.party, 0.0) + pos.salience
    gain: dict[str, _Lin] = {}
    for p in members:
        g = _Lin(const=-d[p])
        for pos in prog.positions:
            if pos.party == p:
                w = pos.salience / sal[p]
                issue = prog.case.issue(pos.issue)
                g.const += w
                g.plus(_position_cost(prog, pos, _point(issue, pos.ideal)), -w)
        gain[p] = g
    return _Gains(prog, members, d, gain)


def _settle_nash(prog: _Programme, k: int = 5) -> Settlement:
    """The largest Nash product; every package reaching it; the first by the tie rule."""
    g = _gains(prog)
    # phase 1: the largest smallest gain m* (linear in (y, λ): exact)
    t = prog.var(-2.0, 2.0, False)
    trows: list[_Row] = [(_Lin({t: 1.0}).plus(g.gain[p], -1.0), -math.inf, 0.0) for p in g.members]
    res = prog.solve(_Lin({t: 1.0}), trows, maximize=True)
    if res.x is None:
        return _infeasible(prog, "nash")
    mstar = min(g.true(res.x).values(), default=0.0)
    if not g.members or mstar <= GAIN_EPS:
        return _settle_degenerate(g, t, trows, mstar, k)
    # phase 2: outer approximation of F = Σ_p log g_p
    x_inc = g.polish(res.x)
    f_inc = _log_product(g.true(x_inc))
    cuts = _start_cuts(g, x_inc, f_inc)
    x_inc, f_inc, ub, status = _approximate(cuts, x_inc, f_inc)
    packages, capped = _nash_optima(cuts, x_inc, f_inc, k + 1)
    best = packages[0]
    gstar = _package_gains(g, best)
    value = math.exp(_log_product(gstar))
    slack = 1e-12  # float noise of evaluating equal gains twice
    bounds = [
        *(({p: 1.0}, gstar[p] + slack) for p in g.members),
        *(({p: -1.0}, -gstar[p] + slack) for p in g.members),
    ]
    optima = _with_optima(
        prog, packages, capped, k,
        lambda gv, _: all(abs(gv[p] - gstar[p]) <= NASH_SAME for p in g.members),
        bounds, lambda pkg: _package_gains(g, pkg),
    )  # fmt: skip
    return _result(
        prog,
        "nash",
        best,
        bound=math.exp(ub),
        status=status,
        value=value,
        tolerance=NASH_TIE,
        optima=optima,
    )


def _settle_degenerate(
    g: _Gains, t: int, trows: list[_Row], mstar: float, k: int = 5
) -> Settlement:
    """No package improves every party: the largest smallest gain, then the largest sum."""
    prog = g.prog
    total_gain = _Lin()
    for p in g.members:
        total_gain.plus(g.gain[p])
    drows = [*trows, (_Lin({t: 1.0}), mstar - COST_TOLERANCE, math.inf)]
    res = prog.solve(total_gain, drows, maximize=True)
    assert res.x is not None
    best_sum = sum(g.true(res.x).values())
    drows.append((total_gain, best_sum - COST_TOLERANCE, math.inf))
    stages = [(_Lin({t: 1.0}), True), (total_gain, True)]
    packages, capped = _optima(
        prog, drows, prog.clean(res.x), lambda x: _polish_linear(prog, x, trows, stages), k + 1
    )
    m_lo, s_lo = mstar - COST_TOLERANCE, best_sum - COST_TOLERANCE
    bounds = [*(({p: -1.0}, -mstar) for p in g.members), ({"*": -1.0}, -best_sum)]
    optima = _with_optima(
        prog, packages, capped, k,
        lambda gv, total: min(gv.values(), default=0.0) >= m_lo and total >= s_lo,
        bounds, lambda pkg: _package_gains(g, pkg),
    )  # fmt: skip
    note = (
        "No package gives every party a gain over the status quo, so the Nash product is 0 "
        "for every package; shown instead: the package maximising the smallest gain "
        f"({mstar:.6g}), then the sum of gains."
    )
    if not g.members:
        note = "No chosen party has a positive salience: there is no utility to bargain over."
    return _result(
        prog, "nash", packages[0], bound=0.0, status="degenerate", value=0.0, note=note,
        optima=optima,
    )  # fmt: skip


def _package_gains(g: _Gains, package: Mapping[str, Outcome]) -> dict[str, float]:
    """g_p = U_p − d_p of a package, from the definitions."""
    u = _utilities(g.prog, package)
    return {p: u[p] - g.d[p] for p in g.members}


# ---------------------------------------------------------- outer approximation


@dataclass(eq=False)
class _Cuts:
    """The outer approximation: φ_p below tangents of log g_p, and g_p ≥ L_p.

    ``rows`` grows with every tangent added; ``objective`` is Σ_p φ_p.
    """

    gains: _Gains
    low: dict[str, float]
    phi: dict[str, int]
    rows: list[_Row]
    objective: _Lin
    cut_at: dict[str, list[float]] = field(default_factory=dict)

    def add(self, p: str, a: float) -> None:
        """The tangent of log g_p at ``a`` (once; never below L_p)."""
        a = max(a, self.low[p] * (1 - 1e-9))
        if any(abs(a - b) <= 1e-12 * max(1.0, b) for b in self.cut_at[p]):
            return
        self.cut_at[p].append(a)
        # φ_p ≤ log a + (g_p − a)/a, written φ_p − g_p/a ≤ log a − 1
        row = _Lin({self.phi[p]: 1.0}).plus(self.gains.gain[p], -1.0 / a)
        self.rows.append((row, -math.inf, math.log(a) - 1.0))

    def close_cell(self, x: np.ndarray) -> float:
        """Tangents at the best point of the solution's cell; returns F there."""
        g = self.gains.true(x)
        for p in self.gains.members:
            if g[p] > 0:
                self.add(p, g[p])
        return _log_product(g)


def _start_cuts(g: _Gains, x_inc: np.ndarray, f_inc: float) -> _Cuts:
    """φ_p ≤ log(1 − d_p), L_p = exp(F_inc − Σ_{q≠p} log(1 − d_q)), three tangents each."""
    prog, members = g.prog, g.members
    upper = {p: 1.0 - g.d[p] for p in members}  # U_p <= 1
    low = {
        p: math.exp(f_inc - sum(math.log(upper[q]) for q in members if q != p)) for p in members
    }
    phi = {p: prog.var(-math.inf, math.log(upper[p]), False) for p in members}
    rows: list[_Row] = [(g.gain[p], low[p] * (1 - 1e-9), math.inf) for p in members]
    objective = _Lin({phi[p]: 1.0 for p in members})
    cuts = _Cuts(g, low, phi, rows, objective, {p: [] for p in members})
    for p in members:
        for a in (low[p], math.sqrt(low[p] * upper[p]), upper[p]):
            cuts.add(p, a)
    cuts.close_cell(x_inc)
    return cuts


def _approximate(
    cuts: _Cuts, x_inc: np.ndarray, f_inc: float
) -> tuple[np.ndarray, float, float, str]:
    """Rounds of max Σ φ_p until the bound is within NASH_GAP of the incumbent.

    Returns the incumbent, its F, the best bound on F and the status.
    """
    prog = cuts.gains.prog
    ub = math.inf
    for _ in range(_MAX_CUT_ROUNDS):
        res = prog.solve(cuts.objective, cuts.rows, maximize=True)
        assert res.x is not None and res.bound is not None
        ub = min(ub, res.bound)
        x = cuts.gains.polish(res.x)
        f = cuts.close_cell(x)
        if f > f_inc:
            f_inc, x_inc = f, x
        if ub - f_inc <= NASH_GAP:
            return x_inc, f_inc, ub, "optimal"
    return x_inc, f_inc, ub, "gap"


def _nash_optima(
    cuts: _Cuts, x_inc: np.ndarray, f_inc: float, cap: int = MAX_OPTIMA
) -> tuple[list[dict[str, Outcome]], bool]:
    """The tie rule's first package with F ≥ F* − NASH_TIE, then others (up to ``cap`` in all).

    As :func:`engine.solve.ties._optima`, with the refine loop of the outer
    approximation inside: each MILP solve (Σ φ_p ≥ F* − NASH_TIE, every
    no-good cut so far) proposes a combination of candidates; its cell's
    maximiser is computed (:func:`_polish`) and F evaluated there from the
    definitions. If it reaches the target it is an optimum; otherwise its
    cell holds no optimum (the maximiser is the cell's best point), so
    tangents there are added and the combination is cut off as well. Every
    solve therefore removes one combination and the loop ends. The first
    package is then chosen by :func:`_same_gains_first`.
    """
    prog = cuts.gains.prog
    target = f_inc - NASH_TIE
    nogood: list[_Row] = []
    found: dict[tuple[Outcome, ...], tuple[dict[str, Outcome], float]] = {}
    capped = False
    x: np.ndarray | None = x_inc
    for _ in range(64 * cap + 64):
        if x is None:
            break
        chosen = prog.chosen(x)
        nogood.append(
            (_Lin({prog.y[i][j]: 1.0 for i, j in chosen.items()}), -math.inf, len(chosen) - 1.0)
        )
        f = cuts.close_cell(x)
        if f >= target:
            pkg = prog.package(x)
            found.setdefault(_package_key(prog, pkg), (pkg, f))
            if len(found) > cap:  # one more than asked for: there are more
                capped = True
                break
        res = prog.solve(_Lin(), [*cuts.rows, (cuts.objective, target, math.inf), *nogood])
        x = None if res.x is None else cuts.gains.polish(res.x)
    else:  # pragma: no cover - each solve removes a combination; this bounds a bug
        capped = True
    fmax = max(f for _, f in found.values())  # the maximum: no package beats F* + NASH_GAP
    tied = sorted(
        (pkg for pkg, f in found.values() if f >= fmax - NASH_TIE),
        key=lambda p: _tie_key(prog, p),
    )
    first = tied[0] if len(found) == 1 else _same_gains_first(cuts.gains, tied[0], fmax - NASH_TIE)
    rest = [p for p in tied if _package_key(prog, p) != _package_key(prog, first)]
    if rest and _tie_key(prog, rest[0]) < _tie_key(prog, first):
        first, rest = rest[0], [first, *rest[1:]]  # a tie with other gains comes first
    return [first, *rest][:cap], capped


def _same_gains_first(g: _Gains, best: Mapping[str, Outcome], target: float) -> dict[str, Outcome]:
    """The tie rule's first package among those with the gains of ``best``.

    Ties of the Nash product almost always share their gains (the same
    g_p for every party, reached by other outcomes); with every gain held
    within :data:`~engine.solve.results.COST_TOLERANCE` of ``best``'s (the
    gains are linear), :func:`~engine.solve.ties._tie_first` finds the first
    of them by the tie rule whatever their number. Its product is checked
    from the definitions; ``best`` is kept if it falls below ``target``.
    """
    prog = g.prog
    gstar = _package_gains(g, best)
    rows: list[_Row] = [
        (g.gain[p], gstar[p] - COST_TOLERANCE, gstar[p] + COST_TOLERANCE) for p in g.members
    ]
    res = prog.solve(_Lin(), rows)
    if res.x is None:  # pragma: no cover - best itself satisfies the rows
        return dict(best)
    x = g.polish(_tie_first(prog, rows, prog.clean(res.x)))
    pkg = prog.package(x)
    return pkg if _log_product(_package_gains(g, pkg)) >= target else dict(best)


def _log_product(g: Mapping[str, float]) -> float:
    return float(sum(math.log(v) for v in g.values())) if g and min(g.values()) > 0 else -math.inf


# ------------------------------------------------------------ a cell's maximiser


def _polish(
    prog: _Programme, members: Sequence[str], gain: Mapping[str, _Lin], x: np.ndarray
) -> np.ndarray:
    """The best point of the solution's cell: maximise Σ log g_p over its segments' λ.

    With the candidates fixed, g_p = a_p + B_p·λ is affine and F = Σ log g_p
    concave; projected Newton steps with backtracking on the box [0, 1]^m
    find its maximum to machine precision. A λ that moves no gain is set to 0
    (the lowest number, as in the tie rule). Tangents at this point make the
    MILP's bound on the cell exact (by the KKT conditions the linearisation
    of F at the cell's maximiser is maximised there), so each approximation
    round closes the cell it visits and the method ends after finitely many.
    """
    x = prog.clean(x)
    chosen = prog.chosen(x)
    lv = [prog.lam[i][k] for i, k in chosen.items() if k in prog.lam[i]]
    if not lv:
        return x
    a, b = _affine_gains(members, gain, x, lv)
    lam = np.clip(x[lv], 0.0, 1.0)
    moves = np.abs(b).sum(axis=0) > 0
    lam[~moves] = 0.0
    if not np.isfinite(_log_sum(a, b, lam)):
        return x
    lam = _projected_newton(a, b, lam, moves)
    lam[lam < 1e-12] = 0.0
    lam[lam > 1 - 1e-12] = 1.0
    x = x.copy()
    x[lv] = lam
    return x


def _affine_gains(
    members: Sequence[str], gain: Mapping[str, _Lin], x: np.ndarray, lv: list[int]
) -> tuple[np.ndarray, np.ndarray]:
    """g = a + B·λ over the λ variables ``lv``, every other variable held at ``x``."""
    col = {v: n for n, v in enumerate(lv)}
    a = np.zeros(len(members))
    b = np.zeros((len(members), len(lv)))
    for r, p in enumerate(members):
        a[r] = gain[p].const
        for v, c in gain[p].coefs.items():
            if v in col:
                b[r, col[v]] += c
            else:
                a[r] += c * x[v]
    return a, b


def _log_sum(a: np.ndarray, b: np.ndarray, z: np.ndarray) -> float:
    """F(z) = Σ log(a + B z), −∞ where a gain is not positive."""
    g = a + b @ z
    return float(np.sum(np.log(g))) if np.all(g > 0) else -math.inf


def _projected_newton(
    a: np.ndarray, b: np.ndarray, lam: np.ndarray, moves: np.ndarray
) -> np.ndarray:
    """Maximise F on [0, 1]^m from ``lam``: Newton steps on the free λ, with backtracking."""
    for _ in range(100):
        g = a + b @ lam
        grad = b.T @ (1.0 / g)
        hess = (b.T * (1.0 / g**2)) @ b  # minus the Hessian: positive semidefinite
        bound = ((lam <= 0) & (grad < 0)) | ((lam >= 1) & (grad > 0)) | ~moves
        free = ~bound
        if not free.any() or np.max(np.abs(grad[free])) <= 1e-13:
            break
        step = np.zeros_like(lam)
        hf = hess[np.ix_(free, free)] + 1e-12 * np.eye(int(free.sum()))
        step[free] = np.linalg.solve(hf, grad[free])
        new = _backtrack(a, b, lam, step, grad)
        if new is None:
            break
        lam = new
    return lam


def _backtrack(
    a: np.ndarray, b: np.ndarray, lam: np.ndarray, step: np.ndarray, grad: np.ndarray
) -> np.ndarray | None:
    """The first halving of ``step`` with sufficient increase (Armijo); None if it does not move."""
    f0, t = _log_sum(a, b, lam), 1.0
    for _ in range(60):
        new = np.clip(lam + t * step, 0.0, 1.0)
        if _log_sum(a, b, new) >= f0 + 1e-4 * float(grad @ (new - lam)) and (
            _log_sum(a, b, new) > -math.inf
        ):
            return None if np.array_equal(new, lam) else new
        t /= 2
    return None
