"""Exact frontier and Nash package when a party's utility is a sum of bonuses (MILP).

A party with ``bonuses`` (docs/format.md, "Bonuses") values a package by the
sum of the values of the bonuses whose conditions all hold: a non-separable
utility (each bonus couples several issues), so the block-by-block frontier
of :mod:`engine.solve.frontier` does not apply and the package space (10¹⁰
packages for GENIUS's ``10issues``) cannot be enumerated. This module finds
the frontier with the exact epsilon-constraint method over a 0–1 integer
programme solved by HiGHS (:func:`scipy.optimize.milp`); see
:func:`bonus_frontier`, Notes. :func:`engine.solve.pareto.pareto_packages`,
:func:`engine.solve.nash.nash_package`,
:func:`engine.solve.nash.disagreement_point` and
:func:`engine.solve.utility.package_utilities` route here when a chosen
party has bonuses, and keep their fast paths otherwise.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import LinearConstraint, milp
from scipy.sparse import coo_array

from engine.model.bonus import Bonus
from engine.model.case import Case, Outcome, Position, Span, as_date
from engine.solve.utility import (
    COUNT,
    BargainingError,
    _Closeness,
    _contains,
    _dec,
    _reservation,
    _resolve,
    _valuation,
    utility_column,
)

__all__ = ["MAX_COEFFICIENTS", "bonus_frontier", "bonus_utility", "has_bonuses"]

#: Largest Σ |integer coefficient| of a party's scaled utility handed to the solver.
#: Below it every utility the solver sees is an integer far inside the range where
#: doubles are exact, and HiGHS's tolerances (10⁻⁶ … 10⁻⁹) are far below one unit.
MAX_COEFFICIENTS = 10**9


def has_bonuses(case: Case, parties: Iterable[str]) -> bool:
    """Whether any of the parties values packages by bonuses."""
    return any(case.party(p).bonuses for p in parties)


def bonus_utility(bonuses: Sequence[Bonus], package: Mapping[str, Outcome]) -> Fraction:
    """``Σ_b value_b · [every condition of b holds]``, exactly."""
    return sum((b.value for b in bonuses if b.holds(package)), Fraction(0))


# ------------------------------------------------------------------ the model


@dataclass(frozen=True)
class _Party:
    """One party's utility as an exact linear form over the choice variables.

    ``U = (Σ_(i,k) coef[(i, k)] · x_i,k + Σ_b value_b · y_b + const) / den``,
    with ``x_i,k`` = 1 when issue ``i`` takes candidate ``k`` and ``y_b`` = 1
    when bonus ``b`` holds (``terms`` lists ``(value, ((issue, candidate
    indices), …))``). ``scale`` is the least common denominator of all
    coefficients: ``scale ·`` numerator is an integer.
    """

    id: str
    coef: Mapping[tuple[str, int], Fraction]
    terms: tuple[tuple[Fraction, tuple[tuple[str, frozenset[int]], ...]], ...]
    const: Fraction
    den: Fraction
    scale: int
    disagreement: Fraction  # in units of U
    reservation: Fraction | None


@dataclass(frozen=True)
class _Model:
    parties: tuple[_Party, ...]
    date: Any
    issues: tuple[str, ...]
    candidates: Mapping[str, tuple[Outcome, ...]]
    allowed: Mapping[str, frozenset[int]]  # red lines: candidates an issue may take
    links: tuple[tuple[str, frozenset[int], str, frozenset[int]], ...]  # (i, A∖ideal, j, S)


def _issues_and_candidates(
    case: Case,
    chosen: Sequence[str],
    state: Mapping[tuple[str, str], Position],
    steps: int,
    respect_red_lines: bool,
) -> tuple[list[str], dict[str, tuple[Outcome, ...]]]:
    from engine.solve.frontier import _interval_points

    relevant = {i for (p, i) in state if p in chosen}
    spans: dict[str, set[float]] = {}
    for p in chosen:
        for b in case.party(p).bonuses:
            for iid, acc in b.when:
                relevant.add(iid)
                if isinstance(acc, Span):
                    spans.setdefault(iid, set()).update((acc.lo, acc.hi))
    if respect_red_lines:
        for (p, _), pos in state.items():
            if p in chosen and pos.red_line:
                relevant.update(other for other, _ in pos.requires)
    used = [iid for iid in case.issue_ids if iid in relevant]
    candidates: dict[str, tuple[Outcome, ...]] = {}
    for iid in used:
        issue = case.issue(iid)
        if not issue.is_interval:
            candidates[iid] = issue.option_ids
            continue
        pts = set(_interval_points(issue, chosen, state, steps)) | spans.get(iid, set())
        if iid in spans:  # every membership pattern of the bonus intervals is reached
            ordered = sorted(pts)
            pts.update((a + b) / 2 for a, b in itertools.pairwise(ordered))
        candidates[iid] = tuple(sorted(pts))
    return used, candidates


def _model(
    case: Case, parties: Iterable[str] | str, at: Any, respect_red_lines: bool, steps: int
) -> _Model:
    chosen = _resolve(case, parties)
    date = case.as_of if at is None else as_date(at, "at")
    state = case.at(date)
    used, candidates = _issues_and_candidates(case, chosen, state, steps, respect_red_lines)
    out = [_party_form(case, p, state, candidates) for p in chosen]
    allowed = {iid: frozenset(range(len(candidates[iid]))) for iid in used}
    links = []
    if respect_red_lines:
        for (p, iid), pos in state.items():
            if p not in chosen or not pos.red_line:
                continue
            inside = frozenset(
                k for k, o in enumerate(candidates[iid]) if _contains(pos.acceptable, o)
            )
            allowed[iid] = allowed[iid] & inside
            others = frozenset(k for k in inside if candidates[iid][k] != pos.ideal)
            for other, acc in pos.requires:
                cond = frozenset(k for k, o in enumerate(candidates[other]) if _contains(acc, o))
                links.append((iid, others, other, cond))
    return _Model(tuple(out), date, tuple(used), candidates, allowed, tuple(links))


def _party_form(
    case: Case,
    party: str,
    state: Mapping[tuple[str, str], Position],
    candidates: Mapping[str, tuple[Outcome, ...]],
) -> _Party:
    """A party's exact linear form, integer scale and disagreement utility."""
    coef: dict[tuple[str, int], Fraction] = {}
    terms = []
    const, den, sq = Fraction(0), Fraction(1), Fraction(0)
    bonuses = case.party(party).bonuses
    if bonuses:
        status = {i.id: i.status_quo for i in case.issues if i.status_quo is not None}
        for b in bonuses:
            if not b.when:
                const += b.value
            else:
                terms.append(
                    (
                        b.value,
                        tuple(
                            (
                                iid,
                                frozenset(
                                    k for k, o in enumerate(candidates[iid]) if _contains(acc, o)
                                ),
                            )
                            for iid, acc in b.when
                        ),
                    )
                )
            if all(iid in status for iid, _ in b.when) and b.holds(status):
                sq += b.value
    else:
        total = Fraction(0)
        for iid in candidates:
            pos = state.get((party, iid))
            if pos is None:
                continue
            s = _dec(pos.salience)
            total += s
            value = _valuation(case.issue(iid), pos, _Closeness(case.issue(iid)))
            for k, o in enumerate(candidates[iid]):
                if s * value(o):
                    coef[(iid, k)] = s * value(o)
            sq_outcome = case.issue(iid).status_quo
            if sq_outcome is not None:
                sq += s * value(sq_outcome)
        den = total if total else Fraction(1)
        if not total:
            coef = {}
    numbers = [*coef.values(), *(v for v, _ in terms), const]
    scale = math.lcm(1, *(x.denominator for x in numbers))
    size = sum(abs(x) for x in numbers) * scale
    if size > MAX_COEFFICIENTS:
        raise BargainingError(
            f"party '{party}''s utility needs integer coefficients summing to {float(size):.3g} "
            f"(more than {MAX_COEFFICIENTS:.0e}) for the exact bonus frontier; write its values "
            "and saliences with fewer decimals, or bonus values as fractions p/q"
        )
    r = _reservation(case, party)
    return _Party(
        party,
        coef,
        tuple(terms),
        const,
        den,
        scale,
        sq / den if r is None else r,
        r,
    )


# ------------------------------------------------------------------ the solver


class _Programme:
    """The 0–1 programme: one ``x`` per (issue, candidate), one ``y`` per bonus with conditions."""

    def __init__(self, model: _Model):
        self.model = model
        self.col: dict[tuple[str, int], int] = {}
        for iid in model.issues:
            for k in range(len(model.candidates[iid])):
                self.col[(iid, k)] = len(self.col)
        n_x = len(self.col)
        rows: list[tuple[dict[int, float], float, float]] = []
        for iid in model.issues:  # one outcome per issue
            rows.append(
                ({self.col[(iid, k)]: 1.0 for k in range(len(model.candidates[iid]))}, 1.0, 1.0)
            )
        for iid, others, other, cond in model.links:  # o_i ∈ A∖{ideal} ⇒ o_j ∈ S
            row = {self.col[(iid, k)]: 1.0 for k in others}
            for k in cond:
                row[self.col[(other, k)]] = row.get(self.col[(other, k)], 0.0) - 1.0
            rows.append((row, -np.inf, 0.0))
        self.objective: list[
            tuple[np.ndarray, int]
        ] = []  # per party: integer coefficients, constant
        ys = 0
        for party in model.parties:
            ys += len(party.terms)
        n = n_x + ys
        y = n_x
        for party in model.parties:
            c = np.zeros(n)
            for (iid, k), v in party.coef.items():
                c[self.col[(iid, k)]] += int(v * party.scale)
            for value, conds in party.terms:
                c[y] = int(value * party.scale)
                for iid, ks in conds:  # y ≤ [o_i ∈ S_i] for each condition
                    row = {self.col[(iid, k)]: -1.0 for k in ks}
                    row[y] = 1.0
                    rows.append((row, -np.inf, 0.0))
                # y ≥ Σ_i [o_i ∈ S_i] − (m − 1)
                row = {y: 1.0}
                for iid, ks in conds:
                    for k in ks:
                        row[self.col[(iid, k)]] = row.get(self.col[(iid, k)], 0.0) - 1.0
                rows.append((row, 1.0 - len(conds), np.inf))
                y += 1
            self.objective.append((c, int(party.const * party.scale)))
        self.n = n
        upper = np.ones(n)
        for iid in model.issues:
            for k in range(len(model.candidates[iid])):
                if k not in model.allowed[iid]:
                    upper[self.col[(iid, k)]] = 0.0
        self.upper = upper
        r = [i for i, (row, _, _) in enumerate(rows) for _ in row]
        cidx = [j for row, _, _ in rows for j in row]
        data = [v for row, _, _ in rows for v in row.values()]
        self.a = coo_array((data, (r, cidx)), shape=(len(rows), n)).tocsr()
        self.lb = np.array([lo for _, lo, _ in rows])
        self.ub = np.array([hi for _, _, hi in rows])

    def solve(self, target: int, floors: Mapping[int, int]) -> tuple[int, ...] | None:
        """Candidate indices of a package maximising party ``target`` with ``N_p ≥ floor_p``.

        ``N_p`` is the party's integer-scaled numerator (``scale · (U_p · den_p)``).
        ``None`` when no package satisfies the floors.
        """
        if self.n == 0:  # no issue is decided: the one (empty) package
            empty: tuple[int, ...] = ()
            return empty if all(self.numerator(p, empty) >= f for p, f in floors.items()) else None
        constraints = [LinearConstraint(self.a, self.lb, self.ub)]
        for p, floor in floors.items():
            c, const = self.objective[p]
            constraints.append(LinearConstraint(c[None, :], floor - const, np.inf))
        res = milp(
            -self.objective[target][0],
            integrality=np.ones(self.n),
            bounds=(np.zeros(self.n), self.upper),
            constraints=constraints,
            options={"mip_rel_gap": 0.0, "presolve": True},
        )
        if res.status == 2:
            return None
        if res.status != 0 or res.x is None:
            raise BargainingError(f"the integer programme was not solved: {res.message}")
        pick = []
        for iid in self.model.issues:
            ks = range(len(self.model.candidates[iid]))
            pick.append(max(ks, key=lambda k: res.x[self.col[(iid, k)]]))
        package = tuple(pick)
        for p, floor in floors.items():
            if self.numerator(p, package) < floor:
                raise BargainingError(_NUMERICAL)
        if abs(self.numerator(target, package) - (-res.fun + self.objective[target][1])) > 0.5:
            raise BargainingError(_NUMERICAL)
        return package

    def numerator(self, p: int, package: Sequence[int]) -> int:
        """Exact ``scale_p · (U_p · den_p)`` of a package (candidate indices)."""
        party = self.model.parties[p]
        chosen = dict(zip(self.model.issues, package, strict=True))
        total = party.const + sum(
            (party.coef.get((iid, k), Fraction(0)) for iid, k in chosen.items()), Fraction(0)
        )
        for value, conds in party.terms:
            if all(chosen[iid] in ks for iid, ks in conds):
                total += value
        scaled = total * party.scale
        assert scaled.denominator == 1
        return int(scaled)


def _lexicographic(
    prog: _Programme, floors: Mapping[int, int]
) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """The package maximising ``N_0``, then ``N_1``, … under the floors, and its numerators.

    Each optimum becomes a floor for the next programme, so the package is a
    lexicographic optimum: non-dominated. ``None`` when the floors admit no
    package.
    """
    level = dict(floors)
    package: tuple[int, ...] | None = None
    for p in range(len(prog.model.parties)):
        package = prog.solve(p, level)
        if package is None:  # only the first programme can be infeasible
            return None
        level[p] = prog.numerator(p, package)
    assert package is not None
    return tuple(level[p] for p in range(len(prog.model.parties))), package


def _front(
    prog: _Programme, k: int, floors: Mapping[int, int]
) -> dict[tuple[int, ...], tuple[int, ...]]:
    """The points non-dominated in ``N_0 … N_(k−1)`` under the floors (numerators → a package).

    Each is a lexicographic optimum (:func:`_lexicographic`). ``k = 1``: the
    one optimum. ``k ≥ 2``: a floor ε on ``N_(k−1)``, raised round after round
    to one more than the least ``N_(k−1)`` found in the round, over the points
    of ``k − 1`` objectives above it (see :func:`bonus_frontier`, Notes).
    """
    if k == 1:
        point = _lexicographic(prog, floors)
        return {} if point is None else {point[0]: point[1]}
    out: dict[tuple[int, ...], tuple[int, ...]] = {}
    level = dict(floors)
    while found := _front(prog, k - 1, level):
        for nums, package in found.items():
            out.setdefault(nums, package)
        level[k - 1] = min(nums[k - 1] for nums in found) + 1
    return out


_NUMERICAL = (
    "the integer programme's solution does not satisfy its constraints once rounded "
    "(numerical trouble in the solver); please report this case"
)


def _floor(party: _Party) -> int | None:
    """The least integer numerator worth at least the party's reservation."""
    if party.reservation is None:
        return None
    return math.ceil(party.reservation * party.den * party.scale)


def bonus_frontier(
    case: Case,
    parties: Iterable[str] | str,
    at: Any = None,
    respect_red_lines: bool = True,
    interval_steps: int = 0,
) -> tuple[pd.DataFrame, list[tuple[Fraction, ...]], tuple[Fraction, ...]]:
    """The exact Pareto frontier when a party has bonuses, its exact utilities and disagreement.

    Returns the frontier table in the layout of
    :func:`engine.solve.pareto.pareto_packages` (``#packages`` is ``<NA>``:
    not counted; ``attrs["counted"]`` is False), each point's utilities
    and each party's disagreement utility as exact fractions.

    Notes
    -----
    **Programme.** One binary ``x_i,k`` per issue ``i`` and candidate
    outcome ``k`` (``Σ_k x_i,k = 1``) and one binary ``y_b`` per bonus with
    conditions, tied to the choice by ``y_b ≤ Σ_(k ∈ S_b,i) x_i,k`` for each
    condition ``i`` and ``y_b ≥ Σ_i Σ_(k ∈ S_b,i) x_i,k − (m_b − 1)``, so
    ``y_b`` = 1 exactly when all ``m_b`` conditions hold (whatever the sign
    of the value). A party's utility is linear in ``x`` and ``y``:
    ``Σ_b value_b y_b`` with bonuses, ``Σ_i Σ_k s_i v_i(k) x_i,k / Σ_i s_i``
    without. Red lines restrict ``x`` to the acceptable set and a
    ``requires`` link adds ``Σ_(k ∈ A∖{ideal}) x_i,k ≤ Σ_(k ∈ S) x_j,k``
    (the semantics of :func:`engine.solve.pareto.pareto_packages`).

    **Exactness.** Each party's utility is scaled by the least common
    denominator of its coefficients to an integer ``N_p`` (bonus values are
    exact decimals or fractions ``p/q``); the sum of its absolute
    coefficients must stay below :data:`MAX_COEFFICIENTS`. HiGHS is run
    with ``mip_rel_gap = 0``; its solution is rounded to a package whose
    ``N_p`` are recomputed in rational arithmetic and checked against every
    constraint (an error, never a silent answer, if they do not hold).
    Optimality is HiGHS's branch-and-bound proof; with integer objectives a
    gap below one unit is optimality.

    **Epsilon-constraint, any number of parties** (the recursion of Özlen
    and Azizoğlu, 2009). A point is found as a lexicographic optimum: ``max
    N_1``, then ``max N_2`` with ``N_1`` held at its optimum, and so on
    (non-dominated by construction). For two parties: the first point with
    no floor, then, while feasible, the next with ``N_2 ≥ B_k + 1`` (``B_k``
    the last point's): between two points no vector with a larger ``N_1``
    exists, and the integer step of 1 skips none — 2|F| + 1 programmes. For
    d parties, the points non-dominated in the first d − 1 utilities with a
    floor ε on ``N_d`` (recursively), each lexicographically maximal in
    ``N_d``, are non-dominated in all d; a frontier point they miss has a
    larger ``N_d`` than the least of them, so the next round raises ε to
    that least ``N_d`` + 1, until no package is left: every frontier point,
    and only those (equal vectors found twice are kept once). Reservations
    are floors ``N_p ≥ ⌈r_p den_p scale_p⌉`` in every programme. **One
    party**: the one point of its maximum. Only floors are added, never a
    constraint with a large coefficient, so the solver's tolerances stay far
    below one unit.

    **Cost.** Each programme is NP-hard in general (a sum of rectangles can
    encode maximum satisfiability); in practice ``10issues`` (100 ``x``, 40
    ``y``, 10 points) takes about a second. Programmes: 2|F| + 1 for two
    parties; for d, d per point found, and each round finds again the points
    above its floor: up to about d · |F|^(d−1) in the worst case.
    """
    model = _model(case, parties, at, respect_red_lines, interval_steps)
    prog = _Programme(model)
    floors = {n: f for n, p in enumerate(model.parties) if (f := _floor(p)) is not None}
    points = _front(prog, len(model.parties), floors)
    found = sorted(points.items(), key=lambda kv: kv[0], reverse=True)
    if not found:
        raise BargainingError(_none_message(case, model, floors))
    exact = [
        tuple(Fraction(v, p.scale) / p.den for v, p in zip(nums, model.parties, strict=True))
        for nums, _ in found
    ]
    cols = [utility_column(p.id) for p in model.parties]
    data: dict[str, Any] = {c: [float(u[n]) for u in exact] for n, c in enumerate(cols)}
    data[COUNT] = pd.array([pd.NA] * len(found), dtype="Int64")
    for n, iid in enumerate(model.issues):
        data[iid] = [model.candidates[iid][pkg[n]] for _, pkg in found]
    df = pd.DataFrame(data, columns=[*cols, COUNT, *model.issues])
    df.index = pd.RangeIndex(len(found), name="point")
    df.attrs.update(
        parties=tuple(p.id for p in model.parties),
        issues=model.issues,
        at=model.date.isoformat(),
        disagreement={p.id: float(p.disagreement) for p in model.parties},
        respect_red_lines=respect_red_lines,
        candidates={
            iid: model.candidates[iid] for iid in model.issues if case.issue(iid).is_interval
        },
        counted=False,
    )
    return df, exact, tuple(p.disagreement for p in model.parties)


def _none_message(case: Case, model: _Model, floors: Mapping[int, int]) -> str:
    if floors:
        wanted = ", ".join(
            f"{p.id} {float(p.reservation):g}" for p in model.parties if p.reservation is not None
        )
        return (
            f"no package gives every party at least its reservation value ({wanted}) on "
            f"{model.date} (or none respects the red lines): lower a reservation or drop it"
        )
    return (
        f"no package respects the chosen parties' red lines on {model.date}; drop a red line "
        "(a what-if scenario) or use respect_red_lines=False"
    )


def bonus_disagreement(
    case: Case, parties: Iterable[str] | str, at: Any = None
) -> dict[str, float]:
    """Each party's disagreement utility (see :func:`engine.solve.nash.disagreement_point`)."""
    model = _model(case, parties, at, False, 0)
    return {p.id: float(p.disagreement) for p in model.parties}
