"""Integrative bargaining: the Pareto frontier of packages, the Nash package, logrolls.

A **package** chooses one outcome on every issue. Each party ``p`` values a
package ``o`` by its additive utility (DESIGN.md, "What-if and settlement
search")::

    U_p(o) = Σ_i s_p,i · (1 − distance_i(o_i, ideal_p,i)) / Σ_i s_p,i

summed over the issues on which ``p`` has a position (on the evaluation
date), with ``s`` the saliences and ``distance_i`` the issue's own distance
(:meth:`engine.Issue.distance`). The **disagreement point** ``d_p`` is the
utility of the status-quo package: each issue contributes
``s_p,i · (1 − distance_i(status_quo_i, ideal_p,i))``, and an issue without a
``status_quo`` contributes 0 (nothing holds there without a deal, so no
closeness to the party's ideal is credited).

Exact arithmetic
----------------
Utilities are compared in exact rational arithmetic, never with a float
tolerance. Every number of the case (saliences, entries of a nominal
distance table, interval bounds, ideals and endpoints) is read as the
shortest decimal that gives the same float — i.e. as written in the YAML
file, so ``0.1 + 0.2`` equals ``0.3`` — ordinal distances are exact
fractions ``r / (k − 1)``, and each party's contributions are scaled by the
least common denominator to integers (numpy ``int64`` when the sums fit,
Python integers otherwise). Two packages tie exactly when their rational
utilities are equal; the floats in the results are the correctly rounded
values of those rationals.

This module never enumerates the package space: see
:func:`pareto_packages` for the algorithm.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from engine.model.case import Acceptable, Case, Issue, Outcome, Position, Span, as_date
from engine.model.errors import ZopaError

__all__ = [
    "COUNT",
    "BargainingError",
    "NashPackage",
    "disagreement_point",
    "logrolls",
    "nash_package",
    "package_utilities",
    "pareto_packages",
    "utility_column",
]

#: Column of :func:`pareto_packages` with the number of packages attaining a point.
COUNT = "#packages"

_INT64_LIMIT = 2**62  # partial sums stay below this: int64 arithmetic cannot overflow
_CHUNK = 512  # rows compared at a time in the d-dimensional dominance filter


class BargainingError(ZopaError, ValueError):
    """A bargaining question has no answer as asked (no party, no feasible package…)."""


def utility_column(party: str) -> str:
    """The frontier's column holding a party's utility: ``"U(<party>)"``."""
    return f"U({party})"


# ----------------------------------------------------------------- exact values


def _dec(x: float | int) -> Fraction:
    """A float as the shortest decimal that gives it back (the value as written)."""
    return Fraction(repr(float(x)))


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


def _contains(acc: Acceptable, outcome: Outcome) -> bool:
    if isinstance(acc, Span):
        return acc.lo <= float(outcome) <= acc.hi
    return outcome in acc.ids


# ------------------------------------------------------------------ the problem


@dataclass(frozen=True)
class _Block:
    """A group of issues decided together (one issue, or issues coupled by linkage).

    ``combos`` lists the candidate index of each issue of the block for every
    remaining combination; ``order`` is its rank in lexicographic
    (issue, option) order; ``vectors`` the integer utility contributions
    (combinations × parties); ``counts`` how many feasible combinations share
    that vector (Python ints).
    """

    issues: tuple[str, ...]
    combos: np.ndarray
    order: np.ndarray
    vectors: np.ndarray
    counts: np.ndarray


@dataclass(frozen=True)
class _Problem:
    parties: tuple[str, ...]
    date: Any
    issues: tuple[str, ...]  # the package's issues, case order
    candidates: Mapping[str, tuple[Outcome, ...]]
    blocks: tuple[_Block, ...]
    scale: tuple[int, ...]  # per party: integer units per unit of Σ s·closeness
    salience_sum: tuple[Fraction, ...]
    disagreement: tuple[Fraction, ...]  # Σ s·closeness at the status quo (not normalised)
    dtype: Any


def _resolve(case: Case, parties: Iterable[str] | str) -> tuple[str, ...]:
    if isinstance(parties, str):
        parties = [p.strip() for p in parties.split(",") if p.strip()]
    wanted = list(parties)
    chosen = case.resolve_parties(wanted)
    if not chosen:
        raise BargainingError("give at least one party id, e.g. parties=['ukraine', 'russia']")
    return chosen


def _interval_points(
    issue: Issue, chosen: Sequence[str], state: Mapping[tuple[str, str], Position], steps: int
) -> tuple[float, ...]:
    assert issue.min is not None and issue.max is not None
    pts = {float(issue.min), float(issue.max)}
    if issue.status_quo is not None:
        pts.add(float(issue.status_quo))
    for (p, i), pos in state.items():
        if p not in chosen:
            continue
        if i == issue.id:
            assert isinstance(pos.acceptable, Span)
            pts.update((float(pos.ideal), pos.acceptable.lo, pos.acceptable.hi))
        for other, acc in pos.requires:
            if other == issue.id and isinstance(acc, Span):
                pts.update((acc.lo, acc.hi))
    if steps > 0:
        pts.update(float(x) for x in np.linspace(issue.min, issue.max, steps + 1))
    return tuple(sorted(pts))


def _build(
    case: Case,
    parties: Iterable[str] | str,
    at: Any,
    respect_red_lines: bool,
    interval_steps: int,
) -> _Problem:
    chosen = _resolve(case, parties)
    date = case.as_of if at is None else as_date(at, "at")
    state = case.at(date)
    mine = {k: v for k, v in state.items() if k[0] in chosen}
    issue_by_id = {i.id: i for i in case.issues}
    rank = {iid: n for n, iid in enumerate(case.issue_ids)}
    relevant = {i for (_, i) in mine}

    # red-line constraints and the issues they couple
    constraints = [pos for pos in mine.values() if pos.red_line] if respect_red_lines else []
    parent = {iid: iid for iid in case.issue_ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    linked: set[str] = set()
    for pos in constraints:
        for other, _ in pos.requires:
            linked.add(other)
            a, b = find(pos.issue), find(other)
            if a != b:
                parent[max(a, b, key=rank.__getitem__)] = min(a, b, key=rank.__getitem__)
    used = sorted(relevant | linked, key=rank.__getitem__)
    groups: dict[str, list[str]] = {}
    for iid in used:
        groups.setdefault(find(iid), []).append(iid)

    candidates: dict[str, tuple[Outcome, ...]] = {}
    for iid in used:
        issue = issue_by_id[iid]
        if issue.is_interval:
            candidates[iid] = _interval_points(issue, chosen, state, interval_steps)
        else:
            candidates[iid] = issue.option_ids

    # exact contributions s · closeness per party, issue and candidate
    closeness = {iid: _Closeness(issue_by_id[iid]) for iid in used}
    contrib: list[dict[str, list[Fraction]]] = []
    sq_contrib: list[Fraction] = []
    s_sum: list[Fraction] = []
    scale: list[int] = []
    for p in chosen:
        table: dict[str, list[Fraction]] = {}
        sq = Fraction(0)
        total = Fraction(0)
        denominators = {1}
        for iid in used:
            stated = mine.get((p, iid))
            if stated is None:
                table[iid] = [Fraction(0)] * len(candidates[iid])
                continue
            s = _dec(stated.salience)
            total += s
            table[iid] = [s * closeness[iid](o, stated.ideal) for o in candidates[iid]]
            denominators.update(c.denominator for c in table[iid])
            status_quo = issue_by_id[iid].status_quo
            if status_quo is not None:
                c = s * closeness[iid](status_quo, stated.ideal)
                sq += c
                denominators.add(c.denominator)
        contrib.append(table)
        sq_contrib.append(sq)
        s_sum.append(total)
        scale.append(math.lcm(*denominators))

    big = 0
    for n, _ in enumerate(chosen):
        top = sum((max(contrib[n][iid]) for iid in used), Fraction(0))
        big = max(big, int(top * scale[n]) + 1)
    dtype: Any = np.int64 if big < _INT64_LIMIT else object

    blocks = []
    for members in sorted(groups.values(), key=lambda g: rank[g[0]]):
        blocks.append(_block(members, candidates, constraints, contrib, scale, dtype))
        if len(blocks[-1].combos) == 0:
            raise BargainingError(_infeasible_message(case, members, constraints, date))
    return _Problem(
        parties=chosen,
        date=date,
        issues=tuple(used),
        candidates=MappingProxyType(candidates),
        blocks=tuple(blocks),
        scale=tuple(scale),
        salience_sum=tuple(s_sum),
        disagreement=tuple(sq_contrib),
        dtype=dtype,
    )


def _block(
    members: list[str],
    candidates: Mapping[str, tuple[Outcome, ...]],
    constraints: list[Position],
    contrib: list[dict[str, list[Fraction]]],
    scale: list[int],
    dtype: Any,
) -> _Block:
    """Enumerate the feasible combinations of a block and reduce them to its frontier."""
    sizes = [len(candidates[i]) for i in members]
    combos = np.indices(sizes).reshape(len(members), -1).T  # C order = lexicographic
    ok = np.ones(len(combos), dtype=bool)
    col = {iid: n for n, iid in enumerate(members)}

    def inside(iid: str, acc: Acceptable) -> np.ndarray:
        member = np.array([_contains(acc, o) for o in candidates[iid]], dtype=bool)
        return member[combos[:, col[iid]]]

    for pos in constraints:
        if pos.issue not in col:
            continue
        condition = np.ones(len(combos), dtype=bool)
        for other, acc in pos.requires:
            condition &= inside(other, acc)
        is_ideal = np.array([o == pos.ideal for o in candidates[pos.issue]], dtype=bool)
        ok &= np.where(
            condition, inside(pos.issue, pos.acceptable), is_ideal[combos[:, col[pos.issue]]]
        )
    order = np.flatnonzero(ok)
    combos = combos[order]
    values = np.zeros((len(combos), len(contrib)), dtype=dtype)
    for n, table in enumerate(contrib):
        for iid in members:
            ints = np.array([int(c * scale[n]) for c in table[iid]], dtype=dtype)
            values[:, n] += ints[combos[:, col[iid]]]
    counts = np.ones(len(combos), dtype=object)
    keep, counts = _reduce(values, counts, order)
    return _Block(tuple(members), combos[keep], order[keep], values[keep], counts)


def _infeasible_message(
    case: Case, members: list[str], constraints: list[Position], date: Any
) -> str:
    lines = []
    for pos in constraints:
        if pos.issue in members:
            issue = case.issue(pos.issue)
            text = f"{pos.party} on '{pos.issue}': {issue.describe(pos.acceptable, ids=True)}"
            if pos.requires:
                text += (
                    " if "
                    + ", ".join(
                        f"{i} in {case.issue(i).describe(a, ids=True)}" for i, a in pos.requires
                    )
                    + f", else only {pos.ideal}"
                )
            lines.append(text)
    where = "issue '" + members[0] + "'" if len(members) == 1 else "issues " + ", ".join(members)
    return (
        f"no package respects the red lines on {where} on {date}: "
        + "; ".join(lines)
        + "; drop a red line (a what-if scenario) or use respect_red_lines=False"
    )


# ------------------------------------------------------------- pareto filtering


def _reduce(
    values: np.ndarray, counts: np.ndarray, keys: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Merge equal vectors and drop dominated ones.

    Returns the indices of the kept rows — for each distinct non-dominated
    vector, the row of smallest ``key`` — in decreasing lexicographic order of
    the vectors, and the summed ``counts`` of each kept vector.
    """
    n, d = values.shape
    if n == 0:
        return np.zeros(0, dtype=np.intp), counts[:0]
    sort_keys = (keys, *(-values[:, c] for c in reversed(range(d))))
    order = np.lexsort(sort_keys)
    v = values[order]
    new = np.ones(n, dtype=bool)
    if d:
        new[1:] = (v[1:] != v[:-1]).any(axis=1)
    else:
        new[1:] = False
    starts = np.flatnonzero(new)
    summed = np.add.reduceat(counts[order], starts)
    unique = v[starts]
    keep = _nondominated(unique)
    return order[starts][keep], summed[keep]


def _nondominated(u: np.ndarray) -> np.ndarray:
    """Mask of the non-dominated rows of distinct vectors sorted in decreasing lex order.

    A row can only be dominated by an earlier one. Two objectives: one sweep
    (O(n)); more: blockwise comparisons against the rows kept so far
    (O(n · f · d) for f kept rows).
    """
    n, d = u.shape
    keep = np.zeros(n, dtype=bool)
    if n == 0:
        return keep
    if d <= 1:
        keep[0] = True
        return keep
    if d == 2:
        b = u[:, 1]
        best = np.maximum.accumulate(b)
        keep[0] = True
        keep[1:] = b[1:] > best[:-1]
        return keep
    kept = u[:0]
    for start in range(0, n, _CHUNK):
        chunk = u[start : start + _CHUNK]
        mutual = np.array((chunk[:, None, :] >= chunk[None, :, :]).all(axis=2), dtype=bool)
        np.fill_diagonal(mutual, False)
        alive = np.flatnonzero(~mutual.any(axis=0))
        # the kept points nearest in lexicographic order are the likeliest dominators:
        # compare against them first and drop the dominated rows as we go
        stop = len(kept)
        while alive.size and stop > 0:
            ref = kept[max(0, stop - 4 * _CHUNK) : stop]
            hit = (ref[:, None, :] >= chunk[alive][None, :, :]).all(axis=2).any(axis=0)
            alive = alive[~hit]
            stop -= 4 * _CHUNK
        keep[start + alive] = True
        kept = np.concatenate([kept, chunk[alive]])
    return keep


def _frontier(problem: _Problem) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Dynamic programme over the blocks: the frontier vectors, counts and chosen options.

    Returns the frontier's integer vectors (decreasing lexicographic order),
    the number of packages attaining each, and per block the index (into the
    block's reduced options) of each point's lexicographically first package.
    """
    d = len(problem.parties)
    vals = np.zeros((1, d), dtype=problem.dtype)
    counts = np.ones(1, dtype=object)
    rank = np.zeros(1, dtype=np.int64)
    steps: list[tuple[np.ndarray, np.ndarray]] = []
    for blk in problem.blocks:
        m, n = len(blk.vectors), len(vals)
        cand = (vals[:, None, :] + blk.vectors[None, :, :]).reshape(n * m, d)
        parent = np.repeat(np.arange(n), m)
        option = np.tile(np.arange(m), n)
        width = int(blk.order.max()) + 1
        keys = rank[parent] * width + blk.order[option]
        keep, counts = _reduce(cand, counts[parent] * blk.counts[option], keys)
        vals = cand[keep]
        rank = np.argsort(np.argsort(keys[keep], kind="stable"), kind="stable")
        steps.append((parent[keep], option[keep]))
    chosen: list[np.ndarray] = [np.zeros(0, dtype=np.intp)] * len(steps)
    idx = np.arange(len(vals))
    for s in range(len(steps) - 1, -1, -1):
        parent, option = steps[s]
        chosen[s] = option[idx]
        idx = parent[idx]
    return vals, counts, chosen


# ------------------------------------------------------------------ public API


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
        ``at`` (ISO date), ``disagreement`` (party → utility of the status
        quo), ``respect_red_lines`` and ``candidates`` (issue → the outcomes
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
    **Utility.** ``U_p(o) = Σ_i s_p,i (1 − dist_i(o_i, ideal_p,i)) / Σ_i s_p,i``
    over the issues where ``p`` has a position (a party with none, or with
    saliences summing to 0, is indifferent: ``U_p = 0``). Ties are exact
    (rational arithmetic, see the module's docstring): no tolerance.

    **Issues.** The package covers the issues on which at least one chosen
    party has a position, plus any issue a chosen party's red line is linked
    to (below). On an issue where only one chosen party has a position the
    others are indifferent, so the frontier takes that party's ideal there
    (or any outcome as close to it — the count includes every such outcome);
    nothing is assumed, it falls out of the dominance test.

    **Outcomes.** Ordinal and nominal issues: every option. Interval issues:
    the range ends, the status quo, and every ideal and acceptable-interval
    endpoint of a chosen party, plus the endpoints of intervals named in a
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
    either, so the counts are exact too. Dominance is tested by sorting in
    lexicographic order and one sweep for two parties, blockwise comparisons
    with the points kept so far for more.

    **Complexity.** For blocks of sizes m_1 … m_n and intermediate frontiers
    F_k, time O(Σ_k |F_k| m_k log(|F_k| m_k)) for two parties
    (O(Σ_k |F_k| m_k · |F_k+1| · d) for d parties) and memory
    O(max |F_k| m_k · d) — output-sensitive; the package space Π m_k is never
    enumerated. In ``tests/benchmarks/bench_frontier.py`` two parties over 12
    issues × 8 options (6.9·10¹⁰ packages) take about 10 ms; three parties
    about 2 s (4 100 points), four about 2 minutes (43 000 points). Like any
    Pareto set, the frontier can grow exponentially with the number of issues
    in the worst case.

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
    return _solve(case, parties, at, respect_red_lines, interval_steps)[0]


def _solve(
    case: Case, parties: Iterable[str] | str, at: Any, respect_red_lines: bool, interval_steps: int
) -> tuple[pd.DataFrame, NashPackage]:
    """The frontier table and the Nash package, from one run of the dynamic programme."""
    problem = _build(case, parties, at, respect_red_lines, interval_steps)
    vals, counts, chosen = _frontier(problem)
    cols = [utility_column(p) for p in problem.parties]
    data: dict[str, Any] = {}
    for n, col in enumerate(cols):
        data[col] = [_utility(problem, n, v) for v in vals[:, n]]
    big = any(c >= 2**63 for c in counts)
    data[COUNT] = pd.Series([int(c) for c in counts], dtype=object if big else np.int64)
    for blk, picks in zip(problem.blocks, chosen, strict=True):
        for pos, iid in enumerate(blk.issues):
            cand = problem.candidates[iid]
            data[iid] = [cand[int(c)] for c in blk.combos[picks, pos]]
    df = pd.DataFrame(data, columns=[*cols, COUNT, *problem.issues])
    df.index = pd.RangeIndex(len(vals), name="point")
    nash = _nash(problem, vals, df)
    df.attrs.update(
        parties=problem.parties,
        issues=problem.issues,
        at=problem.date.isoformat(),
        disagreement={p: _disagreement(problem, n) for n, p in enumerate(problem.parties)},
        respect_red_lines=respect_red_lines,
        candidates={
            iid: problem.candidates[iid] for iid in problem.issues if case.issue(iid).is_interval
        },
        nash_point=nash.point,
    )
    return df, nash


def _utility(problem: _Problem, n: int, value: Any) -> float:
    s = problem.salience_sum[n]
    if s == 0:
        return 0.0
    return float(Fraction(int(value), problem.scale[n]) / s)


def _disagreement(problem: _Problem, n: int) -> float:
    s = problem.salience_sum[n]
    return 0.0 if s == 0 else float(problem.disagreement[n] / s)


def disagreement_point(
    case: Case, parties: Iterable[str] | str, *, at: Any = None
) -> dict[str, float]:
    """Each party's utility of the status-quo package (the disagreement point).

    Notes
    -----
    ``d_p = Σ_i s_p,i (1 − dist_i(status_quo_i, ideal_p,i)) / Σ_i s_p,i`` over
    the issues where ``p`` has a position; an issue without ``status_quo``
    contributes 0 to the numerator (but its salience stays in the
    denominator).

    Examples
    --------
    >>> from engine import load_case
    >>> d = disagreement_point(load_case("tests/cases/tiny"), ["a", "b"])
    >>> round(d["a"], 12) == round((0.8 * 0.75 + 0.6 * 0.7) / 1.8, 12)   # ord at o2, num at 50
    True
    """
    problem = _build(case, parties, at, False, 0)
    return {p: _disagreement(problem, n) for n, p in enumerate(problem.parties)}


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
    ``U_p = Σ_i s_p,i (1 − dist_i(o_i, ideal_p,i)) / Σ_i s_p,i`` in exact
    arithmetic, rounded once to float. Red lines are not checked.

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
        num, den = Fraction(0), Fraction(0)
        for (q, iid), pos in state.items():
            if q != p:
                continue
            if iid not in package:
                raise BargainingError(
                    f"the package gives no outcome on issue '{iid}', where party '{p}' has a position"
                )
            s = _dec(pos.salience)
            num += s * _Closeness(case.issue(iid))(package[iid], pos.ideal)
            den += s
        out[p] = 0.0 if den == 0 else float(num / den)
    return out


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
        Packages attaining the same utility vector.
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
    every chosen party, ``d`` the disagreement point (the status quo, see
    :func:`disagreement_point`). The product increases in every ``U_p`` on
    that set, so its maximum lies on the Pareto frontier; since the frontier
    is exact, so is the result (products are compared as exact rationals).
    Ties are broken by the frontier's order (``ties`` says how many other
    points tie). With interval issues the search covers the candidate
    outcomes of :func:`pareto_packages`. Cost: the frontier's, plus
    O(|F| · d).

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
    return _solve(case, parties, at, respect_red_lines, interval_steps)[1]


def _nash(problem: _Problem, vals: np.ndarray, front: pd.DataFrame) -> NashPackage:
    d = {p: _disagreement(problem, n) for n, p in enumerate(problem.parties)}
    best: Fraction | None = None
    best_rows: list[int] = []
    for row in range(len(vals)):
        product = Fraction(1)
        for n in range(len(problem.parties)):
            s = problem.salience_sum[n]
            if s == 0:
                product = Fraction(0)
                break
            gain = (Fraction(int(vals[row, n]), problem.scale[n]) - problem.disagreement[n]) / s
            if gain <= 0:
                product = Fraction(0)
                break
            product *= gain
        if product <= 0:
            continue
        if best is None or product > best:
            best, best_rows = product, [row]
        elif product == best:
            best_rows.append(row)
    if best is None:
        return NashPackage(
            problem.parties, None, disagreement=d, reason=_no_gain_reason(problem, vals)
        )
    row = best_rows[0]
    rec = front.iloc[row]
    utilities = {p: float(rec[utility_column(p)]) for p in problem.parties}
    return NashPackage(
        parties=problem.parties,
        package={iid: _plain(rec[iid]) for iid in problem.issues},
        utilities=utilities,
        disagreement=d,
        gains={p: utilities[p] - d[p] for p in problem.parties},
        nash_product=float(best),
        point=row,
        count=int(rec[COUNT]),
        ties=len(best_rows) - 1,
    )


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


# --------------------------------------------------------------------- logrolls

_LOGROLL_COLUMNS = [
    "i", "outcome_i", "j", "outcome_j", "gain_a", "gain_b", "min_gain",
    "w_a_i", "w_b_i", "w_a_j", "w_b_j", "d_i", "d_j",
]  # fmt: skip


def logrolls(
    case: Case, a: str, b: str, *, at: Any = None, respect_red_lines: bool = True
) -> pd.DataFrame:
    """Trades of concessions: ``a`` gives way on one issue, ``b`` on another.

    Parameters
    ----------
    case : Case
    a, b : str
        The two parties.
    at : date or str, optional
    respect_red_lines : bool
        Leave out a concession that crosses the conceding party's red line.

    Returns
    -------
    DataFrame
        One row per logroll, best first, with columns ``i`` (the issue ``a``
        gives way on), ``outcome_i`` (``b``'s ideal there), ``j`` (the issue
        ``b`` gives way on), ``outcome_j`` (``a``'s ideal), ``gain_a``,
        ``gain_b``, ``min_gain``, the normalised weights ``w_a_i``, ``w_b_i``,
        ``w_a_j``, ``w_b_j`` and the distances between the ideals ``d_i``,
        ``d_j``. ``attrs`` holds ``a``, ``b`` and ``at``.

    Notes
    -----
    With ``w_p,i = s_p,i / Σ_k s_p,k`` (over the issues where ``p`` has a
    position) and ``d_i`` the distance between the two ideals on issue
    ``i``, the trade "``a`` takes ``b``'s ideal on ``i``, ``b`` takes ``a``'s
    ideal on ``j``" is measured against splitting the difference on both
    issues — the 50/50 lottery between the two ideals, worth ``1 − d/2`` to
    each side (the midpoint compromise on an interval scale; on ordinal and
    nominal scales a midpoint option need not exist, hence the lottery)::

        gain_a = (w_a,j · d_j − w_a,i · d_i) / 2
        gain_b = (w_b,i · d_i − w_b,j · d_j) / 2

    A **logroll** is a pair of distinct issues, both parties having positions
    on both, with ``gain_a > 0`` and ``gain_b > 0``. Equivalently
    ``w_a,i / w_a,j < d_j / d_i < w_b,i / w_b,j``: ``a`` cares about ``i``,
    relative to ``j``, less than ``b`` does (its marginal rate of substitution
    is lower). This replaces the cross-party test ``w_a,i < w_b,i`` and
    ``w_a,j > w_b,j``: that test compares the two parties' weights with each
    other, which depends on how many other issues each party has positions
    on, and it neither implies nor is implied by both sides gaining; the
    ratio test is invariant to rescaling either party's saliences and is
    exactly "both gain". The sign tests are exact (rational arithmetic).

    With ``respect_red_lines``, a trade is left out when ``b``'s ideal on
    ``i`` is outside ``a``'s acceptable set and ``a`` holds a red line there,
    or the same for ``b`` on ``j``. Linkage (``requires``) is not evaluated:
    it depends on the rest of the package (the frontier handles it).

    Rows are sorted by ``min_gain`` (larger first), then the sum of the
    gains, then the issues' order. O(m²) for m shared issues.

    Examples
    --------
    >>> from engine import load_case
    >>> lr = logrolls(load_case("tests/cases/tiny"), "a", "b")
    >>> lr[["i", "outcome_i", "j", "outcome_j"]].values.tolist()  # a gives way on num, b on nom
    [['num', 80.0, 'nom', 'x']]
    >>> # w_a: nom 0.4/1.8, num 0.6/1.8; w_b: nom 0.2/1.7, num 0.5/1.7; d_num = 0.6, d_nom = 1
    >>> bool(abs(lr.gain_a.item() - (0.4 * 1 - 0.6 * 0.6) / 1.8 / 2) < 1e-12)
    True
    >>> bool(abs(lr.gain_b.item() - (0.5 * 0.6 - 0.2 * 1) / 1.7 / 2) < 1e-12)
    True
    >>> uk = logrolls(load_case("ukraine-russia"), "ukraine", "russia")
    >>> bool((uk.gain_a > 0).all() and (uk.gain_b > 0).all())
    True
    """
    case.party(a)
    case.party(b)
    if a == b:
        raise BargainingError(f"a logroll needs two different parties; got '{a}' twice")
    date = case.as_of if at is None else as_date(at, "at")
    state = case.at(date)
    weights: dict[str, dict[str, Fraction]] = {}
    for p in (a, b):
        mine = {iid: _dec(pos.salience) for (q, iid), pos in state.items() if q == p}
        total = sum(mine.values(), Fraction(0))
        weights[p] = {iid: (s / total if total else Fraction(0)) for iid, s in mine.items()}
    shared = [i for i in case.issue_ids if i in weights[a] and i in weights[b]]
    dist: dict[str, Fraction] = {}
    for iid in shared:
        pa, pb = state[(a, iid)], state[(b, iid)]
        dist[iid] = 1 - _Closeness(case.issue(iid))(pa.ideal, pb.ideal)
    rows = []
    for i, j in itertools.permutations(shared, 2):
        ga = (weights[a][j] * dist[j] - weights[a][i] * dist[i]) / 2
        gb = (weights[b][i] * dist[i] - weights[b][j] * dist[j]) / 2
        if ga <= 0 or gb <= 0:
            continue
        pa_i, pb_i, pa_j, pb_j = state[(a, i)], state[(b, i)], state[(a, j)], state[(b, j)]
        if respect_red_lines and (
            (pa_i.red_line and not _contains(pa_i.acceptable, pb_i.ideal))
            or (pb_j.red_line and not _contains(pb_j.acceptable, pa_j.ideal))
        ):
            continue
        rows.append(
            (
                (-min(ga, gb), -(ga + gb), case.issue_ids.index(i), case.issue_ids.index(j)),
                {
                    "i": i,
                    "outcome_i": pb_i.ideal,
                    "j": j,
                    "outcome_j": pa_j.ideal,
                    "gain_a": float(ga),
                    "gain_b": float(gb),
                    "min_gain": float(min(ga, gb)),
                    "w_a_i": float(weights[a][i]),
                    "w_b_i": float(weights[b][i]),
                    "w_a_j": float(weights[a][j]),
                    "w_b_j": float(weights[b][j]),
                    "d_i": float(dist[i]),
                    "d_j": float(dist[j]),
                },
            )
        )
    rows.sort(key=lambda r: r[0])
    df = pd.DataFrame([r[1] for r in rows], columns=_LOGROLL_COLUMNS)
    df.index.name = "logroll"
    df.attrs.update(a=a, b=b, at=date.isoformat())
    return df
