"""The exact Pareto frontier of packages for a set of parties (:func:`pareto_packages`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from engine.model.case import Case
from engine.solve.bonus import bonus_frontier, has_bonuses
from engine.solve.frontier import _frontier_table
from engine.solve.nash import _nash_exact, _nash_rows
from engine.solve.utility import _resolve


def pareto_packages(
    case: Case,
    parties: Iterable[str] | str,
    *,
    at: Any = None,
    respect_red_lines: bool = True,
    interval_steps: int = 0,
) -> pd.DataFrame:
    """The exact Pareto frontier of packages for a set of parties.

    Parameters
    ----------
    case : Case
    parties : iterable of str (or "a,b")
        The parties bargaining (at least one; their order in the case is kept).
    at : date or str, optional
        Evaluation date (default: the case's ``as_of``).
    respect_red_lines : bool
        Restrict outcomes to what the chosen parties' red-line positions
        accept (linkage included, see Notes).
    interval_steps : int
        On interval scales, also try ``interval_steps + 1`` evenly spaced
        outcomes across the range (0: only the breakpoints listed in Notes).

    Returns
    -------
    DataFrame
        One row per distinct non-dominated utility vector, sorted by the
        utility of the first party (then the next…) from high to low, index
        ``point``. Columns: ``U(<party>)`` for each party (float); ``#packages``
        (int): how many packages attain exactly that vector; then one column
        per issue of the package (option id, or a number on interval scales)
        holding a representative package: the first in (issue, option) order
        that attains the vector (issues linked by a red line's ``requires``
        are ordered as one block, at the place of their first issue). ``attrs`` holds ``parties``, ``issues``,
        ``at`` (ISO date), ``disagreement`` (party → its reservation when
        it has one, else the utility of the status quo), ``respect_red_lines`` and ``candidates`` (issue → the outcomes
        tried on interval scales).

    Raises
    ------
    BargainingError
        When no package respects the red lines (the message names them) or
        no party is given.
    UnknownIdError
        For an unknown party id.

    Notes
    -----
    **Utility.** ``U_p(o) = Σ_i s_p,i v_p,i(o_i) / Σ_i s_p,i`` over the
    issues where ``p`` has a position (a party with none, or with saliences
    summing to 0, is indifferent: ``U_p = 0``), where ``v_p,i`` is the
    position's ``values`` when given (docs/format.md, "Values") and
    ``1 − dist_i(o_i, ideal_p,i)`` otherwise. Ties are exact (rational
    arithmetic, see the module's docstring): no tolerance.

    **Reservations.** A package worth less than a chosen party's
    ``reservation`` to it is not individually rational and is left out:
    the result is the frontier of the packages with ``U_p ≥ r_p`` for every
    party with a reservation, which is exactly the unrestricted frontier's
    points that satisfy it (a package dominating a rational one is
    rational). ``BargainingError`` when no package is rational.

    **Issues.** The package covers the issues on which at least one chosen
    party has a position, plus any issue a chosen party's red line is linked
    to (below). On an issue where only one chosen party has a position the
    others are indifferent, so the frontier takes that party's ideal there
    (or any outcome as close to it — the count includes every such outcome);
    nothing is assumed, it falls out of the dominance test.

    **Outcomes.** Ordinal and nominal issues: every option. Interval issues:
    the range ends, the status quo, and every ideal, acceptable-interval
    endpoint and ``values`` point of a chosen party, plus the endpoints of intervals named in a
    chosen party's ``requires`` (and the ``interval_steps`` grid). The result
    is the exact frontier over these candidate outcomes. Between two
    consecutive candidates every party's utility is linear, so the utility
    vector of any other interval outcome is a convex combination of two
    candidates' vectors; but the frontier of the continuous problem can hold
    such intermediate points (its kinks need not be candidate packages
    either), and one of them can dominate a point listed here (splitting the
    difference on an interval issue to compensate a trade on another) —
    refine with ``interval_steps`` when that matters.

    **Red lines.** A chosen party's red-line position on issue ``i``
    restricts ``o_i`` to its acceptable set. With ``requires: {j: S}`` that
    acceptance is conditional: the feasible pairs are ``o_j ∈ S`` and
    ``o_i ∈ A``, or ``o_j ∉ S`` and ``o_i`` = the ideal. Such linked issues
    are merged into one joint block whose options are their feasible
    combinations (so the result stays exact; the block's size is the
    product of its issues' numbers of candidates). Red lines of parties not
    chosen are ignored.

    **Bonuses.** When a chosen party has ``bonuses`` (its utility is the
    sum of the bonuses whose conditions hold, docs/format.md), the utility
    is not separable by issue and the frontier is computed instead by the
    exact epsilon-constraint method over a 0–1 integer programme
    (:func:`engine.solve.bonus.bonus_frontier`; any number of parties, the
    programmes growing quickly with it), ``#packages`` not counted (``<NA>``, ``attrs["counted"]`` False) and
    the representative package is the solver's, not the first in order.

    **Algorithm.** Each block's candidate vectors are reduced to its own
    frontier (equal vectors merged with their counts added; dominated ones
    dropped — a package using a dominated option is itself dominated). The
    frontier of the Minkowski sum of the blocks is then built block by block:
    the current frontier F is added to every option of the next block, equal
    sums are merged (counts added, the lexicographically first package kept
    through back-pointers) and dominated sums pruned. This is exact: every
    prefix of a package on the final frontier lies on the frontier of its
    prefix (otherwise the dominating prefix would dominate the package), and
    a package whose vector equals a frontier point has no dominated prefix
    either, so the counts are exact too. The sums are sorted in
    lexicographic order, equal ones merged, and the dominated ones removed by
    :func:`engine.solve.skyline.maxima` (one sweep for two parties; for more,
    the Kung–Luccio–Preparata divide and conquer, vectorised level by level;
    from four parties a grid first drops the sums another beats by a whole
    cell, and bitsets replace the upper levels up to a few thousand sums).
    :func:`engine.solve.frontier.additive_frontier` runs the same programme
    on per-issue utility contributions given as integer arrays. The
    contributions ``s · v`` are integers over each party's least common
    denominator (:mod:`engine.solve.integers`), the Nash point the largest
    exact product of integer gains.

    **Complexity.** For blocks of sizes m_1 … m_n and intermediate frontiers
    F_k, with N_k = |F_k| m_k sums at step k: time
    O(Σ_k N_k log N_k) for two parties, O(Σ_k N_k log² N_k) for three and
    O(Σ_k N_k log^(d−1) N_k) for d ≥ 4 (plus pairwise comparisons within
    short runs, O(Σ_k N_k) with a constant of a few hundred), memory
    O(max_k N_k · d) — output-sensitive; the package space Π m_k is never
    enumerated. In ``tests/benchmarks/bench_frontier.py`` (a shared
    two-core machine, docs/performance.md) two parties over 6 issues × 10
    options take about 1 ms for the whole call, four parties about 0.2 s at
    8⁹ (18 000 points) and 0.7 s at 8¹² (6.9·10¹⁰ packages, 43 000 points).
    Like any Pareto set, the frontier can grow exponentially with the number
    of issues in the worst case.

    Examples
    --------
    >>> from engine import load_case
    >>> case = load_case("tests/cases/tiny")
    >>> front = pareto_packages(case, ["a", "b"])
    >>> list(front.columns)
    ['U(a)', 'U(b)', '#packages', 'ord', 'nom', 'num']
    >>> len(front)
    11
    >>> front[["ord", "nom", "num"]].head(1).to_dict("records")  # a's best within b's red line
    [{'ord': 'o4', 'nom': 'x', 'num': 20.0}]
    >>> # U_a = Σ s·(1 − distance) / Σ s: o4 is 3 steps of 4 from a's o1; x and 20 are its ideals
    >>> bool(abs(front.loc[0, "U(a)"] - (0.8 * 0.25 + 0.4 * 1 + 0.6 * 1) / 1.8) < 1e-12)
    True
    >>> front[["ord", "nom", "num", "U(b)"]].tail(1).to_dict("records")  # b's ideal package
    [{'ord': 'o5', 'nom': 'z', 'num': 80.0, 'U(b)': 1.0}]

    On the shipped case (red lines collide on some issues there, hence
    ``respect_red_lines=False``):

    >>> uk = pareto_packages(load_case("ukraine-russia"), ["ukraine", "russia"], respect_red_lines=False)
    >>> uk.attrs["parties"], bool(uk["U(ukraine)"].is_monotonic_decreasing)
    (('ukraine', 'russia'), True)
    """
    if has_bonuses(case, _resolve(case, parties)):
        front, exact, d = bonus_frontier(case, parties, at, respect_red_lines, interval_steps)
        front.attrs["nash_point"] = _nash_exact(front, exact, d).point
        return front
    problem, vals, front = _frontier_table(case, parties, at, respect_red_lines, interval_steps)
    rows, _ = _nash_rows(problem, vals)
    front.attrs["nash_point"] = int(rows[0]) if len(rows) else None
    return front
