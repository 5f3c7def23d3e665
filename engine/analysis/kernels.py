"""Pairwise kernels: one issue's arrays in, an m × m matrix over its position holders out.

Each kernel maps the :class:`~engine.analysis.arrays.IssueArrays` of one issue
to an m × m matrix over the m parties that hold a position there
(``IssueArrays.rows``); :func:`expand` widens it to all n selected parties,
NaN in the rows and columns of those without a position. The formulas are in
:mod:`engine.analysis.measures`; the public functions built on these kernels
are there, in :mod:`engine.analysis.zones` and in :mod:`engine.analysis.graph`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from engine.analysis.arrays import IssueArrays

__all__ = [
    "KERNELS",
    "compatible",
    "conflict",
    "distance",
    "expand",
    "gap",
    "overlap",
    "pair_weight",
    "upper_pairs",
]


def expand(ia: IssueArrays, sub: np.ndarray) -> np.ndarray:
    """The m × m matrix ``sub`` as n × n, NaN for the parties without a position."""
    n = len(ia.parties)
    out = np.full((n, n), np.nan)
    out[np.ix_(ia.rows, ia.rows)] = sub
    return out


def _interval_meet(ia: IssueArrays) -> tuple[np.ndarray, np.ndarray]:
    """``max(lo_p, lo_q)`` and ``min(hi_p, hi_q)`` for every pair."""
    assert ia.lo is not None and ia.hi is not None
    return np.maximum.outer(ia.lo, ia.lo), np.minimum.outer(ia.hi, ia.hi)


def compatible(ia: IssueArrays) -> np.ndarray:
    """Boolean: the acceptable sets meet."""
    if ia.is_interval:
        lo, hi = _interval_meet(ia)
        return lo <= hi
    if ia.mask is not None:
        return (ia.mask[:, None] & ia.mask[None, :]) != 0
    assert ia.accept is not None
    a = ia.accept.astype(np.float64)
    return (a @ a.T) > 0


def overlap(ia: IssueArrays) -> np.ndarray:
    """``|A_p ∩ A_q| / |A_p ∪ A_q|`` (lengths on interval scales)."""
    if ia.is_interval:
        assert ia.lo is not None and ia.hi is not None
        lo, hi = _interval_meet(ia)
        inter = np.maximum(hi - lo, 0.0)
        length = ia.hi - ia.lo
        union = np.add.outer(length, length) - inter
        points = (lo <= hi).astype(float)  # two points: 1 when they coincide, else 0
        return np.divide(inter, union, out=points, where=union > 0)
    assert ia.accept is not None
    a = ia.accept.astype(np.float64)
    inter = a @ a.T
    size = a.sum(axis=1)
    return inter / (np.add.outer(size, size) - inter)  # the union holds at least the ideal


def gap(ia: IssueArrays) -> np.ndarray:
    """``min {d(a, b) : a ∈ A_p, b ∈ A_q}``."""
    if ia.is_interval:
        lo, hi = _interval_meet(ia)
        return np.maximum(lo - hi, 0.0) / ia.width
    assert ia.accept is not None and ia.dist is not None and ia.levels is not None
    k = ia.issue.k
    if ia.first is not None and ia.last is not None:  # ordinal runs: like intervals
        steps = np.maximum.outer(ia.first, ia.first) - np.minimum.outer(ia.last, ia.last)
        return np.maximum(steps, 0) / max(k - 1, 1)
    acc = ia.accept
    # to_set[p, b] = min over a in A_p of d(a, b): (m, k, k) -> (m, k)
    to_set = np.where(acc[:, :, None], ia.dist[None, :, :], np.inf).min(axis=1)
    if ia.mask is None:  # many options: gap[p, q] = min over b in A_q of to_set[p, b]
        return np.where(acc[None, :, :], to_set[:, None, :], np.inf).min(axis=2)
    # gap[p, q] = the smallest distance level t at which the options within t of
    # A_p (a bitmask) meet A_q: count the levels below it, one bitwise AND each
    mask, levels = ia.mask, ia.levels
    bits = (np.uint64(1) << np.arange(k, dtype=np.uint64)).astype(mask.dtype)
    below = np.zeros((len(mask), len(mask)), dtype=np.intp)
    for t in levels[:-1]:  # every pair meets within the largest distance
        reach = np.bitwise_or.reduce(np.where(to_set <= t, bits, 0).astype(mask.dtype), axis=1)
        below += (reach[:, None] & mask[None, :]) == 0
    return levels[below]


def distance(ia: IssueArrays) -> np.ndarray:
    """``d(x_p, x_q)`` between the ideals."""
    if ia.is_interval:
        assert ia.ideal_value is not None
        return np.abs(np.subtract.outer(ia.ideal_value, ia.ideal_value)) / ia.width
    assert ia.ideal_index is not None and ia.dist is not None
    return ia.dist[np.ix_(ia.ideal_index, ia.ideal_index)]


def pair_weight(ia: IssueArrays) -> np.ndarray:
    """``(s_p + s_q) / 2``."""
    return np.add.outer(ia.salience, ia.salience) / 2.0


def conflict(ia: IssueArrays) -> np.ndarray:
    """``gap · (s_p + s_q) / 2``."""
    return gap(ia) * pair_weight(ia)


#: The kernel of each kind of matrix, by name.
KERNELS: dict[str, Callable[[IssueArrays], np.ndarray]] = {
    "overlap": overlap,
    "gap": gap,
    "distance": distance,
    "conflict": conflict,
    "compatible": compatible,
}


def upper_pairs(ia: IssueArrays) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every unordered pair of position holders, with its conflict and compatibility.

    Returns ``(i, j, conflict, compatible)``: the row and column of each pair
    ``i < j`` in ``np.triu_indices`` order, and the two kernels there (empty
    arrays when nobody holds a position).
    """
    m = ia.n_positions
    iu, ju = np.triu_indices(m, k=1)
    c = conflict(ia)[iu, ju] if m else np.zeros(0)
    compat = compatible(ia)[iu, ju] if m else np.zeros(0, dtype=bool)
    return iu, ju, c, compat
