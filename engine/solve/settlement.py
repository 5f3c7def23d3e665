"""Settlement search: the cheapest package of outcomes, exactly, and single concessions ranked.

A **package** chooses one outcome on every issue under negotiation. Each
party pays a **concession cost** on each issue where it has a position:

    cost_p,i = s_p,i · dist(o_i, A_p,i)          when the position's ``requires`` conditions hold,
    cost_p,i = s_p,i · dist(o_i, ideal_p,i)      when one of them fails,

with ``s`` the salience, ``A`` the acceptable set and ``dist`` the issue's
distance (DESIGN.md, "What-if and settlement search"). A condition
``requires: {j: S}`` holds when the outcome chosen on issue ``j`` lies in ``S``.

:func:`settle` finds, with an integer programme solved by HiGHS
(``scipy.optimize.milp``), the package that minimises the total cost
(``"total"``), the largest party cost (``"fair"``), or maximises the Nash
product of utility gains over the status quo (``"nash"``) — always without
crossing a red line. When red lines make every package impossible it returns
an irreducible set of colliding red lines instead of "no solution".

:func:`rank_concessions` ranks every one-step widening of one position by how
much it lowers the total conflict of :func:`engine.analysis.measures.total_conflict`.

Reading of red lines (the design leaves it open; this is the rule used
everywhere here): a red-line position with acceptable set ``A`` forces the
outcome on its issue into ``A`` when its ``requires`` conditions hold, and
onto its ideal when they fail (the party accepts only its ideal then, and a
red line does not bend). A red line is a hard constraint, never a cost.

The search is spread over modules of :mod:`engine.solve`, each owning one
thing: :mod:`~engine.solve.programme` (the integer programme and one MILP
solve), :mod:`~engine.solve.ties` (the fixed tie order),
:mod:`~engine.solve.results` (:class:`Settlement` and the evaluation of a
package), :mod:`~engine.solve.redlines` (colliding red lines),
:mod:`~engine.solve.nash_settlement` (the Nash objective) and
:mod:`~engine.solve.concessions` (:func:`rank_concessions`). This module
holds :func:`settle` and the cost objectives, and re-exports the public names.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, Literal

from engine.model.case import Case, as_date
from engine.solve.concessions import rank_concessions
from engine.solve.cost_vectors import leximin_values
from engine.solve.nash_settlement import GAIN_EPS as GAIN_EPS
from engine.solve.nash_settlement import NASH_GAP as NASH_GAP
from engine.solve.nash_settlement import NASH_TIE as NASH_TIE
from engine.solve.nash_settlement import _settle_nash
from engine.solve.programme import SolverError, _Lin, _Programme, _programme, _Row
from engine.solve.redlines import _infeasible
from engine.solve.results import (
    COST_TOLERANCE,
    Alternative,
    Concession,
    RedLineConflict,
    Settlement,
    _evaluate,
    _party_costs,
    _result,
)
from engine.solve.ties import TIE_RULE, _optima, _polish_linear, _with_optima

__all__ = [
    "OBJECTIVES",
    "Alternative",
    "Concession",
    "RedLineConflict",
    "Settlement",
    "SolverError",
    "rank_concessions",
    "settle",
]

Objective = Literal["total", "fair", "nash"]
OBJECTIVES: tuple[str, ...] = ("total", "fair", "nash")


def settle(
    case: Case,
    objective: str = "total",
    *,
    parties: Iterable[str] | None = None,
    at: Any = None,
    alternatives: int = 5,
) -> Settlement:
    """The best package of outcomes that crosses no red line, found exactly.

    Parameters
    ----------
    case : Case
    objective : {"total", "fair", "nash"}
        ``"total"``: minimise Σ_p cost_p. ``"fair"``: minimise max_p cost_p,
        then Σ_p cost_p among those packages. ``"nash"``: maximise the Nash
        product Π_p (U_p − d_p) of utility gains over the status quo.
    parties : iterable of str, optional
        Party ids to take into account (default: all). The other parties'
        positions are ignored, red lines included.
    at : date or str, optional
        Evaluation date (default: the case's ``as_of``).
    alternatives : int
        How many other optimal packages to return at most in
        ``Settlement.alternatives`` (every objective).

    Returns
    -------
    Settlement
        The package, each party's cost and concessions, and the proof of
        optimality (solver status, bound, gap); or, if the red lines collide,
        ``feasible=False`` with a minimal set of colliding red lines.

    Raises
    ------
    ValueError
        For an unknown objective.
    UnknownIdError
        For an unknown party id.
    SolverError
        If HiGHS stops without an answer (time limit of 60 s per MILP).

    Notes
    -----
    **Costs.** For party p and issue i, with salience s, acceptable set A,
    ideal e and ``requires`` conditions R = {(j, S_j)}::

        cost_p,i(o) = s · dist(o_i, A)   if o_j ∈ S_j for every (j, S_j) ∈ R
                    = s · dist(o_i, e)   otherwise.

    **Values.** On a position that gives ``values`` v (docs/format.md,
    "Values"), ``cost_p,i(o) = s · (1 − v(o_i))`` whether or not its
    conditions hold (the values grade every outcome; its red line and
    linkage still bind as below), and its term of ``U_p`` below is
    ``s · v(o_i)``. On an interval issue the ``x`` of its values are
    breakpoints too, so costs stay linear between breakpoints.

    **Red lines** (the design is silent on linkage; this is the reading
    used): a red-line position requires o_i ∈ A when its conditions hold and
    o_i = e when they fail. Positions of parties not chosen are ignored.

    **Candidate outcomes.** Options on ordinal and nominal issues. On an
    interval issue, the breakpoints: the issue's min and max, every chosen
    party's acceptable-interval ends and ideal, and every ``requires``
    interval's ends on that issue. This is exact for ``total``: between
    consecutive breakpoints every cost is linear and every condition and red
    line constant; the cost is lower semicontinuous (a condition holds on a
    closed set and only ever lowers costs or loosens red lines) and the
    feasible set closed, so a cell's infimum is attained at one of its
    corners. For ``fair`` (a maximum of linear costs, which can bottom out
    where two parties' costs cross) and ``nash`` (a concave utility product)
    the optimum can lie inside a cell, so each open segment (b_k, b_k+1) is
    also a candidate with a continuous point b_k + λ (b_k+1 − b_k); costs and
    utilities are linear in λ inside it.

    **Integer programme.** Variables: y_i,a ∈ {0, 1} (candidate a chosen on
    issue i); λ_i,a ∈ [0, y_i,a] (segments: fair and nash); c_p,i ∈ {0, 1} (the
    conditions of a position with ``requires`` hold); e_p,i ∈ [0, 1] (its
    cost epigraph). Constraints::

        Σ_a y_i,a = 1                                  one outcome per issue
        c_p,i ≤ m_r,  c_p,i ≥ Σ_r m_r − (|R| − 1)      c = AND of m_r = Σ_{a ⊆ S_r} y_j,a
        e_p,i ≥ D_A,  e_p,i ≥ D_e − c_p,i               D_X = Σ_a dist(a, X) y_i,a (+ λ terms)
        Σ_{a ⊄ A} y_i,a ≤ 0                             red line without requires
        Σ_{a ⊄ A} y_i,a + c_p,i ≤ 1,  Σ_{a ≠ e} y_i,a ≤ c_p,i   red line with requires

    where a position without ``requires`` has cost D_A directly. Distances
    are linear in (y, λ) because every set's ends are breakpoints. The
    epigraph is exact when minimising cost: at an optimum e = max(D_A,
    D_e − c), which is D_A when c = 1 (distances are at most 1) and D_e ≥ D_A
    when c = 0.

    Objectives: ``total`` minimises Σ_p,i s_p,i · cost_p,i. ``fair`` solves
    min z s.t. z ≥ Σ_i s_p,i · cost_p,i for every p, then the least total
    s.t. every party cost ≤ z* + tol.

    ``nash``: U_p = Σ_i s_p,i (1 − dist(o_i, e_p,i)) / Σ_i s_p,i over the
    issues where p has a position (``v(o_i)`` in place of ``1 − dist`` where
    values are given); d_p is the party's ``reservation`` when it has one,
    else U_p of the status-quo package, an issue without ``status_quo``
    contributing 0 to the numerator (as if the status quo were as far as
    possible from every ideal). Only packages with U_p > d_p count, so a
    reservation is honoured; ``total`` and ``fair`` measure concessions and
    do not use reservations. Parties whose
    saliences sum to 0 have no utility and take no part in the product. The
    gains g_p = U_p − d_p are linear in (y, λ). First max t s.t. t ≤ g_p for
    all p (the largest smallest gain m*). If m* ≤ 1e-9 no package improves
    on the status quo for every party and the Nash product is 0 for every
    package: the package with the largest smallest gain, then the largest
    sum of gains, is returned with status ``"degenerate"``. Otherwise
    F = Σ_p log g_p, concave, is maximised by **outer approximation**:
    φ_p ≤ log a + (g_p − a)/a (tangents, which lie above the concave log)
    at points a, and g_p ≥ L_p = exp(F_inc − Σ_{q≠p} log(1 − d_q)), which
    every package at least as good as the incumbent F_inc satisfies. Each
    round solves the MILP max Σ φ_p (HiGHS's dual bound bounds F from
    above), moves the numbers of the package found to the best point of its
    cell (with the candidates fixed F is a smooth concave function of λ on
    [0, 1]^m: projected Newton steps), evaluates the true F there (a bound
    from below) and adds tangents at that point. By the KKT conditions the
    tangents at a cell's maximiser make the MILP's bound on that cell exact,
    so every round closes the cell it visits and the method stops after
    finitely many rounds, when the bound gap on F is below 1e-7 (a relative
    gap of 1e-7 on the Nash product). The log is only ever evaluated at
    positive gains.

    ``nash`` and the frontier's :func:`~engine.solve.nash.nash_package`
    maximise the same product over the same packages on ordinal and nominal
    issues (same product, same set of optima); they differ on interval
    issues, where this search is continuous and ``nash_package`` tries only
    candidate values (so its product can be lower: see its Notes for a
    worked case), in the tie rule, and on parties without salience (left
    out here; no Nash package there).

    **Ties and other optima.** Several packages can
    be equally good; the solver's choice among them is never reported as
    such. With the objective held at its optimum (within the tolerance,
    1e-7; ``fair``: the largest cost, then the total), the package reported
    is the first by the **tie rule**: leximin of the party costs (the
    largest cost as low as possible, then the next, …), then the fewest
    concessions, then the first option in each issue's order (the lowest
    number), issues in case order — never the solver's order. It is found
    by lexicographic stages on the same MILP, each held at its optimum:
    the sum of the k largest party costs for k = 1, …, n (their
    lexicographic minimum is the leximin order; the sum of the k largest is
    linear: min k·t + Σ_p d_p, d_p ≥ cost_p − t, d_p ≥ 0), the number of
    concessions, then each issue's option index or number in case order
    (the stage fixes the issue's candidate). So the reported package does
    not depend on how many optima there are. Other optima are then
    enumerated exactly with **no-good cuts** on the binary choice
    variables — after each package found, the constraint
    Σ_i y_i,chosen(i) ≤ |I| − 1 excludes exactly that combination — until
    the MILP is infeasible or ``alternatives`` + 1 packages are found and
    one more exists (``more_optimal`` is then True). ``fair`` solves each
    combination's numbers again without slack (its largest cost, its total,
    then Σ λ), so numbers are exact vertices, and combinations giving the
    same package count once. The others, in the tie rule's order, are
    ``Settlement.alternatives``.
    On an interval issue, ``Settlement.ranges`` gives the run of values
    that, the other outcomes fixed, are as good: breakpoints are evaluated
    directly; inside a cell every cost is linear and every condition and red
    line constant, so two interior evaluations give the costs exactly and
    the good part of the cell is an interval. ``unique`` is True when there
    is one optimal package and no such range. The counting is over
    candidate combinations: a range over a continuum counts once.

    **Ties of ``nash``.** "Equal" means: the Nash product within a relative
    1e-6 of the largest, i.e. F = Σ_p log g_p ≥ F* − 1e-6 (``NASH_TIE``).
    Why a tolerance, and why this one: F* is only certified to 1e-7
    (``NASH_GAP``, the outer approximation's stopping gap) and the gains are
    floats, so an exact comparison would split packages whose products are
    equal as rationals; 1e-6 is ten times the certified gap, so every exactly
    tied package is found; it is also well below the differences between
    products of distinct packages met in hand-written cases (saliences and
    distances with a few decimals), though two products closer than that
    would count as tied. Once
    the approximation has converged, the ties are enumerated with no-good
    cuts as above, with the approximation's refine loop inside: each MILP
    (Σ φ_p ≥ F_inc − 1e-6 and every cut so far) proposes a combination of
    candidates; its cell's maximiser is computed and F evaluated there from
    the definitions; the combination is an optimum if F reaches the target,
    otherwise tangents are added there (the cell holds no optimum: its
    maximiser is its best point), and either way a no-good cut removes it,
    so every solve removes one combination. Finally only the packages with
    F within 1e-6 of the largest F found are kept (the largest is the
    maximum: nothing exceeds the bound, within 1e-7 of it). The same tie
    rule (leximin of costs, fewest concessions, case order) orders them; the
    Nash product is strictly concave in the gains, so within one cell the
    maximiser is unique. On an interval issue, ``ranges`` holds the values
    that leave every gain unchanged (within 1e-9; moving a value that
    changes any gain lowers the product strictly, so only these are as
    good). With status ``"degenerate"`` the optima are the packages whose
    smallest gain and then sum of gains are within 1e-7 of the best, found
    and ordered like ``fair``'s.

    **Infeasibility.** If no package respects every red line, the red lines
    are passed through a deletion filter: in case order (party, then issue),
    drop a red line if the others still admit no package. What remains is
    an irreducible infeasible set: on their own these red lines admit no
    package, and without any one of them the rest of the set would (red
    lines outside the set may still collide among themselves; the note then
    says that relaxing one of the set is not enough). It is minimal
    (irreducible), not necessarily the smallest.

    **Complexity.** Binary variables: Σ_i (number of candidates of i) plus
    one per position with ``requires``; a few rows per position. The MILP is
    NP-hard in general (it contains minimum-cost constraint satisfaction
    with linkage), but hand-written cases (tens of parties and issues, a
    handful of options each) solve in milliseconds by branch-and-bound. The
    tie rule adds one MILP per party and per issue with more than one
    candidate. Its leximin stages under ``total`` (the smallest largest cost
    among the cheapest packages, …) are a partition problem, which
    branch-and-bound proves slowly (about a second on the shipped case); they
    are computed instead from the party-cost vectors of the cheapest
    packages, summed group of linked issues by group
    (:mod:`engine.solve.cost_vectors`, milliseconds), and solved as MILPs
    only when that enumeration would be too large. The enumeration of optima adds one
    MILP per optimal package up to ``alternatives`` + 2 (``nash``: one per
    combination its tightened approximation still proposes), ``fair`` one
    more, ``nash`` one per approximation round, and the deletion filter one
    per red line.

    Examples
    --------
    >>> from engine import load_case
    >>> case = load_case("tests/cases/tiny")
    >>> s = settle(case)
    >>> s.status, dict(s.outcomes)
    ('optimal', {'ord': 'o4', 'nom': 'x', 'num': 40.0})
    >>> abs(s.total_cost - (0.8 * 1 / 4 + 0.2 * 1 + 0.2 * 10 / 100)) < 1e-12
    True
    >>> print(s.concessions[0].describe(case))
    Party A accepts Four instead of One on Ordinal issue (cost 0.20)
    >>> settle(case, "fair").max_cost <= s.max_cost
    True
    >>> s.unique, s.n_optimal, len(s.alternatives)
    (True, 1, 0)

    Party C cannot gain on the status quo while B's red line holds, so the
    Nash product is 0 for every package; between A and B alone it is not:

    >>> settle(case, "nash").status
    'degenerate'
    >>> n = settle(case, "nash", parties=["a", "b"])
    >>> n.status, n.gap < 1e-9
    ('optimal', True)

    The shipped case (numbers depend on its data):

    >>> uk = settle(load_case("ukraine-russia"))
    >>> uk.feasible in (True, False) and (uk.feasible or len(uk.conflicting_red_lines) >= 2)
    True
    """
    if objective not in OBJECTIVES:
        raise ValueError(f"unknown objective '{objective}'; allowed: {', '.join(OBJECTIVES)}")
    date = case.as_of if at is None else as_date(at, "at")
    chosen = case.resolve_parties(parties)
    prog = _programme(case, date, chosen, segments=objective != "total")
    if not prog.positions:
        note = "No chosen party has a position on this date: there is nothing to settle."
        status = "degenerate" if objective == "nash" else "optimal"
        only = {"unique": True, "n_optimal": 1, "tie_rule": TIE_RULE}  # the empty package
        return _result(
            prog, objective, {}, bound=0.0, status=status, value=0.0, note=note,
            optima=only,
        )  # fmt: skip
    if objective == "nash":
        return _settle_nash(prog, alternatives)
    if objective == "fair":
        return _settle_fair(prog, alternatives)
    return _settle_total(prog, alternatives)


def _settle_total(prog: _Programme, k: int) -> Settlement:
    """Least Σ_p cost_p; every optimal package; the first by the tie rule."""
    total = prog.total_cost()
    res = prog.solve(total)
    if res.x is None:
        return _infeasible(prog, "total")
    best = _evaluate(prog, prog.package(res.x))
    opt = sum(best.costs.values())
    rows: list[_Row] = [(total, -math.inf, opt + COST_TOLERANCE)]
    packages, capped = _optima(
        prog, rows, prog.clean(res.x), cap=k + 1,
        leximin=lambda: leximin_values(prog, opt + COST_TOLERANCE),
    )  # fmt: skip
    optima = _with_optima(
        prog, packages, capped, k,
        lambda pc, t: t <= opt + COST_TOLERANCE, [({"*": 1.0}, opt)],
    )  # fmt: skip
    return _result(prog, "total", packages[0], bound=res.bound, status="optimal", optima=optima)


def _settle_fair(prog: _Programme, k: int) -> Settlement:
    """Least max_p cost_p = z*; then the least total with every cost_p ≤ z* + tolerance."""
    total = prog.total_cost()
    z = prog.var(0, math.inf, False)
    zrows: list[_Row] = [(prog.party_cost(p).add(z, -1.0), -math.inf, 0.0) for p in prog.parties]
    res = prog.solve(_Lin({z: 1.0}), zrows)
    if res.x is None:
        return _infeasible(prog, "fair")
    first = _evaluate(prog, prog.package(res.x))
    zstar = max(_party_costs(prog, first.costs).values(), default=0.0)
    rows = [(prog.party_cost(p), -math.inf, zstar + COST_TOLERANCE) for p in prog.parties]
    res2 = prog.solve(total, rows)
    assert res2.x is not None
    second = _evaluate(prog, prog.package(res2.x))
    tstar = sum(second.costs.values())
    rows.append((total, -math.inf, tstar + COST_TOLERANCE))
    stages = [(_Lin({z: 1.0}), False), (total, False)]
    zt, tt = zstar + COST_TOLERANCE, tstar + COST_TOLERANCE
    packages, capped = _optima(
        prog, rows, prog.clean(res2.x), lambda x: _polish_linear(prog, x, zrows, stages), k + 1,
        leximin=lambda: leximin_values(prog, tt, lambda pc, t: max(pc, default=0.0) <= zt),
    )  # fmt: skip
    bounds = [*(({p: 1.0}, zstar) for p in prog.parties), ({"*": 1.0}, tstar)]
    optima = _with_optima(
        prog, packages, capped, k,
        lambda pc, t: max(pc.values(), default=0.0) <= zt and t <= tt, bounds,
    )  # fmt: skip
    return _result(prog, "fair", packages[0], bound=res.bound, status="optimal", optima=optima)
