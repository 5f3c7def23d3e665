"""The Nash bargaining package and the disagreement point it is measured from."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from engine.model.case import Case, Outcome
from engine.solve.frontier import _build, _disagreement, _frontier_table, _Problem
from engine.solve.utility import COUNT, utility_column


def disagreement_point(
    case: Case, parties: Iterable[str] | str, *, at: Any = None
) -> dict[str, float]:
    """Each party's disagreement utility: its reservation, else its utility of the status quo.

    Notes
    -----
    ``d_p = r_p``, the party's ``reservation``, when it has one; otherwise
    ``d_p = Σ_i s_p,i v_p,i(status_quo_i) / Σ_i s_p,i`` over the issues where
    ``p`` has a position, with ``v_p,i`` the position's ``values`` when given
    and ``1 − dist_i(·, ideal_p,i)`` otherwise; an issue without
    ``status_quo`` contributes 0 to the numerator (but its salience stays in
    the denominator).

    Examples
    --------
    >>> from engine import load_case
    >>> d = disagreement_point(load_case("tests/cases/tiny"), ["a", "b"])
    >>> round(d["a"], 12) == round((0.8 * 0.75 + 0.6 * 0.7) / 1.8, 12)   # ord at o2, num at 50
    True
    """
    from engine.solve.bonus import bonus_disagreement, has_bonuses
    from engine.solve.utility import _resolve

    if has_bonuses(case, _resolve(case, parties)):
        return bonus_disagreement(case, parties, at)
    problem = _build(case, parties, at, False, 0)
    return {p: _disagreement(problem, n) for n, p in enumerate(problem.parties)}


@dataclass(frozen=True)
class NashPackage:
    """The Nash bargaining package (see :func:`nash_package`).

    Attributes
    ----------
    parties : tuple of str
    package : mapping of issue id to outcome, or None
        ``None`` when no package gives every party a gain (see ``reason``).
    utilities, disagreement, gains : mapping of party id to float
        ``U_p`` of the package, ``d_p`` and ``U_p − d_p`` (empty without a package).
    nash_product : float or None
        ``Π_p (U_p − d_p)``.
    point : int or None
        The package's row in :func:`pareto_packages`.
    count : int
        Packages attaining the same utility vector (0: not counted, when a
        party has bonuses).
    ties : int
        Other frontier points with exactly the same (maximal) product.
    reason : str
        Why there is no Nash package ("" when there is one).
    """

    parties: tuple[str, ...]
    package: Mapping[str, Outcome] | None
    utilities: Mapping[str, float] = field(default_factory=dict)
    disagreement: Mapping[str, float] = field(default_factory=dict)
    gains: Mapping[str, float] = field(default_factory=dict)
    nash_product: float | None = None
    point: int | None = None
    count: int = 0
    ties: int = 0
    reason: str = ""

    @property
    def found(self) -> bool:
        """Whether some package gives every party a gain over the status quo."""
        return self.package is not None

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "parties": list(self.parties),
            "found": self.found,
            "package": None if self.package is None else dict(self.package),
            "utilities": dict(self.utilities),
            "disagreement": dict(self.disagreement),
            "gains": dict(self.gains),
            "nash_product": self.nash_product,
            "point": self.point,
            "count": self.count,
            "ties": self.ties,
            "reason": self.reason,
        }


def nash_package(
    case: Case,
    parties: Iterable[str] | str,
    *,
    at: Any = None,
    respect_red_lines: bool = True,
    interval_steps: int = 0,
) -> NashPackage:
    """The package maximising the Nash product of the parties' gains.

    Parameters
    ----------
    case : Case
    parties : iterable of str (or "a,b")
    at : date or str, optional
    respect_red_lines : bool
    interval_steps : int
        As in :func:`pareto_packages`.

    Returns
    -------
    NashPackage
        With ``package=None`` and a ``reason`` in plain words when no package
        gives every party a gain.

    Notes
    -----
    Maximises ``Π_p (U_p − d_p)`` over the packages with ``U_p > d_p`` for
    every chosen party, ``d`` the disagreement point (each party's
    reservation when given, else its utility of the status quo, see
    :func:`disagreement_point`); ``U_p = Σ_i s_p,i v_p,i(o_i) / Σ_i s_p,i``
    with the positions' ``values`` where given (:func:`pareto_packages`).
    Packages below a reservation are left out of the frontier, so never
    chosen. The product increases in every ``U_p`` on
    that set, so its maximum lies on the Pareto frontier; since the frontier
    is exact, so is the result (products are compared as exact rationals).
    Ties are broken by the frontier's order (``ties`` says how many other
    points tie). With interval issues the search covers the candidate
    outcomes of :func:`pareto_packages`. Cost: the frontier's, plus
    O(|F| · d).

    **Against** ``settle(case, "nash")``. Both maximise the same product
    (the same utilities, the same disagreement point, the chosen parties'
    red lines enforced). On ordinal and nominal issues they give the same
    product and the same optimal packages (``settle`` enumerates them all;
    here ``ties`` and ``count`` count them), tested on random cases. They
    differ in three ways: (1) on an interval issue ``settle`` lets the
    outcome take any value, so its optimum can lie between the candidates
    used here and have a larger product (a = ideal 0 and b = ideal 100 on
    [0, 100], d = 0: ``settle`` gives x = 50, product 0.5 · 0.5 = 0.25; here
    the candidates 0, 30, 60, 100 give x = 60, 0.4 · 0.6 = 0.24, until
    ``interval_steps`` puts 50 on the grid); (2) among tied points this
    returns the first frontier point, ``settle`` the first package by its
    tie rule (leximin of costs, fewest concessions, case order); (3) a
    chosen party whose saliences sum to 0 makes every product 0 here (no
    Nash package), while ``settle`` leaves it out of the product. Also,
    ``respect_red_lines=False`` has no counterpart in ``settle``.

    Examples
    --------
    >>> from engine import load_case
    >>> nash = nash_package(load_case("tests/cases/tiny"), ["a", "b"])
    >>> nash.found, nash.package
    (True, {'ord': 'o4', 'nom': 'x', 'num': 20.0})
    >>> # gains over the status quo (ord at o2, num at 50, nom has none): a 0.1, b 0.35/1.7
    >>> bool(abs(nash.nash_product - 0.1 * 0.35 / 1.7) < 1e-12)
    True
    """
    from engine.solve.bonus import bonus_frontier, has_bonuses
    from engine.solve.utility import _resolve

    if has_bonuses(case, _resolve(case, parties)):
        front, exact, d = bonus_frontier(case, parties, at, respect_red_lines, interval_steps)
        return _nash_exact(front, exact, d)
    problem, vals, front = _frontier_table(case, parties, at, respect_red_lines, interval_steps)
    return _nash(problem, vals, front)


def _nash_exact(
    front: pd.DataFrame, exact: list[tuple[Fraction, ...]], d: tuple[Fraction, ...]
) -> NashPackage:
    """The Nash package over a frontier given by exact utility vectors (parties with bonuses)."""
    parties = tuple(front.attrs["parties"])
    disagreement = {p: float(x) for p, x in zip(parties, d, strict=True)}
    best: Fraction | None = None
    best_rows: list[int] = []
    for row, u in enumerate(exact):
        gains = [a - b for a, b in zip(u, d, strict=True)]
        if any(g <= 0 for g in gains):
            continue
        product = math.prod(gains, start=Fraction(1))
        if best is None or product > best:
            best, best_rows = product, [row]
        elif product == best:
            best_rows.append(row)
    if best is None:
        return NashPackage(
            parties,
            None,
            disagreement=disagreement,
            reason="no package on the frontier gives every party a gain over its disagreement "
            "utility (" + ", ".join(f"{p} {x:.3f}" for p, x in disagreement.items()) + ")",
        )
    row = best_rows[0]
    rec = front.iloc[row]
    utilities = {p: float(u) for p, u in zip(parties, exact[row], strict=True)}
    return NashPackage(
        parties=parties,
        package={iid: _plain(rec[iid]) for iid in front.attrs["issues"]},
        utilities=utilities,
        disagreement=disagreement,
        gains={p: float(u - x) for p, u, x in zip(parties, exact[row], d, strict=True)},
        nash_product=float(best),
        point=row,
        count=0,
        ties=len(best_rows) - 1,
    )


def _nash(problem: _Problem, vals: np.ndarray, front: pd.DataFrame) -> NashPackage:
    """The frontier point of largest exact Nash product (the first of the ties)."""
    d = {p: _disagreement(problem, n) for n, p in enumerate(problem.parties)}
    rows, best = _nash_rows(problem, vals)
    if best is None:
        return NashPackage(
            problem.parties, None, disagreement=d, reason=_no_gain_reason(problem, vals)
        )
    row = int(rows[0])
    utilities = {p: float(front[utility_column(p)].iloc[row]) for p in problem.parties}
    return NashPackage(
        parties=problem.parties,
        package={iid: _plain(front[iid].iloc[row]) for iid in problem.issues},
        utilities=utilities,
        disagreement=d,
        gains={p: utilities[p] - d[p] for p in problem.parties},
        nash_product=float(best),
        point=row,
        count=int(front[COUNT].iloc[row]),
        ties=len(rows) - 1,
    )


def _nash_rows(problem: _Problem, vals: np.ndarray) -> tuple[np.ndarray, Fraction | None]:
    """The frontier rows of largest exact Nash product (all of them, in order) and that product.

    Notes
    -----
    In integer units ``v`` a party's gain is ``U_p − d_p = (v − D) / (scale · Σ s)``
    with ``D = d_p · Σ s · scale = P / Q``, i.e. ``(v·Q − P) / (Q · scale · Σ s)``:
    the denominators are the same for every point, so the products of the
    integers ``v·Q − P`` (Python integers, exact) rank the points, among
    those where every factor is positive. ``(empty, None)`` when no point
    gives every party a gain.
    """
    none = np.zeros(0, dtype=np.intp), None
    ok = np.ones(len(vals), dtype=bool)
    factors = []
    denominator = Fraction(1)
    for n in range(len(problem.parties)):
        s = problem.salience_sum[n]
        if s == 0:  # an indifferent party gains nothing anywhere
            return none
        units = problem.disagreement[n] * problem.scale[n]
        gain = vals[:, n].astype(object) * units.denominator - units.numerator
        ok &= np.asarray(gain > 0, dtype=bool)
        factors.append(gain)
        denominator *= units.denominator * problem.scale[n] * s
    if not ok.any():
        return none
    product = np.prod(np.stack([f[ok] for f in factors], axis=1), axis=1)
    best = max(product)
    return np.flatnonzero(ok)[product == best], Fraction(best) / denominator


def _plain(x: Any) -> Outcome:
    return float(x) if isinstance(x, float | np.floating) else str(x)


def _no_gain_reason(problem: _Problem, vals: np.ndarray) -> str:
    stuck = []
    for n, p in enumerate(problem.parties):
        s = problem.salience_sum[n]
        if s == 0:
            stuck.append(f"{p} is indifferent between all packages (no salient position)")
            continue
        best = max(Fraction(int(v), problem.scale[n]) for v in vals[:, n])
        if best <= problem.disagreement[n]:
            stuck.append(
                f"{p} gains nothing: its best package is worth {float(best / s):.3f}, "
                f"the status quo {float(problem.disagreement[n] / s):.3f}"
            )
    if stuck:
        return "no package gives every party a gain over the status quo: " + "; ".join(stuck)
    return (
        "no package gives every party a gain over the status quo at once: each party can gain, "
        "but every package that helps one leaves another at or below its status quo"
    )
