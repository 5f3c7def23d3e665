"""Exact utilities of packages: closeness on one issue, and U_p of a given package.

Every number of the case is read as the shortest decimal that gives the same
float (see :mod:`engine.solve.bargaining`, "Exact arithmetic"), so utilities
are exact rationals. Also the names every bargaining module shares:
:class:`BargainingError`, :data:`COUNT` and :func:`utility_column`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from typing import Any

from engine.model.case import Acceptable, Case, Issue, Outcome, Position, Span
from engine.model.errors import ZopaError
from engine.model.values import value_of

#: Column of :func:`pareto_packages` with the number of packages attaining a point.
COUNT = "#packages"


class BargainingError(ZopaError, ValueError):
    """A bargaining question has no answer as asked (no party, no feasible package…)."""


def utility_column(party: str) -> str:
    """The frontier's column holding a party's utility: ``"U(<party>)"``."""
    return f"U({party})"


# ----------------------------------------------------------------- exact values


def _decimal(x: float) -> tuple[int, int]:
    """A float as the shortest decimal that gives it back: ``(n, 10**digits)``, not reduced.

    Examples
    --------
    >>> _decimal(0.25), _decimal(-3.0), _decimal(2.5e-07), _decimal(1.5e16)
    ((25, 100), (-30, 10), (25, 100000000), (150000000000000000, 10))
    """
    mantissa, _, exponent = repr(float(x)).partition("e")
    whole, _, digits = mantissa.partition(".")
    num, den = int(whole + digits), 10 ** len(digits)
    if exponent:
        power = int(exponent)
        num, den = (num * 10**power, den) if power >= 0 else (num, den * 10**-power)
    return num, den


def _dec(x: float | int) -> Fraction:
    """A float as the shortest decimal that gives it back (the value as written)."""
    return Fraction(*_decimal(float(x)))


_Value = Callable[[Outcome], Fraction]


class _Closeness:
    """Exact ``1 − distance(outcome, ideal)`` on one issue."""

    def __init__(self, issue: Issue):
        self.issue = issue
        if issue.is_interval:
            assert issue.min is not None and issue.max is not None
            self.width = _dec(issue.max) - _dec(issue.min)
        elif issue.scale == "nominal":
            self.table = issue.distance_matrix()

    def __call__(self, outcome: Outcome, ideal: Outcome) -> Fraction:
        issue = self.issue
        if issue.is_interval:
            return 1 - abs(_dec(outcome) - _dec(ideal)) / self.width  # type: ignore[arg-type]
        i, j = issue.index(str(outcome)), issue.index(str(ideal))
        if issue.scale == "ordinal":
            k1 = max(issue.k - 1, 1)
            return Fraction(k1 - abs(i - j), k1)
        return 1 - _dec(float(self.table[i, j]))


def _valuation(issue: Issue, pos: Position, closeness: _Closeness | None = None) -> _Value:
    """The exact value ``v_p,i(o)`` of an outcome to a position (its per-issue utility).

    ``values`` where the position gives them (:func:`engine.model.values.value_of`),
    else the closeness ``1 − dist_i(o, ideal_p,i)``.
    """
    if pos.values:
        return lambda outcome: value_of(issue, pos.values, outcome)
    close = closeness if closeness is not None else _Closeness(issue)
    return lambda outcome: close(outcome, pos.ideal)


def _reservation(case: Case, party: str) -> Fraction | None:
    """A party's reservation value, exactly (``None`` when it has none)."""
    r = case.party(party).reservation
    return None if r is None else _dec(r)


def _contains(acc: Acceptable, outcome: Outcome) -> bool:
    if isinstance(acc, Span):
        return acc.lo <= float(outcome) <= acc.hi
    return outcome in acc.ids


def _resolve(case: Case, parties: Iterable[str] | str) -> tuple[str, ...]:
    if isinstance(parties, str):
        parties = [p.strip() for p in parties.split(",") if p.strip()]
    wanted = list(parties)
    chosen = case.resolve_parties(wanted)
    if not chosen:
        raise BargainingError("give at least one party id, e.g. parties=['ukraine', 'russia']")
    return chosen


def package_utilities(
    case: Case,
    package: Mapping[str, Outcome],
    parties: Iterable[str] | str | None = None,
    *,
    at: Any = None,
) -> dict[str, float]:
    """The utility ``U_p`` of a package for each party.

    Parameters
    ----------
    case : Case
    package : mapping of issue id to outcome
        Must name every issue on which a chosen party has a position.
    parties : iterable of str, optional
        Default: every party of the case.
    at : date or str, optional

    Notes
    -----
    ``U_p = Σ_i s_p,i v_p,i(o_i) / Σ_i s_p,i`` in exact arithmetic, rounded
    once to float, where ``v_p,i`` is the position's ``values`` when given
    and ``1 − dist_i(o_i, ideal_p,i)`` otherwise; for a party with
    ``bonuses``, ``U_p = Σ_b value_b [every condition of b holds]``. Red
    lines and reservations are not checked.

    Examples
    --------
    >>> from engine import load_case
    >>> u = package_utilities(load_case("tests/cases/tiny"), {"ord": "o3", "nom": "y", "num": 50}, ["a", "b"])
    >>> round(u["b"], 12) == round((1.0 * 0.5 + 0.2 * 0 + 0.5 * 0.7) / 1.7, 12)
    True
    """
    chosen = case.party_ids if parties is None else _resolve(case, parties)
    state = case.at(at)
    out = {}
    for p in chosen:
        bonuses = case.party(p).bonuses
        if bonuses:
            missing = sorted({i for b in bonuses for i, _ in b.when} - set(package))
            if missing:
                raise BargainingError(
                    f"the package gives no outcome on issue '{missing[0]}', on which a bonus "
                    f"of party '{p}' depends"
                )
            out[p] = float(sum((b.value for b in bonuses if b.holds(package)), Fraction(0)))
            continue
        num, den = Fraction(0), Fraction(0)
        for (q, iid), pos in state.items():
            if q != p:
                continue
            if iid not in package:
                raise BargainingError(
                    f"the package gives no outcome on issue '{iid}', where party '{p}' has a position"
                )
            s = _dec(pos.salience)
            num += s * _valuation(case.issue(iid), pos)(package[iid])
            den += s
        out[p] = 0.0 if den == 0 else float(num / den)
    return out
