"""Each party's exact utility contributions as integers: the frontier's input.

A party's contribution on an issue, ``s · v(o)`` for every candidate outcome
``o``, is a rational number (see :mod:`engine.solve.bargaining`, "Exact
arithmetic"). The frontier adds and compares them as integers: each party's
contributions are multiplied by the least common denominator of all of them
(:func:`_contributions`). Decimals are read from their shortest ``repr`` as
``numerator / 10**digits`` and ordinal closeness as ``(k − 1 − |i − j|) /
(k − 1)``, so the common case costs a few integer operations per candidate
instead of a :class:`~fractions.Fraction` each; values and interval issues
go through the exact :func:`engine.solve.utility._valuation`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from engine.model.case import Issue, Outcome, Position
from engine.solve.utility import _dec, _decimal, _valuation


@dataclass(frozen=True)
class _Party:
    """One party's exact contributions, in integer units.

    ``units[iid][k]`` is ``s · v(candidate k) · scale`` (an integer; 0 where
    the party has no position); ``status_quo`` is ``Σ_i s · v(status_quo_i)``
    and ``salience`` is ``Σ_i s``, both unscaled; ``scale`` is the least
    common denominator of every contribution and of ``status_quo``.
    """

    units: Mapping[str, list[int]]
    status_quo: Fraction
    salience: Fraction
    scale: int


def _contributions(
    case_issue: Mapping[str, Issue],
    mine: Mapping[tuple[str, str], Position],
    party: str,
    candidates: Mapping[str, Sequence[Outcome]],
) -> _Party:
    """A party's exact ``s · v`` per issue and candidate, scaled to integers.

    Notes
    -----
    Per issue the contributions are ``n_k / q`` with ``q`` the least common
    denominator of the issue's values times the salience's denominator,
    reduced by ``gcd(q, n_1, …)`` so that ``q`` is the lcm of the reduced
    denominators; the party's ``scale`` is the lcm of every ``q`` and of the
    status quo's denominator, the smallest integer making all of them
    integers.
    """
    parts: dict[str, tuple[list[int], int]] = {}
    saliences: list[tuple[int, int]] = []  # decimals n / 10**e, summed once at the end
    status_quo: list[tuple[int, int]] = []
    for iid, cand in candidates.items():
        stated = mine.get((party, iid))
        if stated is None:
            parts[iid] = ([0] * len(cand), 1)
            continue
        sn, sd = _decimal(float(stated.salience))
        saliences.append((sn, sd))
        nums, den = _value_column(case_issue[iid], stated, cand)
        nums = [sn * x for x in nums]
        den *= sd
        g = math.gcd(den, *nums)
        nums, den = [x // g for x in nums], den // g
        parts[iid] = (nums, den)
        sq = case_issue[iid].status_quo
        if sq is None:
            continue
        if sq in cand:  # it always is: the status quo is a candidate
            status_quo.append((nums[cand.index(sq)], den))
        else:
            exact = _dec(stated.salience) * _valuation(case_issue[iid], stated)(sq)
            status_quo.append((exact.numerator, exact.denominator))
    sq_sum, salience = _sum(status_quo), _sum(saliences)
    scale = math.lcm(sq_sum.denominator, *(den for _, den in parts.values()))
    units = {iid: [x * (scale // den) for x in nums] for iid, (nums, den) in parts.items()}
    return _Party(units, sq_sum, salience, scale)


def _sum(terms: list[tuple[int, int]]) -> Fraction:
    """``Σ n / d`` exactly, over the lcm of the denominators (one reduction at the end)."""
    den = math.lcm(1, *(d for _, d in terms))
    return Fraction(sum(n * (den // d) for n, d in terms), den)


def _value_column(issue: Issue, pos: Position, cand: Sequence[Outcome]) -> tuple[list[int], int]:
    """The position's value of each candidate as integers over one denominator: ``n_k / q``.

    Ordinal and nominal closeness directly in integers (``1 − d`` with ``d``
    the distance to the ideal: ``|i − j| / (k − 1)`` on ordinal issues; on
    nominal ones 0 at the ideal, the ``distances`` entry of the pair where one
    is given, the last one winning as in :meth:`engine.Issue.distance_matrix`,
    else 1); ``values`` and interval issues through the exact valuation (then
    over the lcm of the denominators).
    """
    if not pos.values and not issue.is_interval:
        ideal = str(pos.ideal)
        if issue.scale == "ordinal":
            k1 = max(issue.k - 1, 1)
            at = issue.index(ideal)
            if cand == issue.option_ids:
                return [k1 - abs(i - at) for i in range(issue.k)], k1
            return [k1 - abs(issue.index(str(o)) - at) for o in cand], k1
        given = {ideal: (0, 1)}
        for a, b, v in issue.distances:
            if a == ideal:
                given[b] = _decimal(float(v))
            if b == ideal:
                given[a] = _decimal(float(v))
        parts = [given.get(str(o), (1, 1)) for o in cand]
        top = max(den for _, den in parts)  # powers of ten: their lcm is the largest
        return [top - num * (top // den) for num, den in parts], top
    value = _valuation(issue, pos)
    exact = [value(o) for o in cand]
    den = math.lcm(*(f.denominator for f in exact))
    return [f.numerator * (den // f.denominator) for f in exact], den
