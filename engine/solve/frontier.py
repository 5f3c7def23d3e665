"""The exact Pareto frontier of packages, computed block by block (never enumerating packages).

:func:`_build` turns a case into a :class:`_Problem`: the issues decided
(coupled into blocks by red-line linkage), their candidate outcomes, and each
party's exact utility contributions scaled to integers
(:mod:`engine.solve.integers`). :func:`_frontier` then builds the frontier
of the Minkowski sum of the blocks, merging equal vectors and pruning
dominated ones (:func:`engine.solve.skyline._reduce`, with
:func:`engine.solve.skyline.maxima`); see
:func:`engine.solve.pareto.pareto_packages`, Notes, for the algorithm.
:func:`additive_frontier` is the same programme on per-issue utility
contributions given directly as integer arrays (options × parties).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from engine.model.case import Acceptable, Case, Issue, Outcome, Position, Span, as_date
from engine.model.values import value_breakpoints
from engine.solve.integers import _contributions, _Party
from engine.solve.skyline import _reduce, _reduce_rows, _small
from engine.solve.utility import (
    COUNT,
    BargainingError,
    _contains,
    _reservation,
    _resolve,
    utility_column,
)

_INT64_LIMIT = 2**62  # partial sums stay below this: int64 arithmetic cannot overflow


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
    # Σ s·v at the status quo, or reservation · Σ s (not normalised)
    disagreement: tuple[Fraction, ...]
    dtype: Any
    reservation: tuple[Fraction | None, ...] = ()  # per party, normalised (None: none given)


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
            pts.update(value_breakpoints(pos.values))  # the slopes of its values change there
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
    """The problem for the chosen parties on a date (see :func:`pareto_packages`, Notes)."""
    chosen = _resolve(case, parties)
    date = case.as_of if at is None else as_date(at, "at")
    state = case.at(date)
    mine = {k: v for k, v in state.items() if k[0] in chosen}
    # red-line constraints and the issues they couple
    constraints = [pos for pos in mine.values() if pos.red_line] if respect_red_lines else []
    used, groups = _issue_blocks(case, {i for (_, i) in mine}, constraints)
    candidates: dict[str, tuple[Outcome, ...]] = {}
    for iid in used:
        issue = case.issue(iid)
        if issue.is_interval:
            candidates[iid] = _interval_points(issue, chosen, state, interval_steps)
        else:
            candidates[iid] = issue.option_ids
    # exact contributions s · v per party, issue and candidate, in integer units
    issues = {iid: case.issue(iid) for iid in used}
    parts = [_contributions(issues, mine, p, candidates) for p in chosen]
    dtype = _dtype(parts)
    reservation = tuple(_reservation(case, p) for p in chosen)
    blocks = []
    for members in groups:
        blocks.append(_block(members, candidates, constraints, parts, dtype))
        if len(blocks[-1].combos) == 0:
            raise BargainingError(_infeasible_message(case, members, constraints, date))
    return _Problem(
        parties=chosen,
        date=date,
        issues=tuple(used),
        candidates=MappingProxyType(candidates),
        blocks=tuple(blocks),
        scale=tuple(part.scale for part in parts),
        salience_sum=tuple(part.salience for part in parts),
        disagreement=tuple(
            part.status_quo if r is None else r * part.salience
            for part, r in zip(parts, reservation, strict=True)
        ),
        dtype=dtype,
        reservation=reservation,
    )


def _issue_blocks(
    case: Case, relevant: set[str], constraints: list[Position]
) -> tuple[list[str], list[list[str]]]:
    """The issues decided (case order) and their blocks: issues a red line's ``requires`` links.

    Union-find over the linked issues; blocks in the order of their first issue.
    """
    rank = {iid: n for n, iid in enumerate(case.issue_ids)}
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
    return used, sorted(groups.values(), key=lambda g: rank[g[0]])


def _dtype(parts: Sequence[_Party]) -> Any:
    """``np.int64`` when every party's largest sum fits, else Python integers (``object``)."""
    big = max((sum(max(map(abs, u)) for u in part.units.values()) for part in parts), default=0)
    return np.int64 if big < _INT64_LIMIT else object


def _block(
    members: list[str],
    candidates: Mapping[str, tuple[Outcome, ...]],
    constraints: list[Position],
    parts: Sequence[_Party],
    dtype: Any,
) -> _Block:
    """Enumerate the feasible combinations of a block and reduce them to its frontier."""
    if len(members) == 1 and _small(len(candidates[members[0]])):
        return _single(members[0], candidates[members[0]], constraints, parts, dtype)
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
    values = np.zeros((len(combos), len(parts)), dtype=dtype)
    for n, part in enumerate(parts):
        for iid in members:
            values[:, n] += np.array(part.units[iid], dtype=dtype)[combos[:, col[iid]]]
    counts = np.ones(len(combos), dtype=object)
    keep, counts = _reduce(values, counts, order)
    return _Block(tuple(members), combos[keep], order[keep], values[keep], counts)


def _single(
    iid: str,
    cand: Sequence[Outcome],
    constraints: list[Position],
    parts: Sequence[_Party],
    dtype: Any,
) -> _Block:
    """:func:`_block` for one issue with few candidates, in plain Python (the same block)."""
    feasible = []
    for k, o in enumerate(cand):
        ok = True
        for pos in constraints:
            if pos.issue == iid:  # its requires can only name this issue (they join blocks)
                condition = all(_contains(acc, o) for _, acc in pos.requires)
                ok &= _contains(pos.acceptable, o) if condition else o == pos.ideal
        if ok:
            feasible.append(k)
    rows = [tuple(part.units[iid][k] for part in parts) for k in feasible]
    kept, counts = _reduce_rows(rows, [1] * len(rows), feasible)
    order = np.array([feasible[j] for j in kept], dtype=np.intp)
    vectors = np.array([rows[j] for j in kept], dtype=dtype).reshape(len(kept), len(parts))
    return _Block((iid,), order[:, None], order, vectors, np.array(counts, dtype=object))


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


def additive_frontier(tables: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The exact Pareto frontier of additive utilities over independent issues.

    Parameters
    ----------
    tables : sequence of ndarray, each of shape (options_i, parties)
        ``tables[i][k, p]``: what option ``k`` of issue ``i`` adds to party
        ``p``'s utility, as integers (``int64``, or Python integers in an
        ``object`` array) so that ties are exact. A package picks one option
        per issue; party ``p`` values it at ``Σ_i tables[i][o_i, p]``.

    Returns
    -------
    points : ndarray, shape (n, parties)
        The distinct non-dominated utility vectors, in decreasing
        lexicographic order (first party's utility from high to low, …).
    counts : ndarray of object (Python int), shape (n,)
        How many packages attain each vector.
    packages : ndarray of intp, shape (n, issues)
        For each vector, the option indices of the first package in
        lexicographic (issue, option) order that attains it.

    Notes
    -----
    The block-by-block dynamic programme of :func:`engine.solve.pareto.pareto_packages`
    (Notes, "Algorithm"), with one issue per block: O(Σ_k |F_k| m_k log(|F_k| m_k))
    time for the sorts, plus the dominance filter :func:`engine.solve.skyline.maxima`
    on the |F_k| m_k sums of each step (O(n log^(d−2) n) for d ≥ 3 parties).
    The package space Π m_k is never enumerated.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[2, 0], [1, 1], [0, 2]])      # issue x: a gains 2 − k, b gains k
    >>> y = np.array([[3, 0], [0, 1]])              # issue y: a values it three times b
    >>> points, counts, packages = additive_frontier([x, y])
    >>> points.tolist(), packages.tolist()
    ([[5, 0], [4, 1], [3, 2], [0, 3]], [[0, 0], [1, 0], [2, 0], [2, 1]])
    >>> [int(c) for c in counts]
    [1, 1, 1, 1]
    """
    tables = [np.asarray(t) for t in tables]
    if not tables:
        raise ValueError("give at least one issue's table of utility contributions")
    d = tables[0].shape[1]
    dtype = object if any(t.dtype == object for t in tables) else np.int64
    blocks = []
    for n, t in enumerate(tables):
        if t.ndim != 2 or t.shape[1] != d or len(t) == 0:
            raise ValueError(
                f"tables[{n}] has shape {t.shape}: every table needs shape (options ≥ 1, {d})"
            )
        values = t.astype(dtype)
        order = np.arange(len(t))
        keep, counts = _reduce(values, np.ones(len(t), dtype=object), order)
        blocks.append(_Block((str(n),), order[keep, None], order[keep], values[keep], counts))
    vals, counts, chosen = _frontier(blocks, d, dtype)
    packages = np.stack(
        [blk.combos[pick, 0] for blk, pick in zip(blocks, chosen, strict=True)], axis=1
    )
    return vals, counts.astype(object), packages


def _frontier(
    blocks: Sequence[_Block], d: int, dtype: Any
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Dynamic programme over the blocks: the frontier vectors, counts and chosen options.

    Returns the frontier's integer vectors (decreasing lexicographic order),
    the number of packages attaining each (``int64`` while the package space
    fits, else Python integers), and per block the index (into the
    block's reduced options) of each point's lexicographically first package.
    """
    vals = np.zeros((1, d), dtype=dtype)
    # counts in int64 while the number of packages fits (it bounds every count), else Python ints
    space = math.prod(int(blk.counts.sum()) for blk in blocks)
    wide = np.int64 if space < _INT64_LIMIT else object
    counts = np.ones(1, dtype=wide)
    rank = np.zeros(1, dtype=np.int64)
    steps: list[tuple[np.ndarray, np.ndarray]] = []
    if blocks:  # the first block is its own frontier already (reduced, in that order)
        m = len(blocks[0].vectors)
        vals, counts = blocks[0].vectors, blocks[0].counts.astype(wide)
        rank = np.empty(m, dtype=np.int64)
        rank[np.argsort(blocks[0].order)] = np.arange(m)
        steps.append((np.zeros(m, dtype=np.intp), np.arange(m)))
    for blk in blocks[1:]:
        m, n = len(blk.vectors), len(vals)
        cand = (vals[:, None, :] + blk.vectors[None, :, :]).reshape(n * m, d)
        parent = np.repeat(np.arange(n), m)
        option = np.tile(np.arange(m), n)
        width = int(blk.order.max()) + 1
        keys = rank[parent] * width + blk.order[option]
        keep, counts = _reduce(cand, counts[parent] * blk.counts.astype(wide)[option], keys)
        vals = cand[keep]
        rank = np.empty(len(keep), dtype=np.int64)  # the keys' ranks (they are distinct)
        rank[np.argsort(keys[keep])] = np.arange(len(keep))
        steps.append((parent[keep], option[keep]))
    chosen: list[np.ndarray] = [np.zeros(0, dtype=np.intp)] * len(steps)
    idx = np.arange(len(vals))
    for s in range(len(steps) - 1, -1, -1):
        parent, option = steps[s]
        chosen[s] = option[idx]
        idx = parent[idx]
    return vals, counts, chosen


def _frontier_table(
    case: Case, parties: Iterable[str] | str, at: Any, respect_red_lines: bool, interval_steps: int
) -> tuple[_Problem, np.ndarray, pd.DataFrame]:
    """The problem, the frontier's integer vectors and the frontier table, from one run.

    The table's ``attrs`` hold everything but ``nash_point`` (added by
    :func:`engine.solve.pareto.pareto_packages`).
    """
    problem = _build(case, parties, at, respect_red_lines, interval_steps)
    found = _frontier(problem.blocks, len(problem.parties), problem.dtype)
    vals, counts, chosen = _rational(problem, *found)
    cols = [utility_column(p) for p in problem.parties]
    data: dict[str, Any] = {col: _utilities(problem, n, vals[:, n]) for n, col in enumerate(cols)}
    if counts.dtype == object and any(c >= 2**63 for c in counts):
        data[COUNT] = counts
    else:
        data[COUNT] = counts.astype(np.int64)
    for blk, picks in zip(problem.blocks, chosen, strict=True):
        for pos, iid in enumerate(blk.issues):
            cand = problem.candidates[iid]
            kind = float if case.issue(iid).is_interval else object
            data[iid] = np.asarray(cand, dtype=kind)[blk.combos[picks, pos]]
    columns = {c: data[c] for c in (*cols, COUNT, *problem.issues)}
    df = pd.DataFrame(columns, index=pd.RangeIndex(len(vals), name="point"))
    df.attrs.update(
        parties=problem.parties,
        issues=problem.issues,
        at=problem.date.isoformat(),
        disagreement={p: _disagreement(problem, n) for n, p in enumerate(problem.parties)},
        respect_red_lines=respect_red_lines,
        candidates={
            iid: problem.candidates[iid] for iid in problem.issues if case.issue(iid).is_interval
        },
    )
    return problem, vals, df


def _rational(
    problem: _Problem, vals: np.ndarray, counts: np.ndarray, chosen: list[np.ndarray]
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """The frontier points worth at least its reservation to every party that has one.

    Exact: the frontier of the packages with ``U_p ≥ r_p`` for all p is the
    frontier of all packages restricted to that set (a package dominating a
    rational one is rational too), so filtering the frontier loses nothing.
    """
    keep = np.ones(len(vals), dtype=bool)
    for n, r in enumerate(problem.reservation):
        if r is None:
            continue
        if problem.salience_sum[n] == 0:  # an indifferent party's U_p is 0
            keep &= r <= 0
            continue
        # U_p ≥ r_p ⟺ units ≥ r_p · Σ s · scale ⟺ units ≥ its ceiling (units are integers)
        bound = math.ceil(r * problem.salience_sum[n] * problem.scale[n])
        if vals.dtype != object:  # beyond int64 the comparison is decided anyway
            bound = min(max(bound, -(2**63)), 2**63 - 1)
        keep &= np.asarray(vals[:, n] >= bound, dtype=bool)
    if keep.all():
        return vals, counts, chosen
    if not keep.any():
        wanted = ", ".join(
            f"{p} {float(r):g}"
            for p, r in zip(problem.parties, problem.reservation, strict=True)
            if r is not None
        )
        raise BargainingError(
            f"no package gives every party at least its reservation value ({wanted}) on "
            f"{problem.date}: the reservations exceed what the negotiation can give; lower one "
            "or drop it"
        )
    return vals[keep], counts[keep], [c[keep] for c in chosen]


def _utilities(problem: _Problem, n: int, units: np.ndarray) -> np.ndarray:
    """``U_p`` of integer sums: each the correctly rounded float of ``units / (scale · Σ s)``.

    ``U = units · q / d`` with ``q`` the denominator of ``Σ s`` and ``d =
    scale · (its numerator)``. When ``units · q`` and ``d`` are below 2⁵³
    both are exact doubles and IEEE division rounds the quotient correctly;
    otherwise Python's integer true division does (also correctly rounded).
    """
    s = problem.salience_sum[n]
    if s == 0:
        return np.zeros(len(units))
    q, d = s.denominator, problem.scale[n] * s.numerator
    if units.dtype != object and len(units):
        top = int(np.abs(units).max())
        if top * q < 2**53 and d < 2**53:
            return (units * q).astype(float) / float(d)
    return np.array([int(u) * q / d for u in units], dtype=float)


def _disagreement(problem: _Problem, n: int) -> float:
    s = problem.salience_sum[n]
    return 0.0 if s == 0 else float(problem.disagreement[n] / s)
