"""The maximal vectors of a set (its skyline), exactly and output-sensitively.

:func:`maxima` is the dominance filter of the block-by-block frontier
(:mod:`engine.solve.frontier`): for two coordinates one sweep, for more the
divide-and-conquer of Kung, Luccio and Preparata (1975) with a vectorised
sweep at two coordinates and pairwise comparisons only on small leaves.
Every comparison is exact (integers, or Python integers replaced by their
ranks); nothing is rounded.
"""

from __future__ import annotations

import numpy as np

_LEAF = 256  # rows below which maxima are found by pairwise comparison
_PAIRS = 65536  # |A|·|B| below which dominance between two sets is tested pairwise


def maxima(u: np.ndarray) -> np.ndarray:
    """Mask of the maximal rows of distinct vectors sorted in decreasing lexicographic order.

    Parameters
    ----------
    u : ndarray, shape (n, d)
        Distinct rows of integers (``int64``, or Python integers in an
        ``object`` array), sorted in decreasing lexicographic order.

    Returns
    -------
    ndarray of bool, shape (n,)
        ``True`` for the rows no other row dominates.

    Notes
    -----
    Row ``y`` dominates row ``x`` when ``y ≥ x`` in every coordinate (the
    rows are distinct, so ``y ≠ x``). In decreasing lexicographic order
    only an earlier row can dominate a later one.

    *d ≤ 2*: the first row, then every row whose second coordinate exceeds
    the running maximum of the rows before it — O(n).

    *d ≥ 3* (Kung, Luccio & Preparata 1975): split the rows at a change of
    the first coordinate into a high half H and a low half L (every row of
    H is larger in it than every row of L, so nothing in L dominates H);
    the maxima of the whole are max(H) and the rows of max(L) that no row
    of max(H) dominates in the remaining d − 1 coordinates. That test,
    "which rows of B does some row of A dominate" in k coordinates, splits
    both sets at a value m of one coordinate: A≥m against B≥m and A<m
    against B<m in k coordinates, A≥m against B<m in the other k − 1
    (A<m cannot dominate B≥m); at k = 2 it is one sweep — the rows of A
    sorted by the first coordinate with the running maximum of the second,
    each row of B looked up by binary search. When the first coordinate is
    constant it is dropped. Small inputs are compared pairwise.

    **Complexity.** O(n log^(d−2) n) comparisons for d ≥ 3 (O(n log n) for
    d = 3), memory O(n d); pairwise leaves add O(n · ``_LEAF``). Python
    integers are first replaced by their rank per coordinate (order, hence
    dominance, is unchanged), O(d n log n).

    Examples
    --------
    >>> import numpy as np
    >>> u = np.array([[3, 1, 1], [2, 2, 2], [2, 1, 2], [1, 3, 0], [1, 0, 0]])
    >>> maxima(u).tolist()
    [True, True, False, True, False]
    """
    n, d = u.shape
    keep = np.zeros(n, dtype=bool)
    if n == 0:
        return keep
    if d <= 1:
        keep[0] = True
        return keep
    if u.dtype == object:
        u = np.stack([np.unique(u[:, c], return_inverse=True)[1] for c in range(d)], axis=1)
        u = u.astype(np.int64)
    if d == 2:
        best = np.maximum.accumulate(u[:, 1])
        keep[0] = True
        keep[1:] = u[1:, 1] > best[:-1]
        return keep
    _maxima(u, np.arange(n), 0, keep)
    return keep


def _maxima(u: np.ndarray, rows: np.ndarray, first: int, keep: np.ndarray) -> None:
    """Set ``keep[r]`` for the maximal ``rows`` (lex-sorted, distinct) of ``u[:, first:]``."""
    n = len(rows)
    if n <= _LEAF:
        ge = _pairwise(u[rows, first:], u[rows, first:])
        np.fill_diagonal(ge, False)
        keep[rows[~ge.any(axis=0)]] = True
        return
    col = u[rows, first]
    if col[0] == col[-1]:  # constant: the rows stay sorted in the remaining coordinates
        if u.shape[1] - first == 3:
            v = u[rows]
            best = np.maximum.accumulate(v[:, -1])
            mask = np.ones(n, dtype=bool)
            mask[1:] = v[1:, -1] > best[:-1]
            keep[rows[mask]] = True
        else:
            _maxima(u, rows, first + 1, keep)
        return
    # split at the change of the first coordinate nearest the middle (col is non-increasing)
    neg = -col
    before = int(np.searchsorted(neg, neg[n // 2], side="left"))  # first row equal to the middle
    after = int(np.searchsorted(neg, neg[n // 2], side="right"))  # first row below it
    split = before if before > 0 and (after == n or n // 2 - before <= after - n // 2) else after
    high, low = rows[:split], rows[split:]
    _maxima(u, high, first, keep)
    _maxima(u, low, first, keep)
    a, b = high[keep[high]], low[keep[low]]
    cols = np.arange(first + 1, u.shape[1])
    hit = _dominated(u[np.ix_(a, cols)], u[np.ix_(b, cols)])
    keep[b[hit]] = False


def _dominated(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Mask of the rows of ``b`` that some row of ``a`` is ≥ in every column."""
    na, nb = len(a), len(b)
    k = a.shape[1]
    if na == 0 or nb == 0:
        return np.zeros(nb, dtype=bool)
    if k == 1:
        return np.asarray(b[:, 0] <= a[:, 0].max())
    if k == 2:
        order = np.argsort(-a[:, 0], kind="stable")
        ax = -a[order, 0]  # increasing
        ay = np.maximum.accumulate(a[order, 1])
        reach = np.searchsorted(ax, -b[:, 0], side="right")  # rows of a with a0 ≥ b0
        out = reach > 0
        out[out] = ay[reach[out] - 1] >= b[out, 1]
        return out
    if na * nb <= _PAIRS:
        return np.asarray(_pairwise(a, b).any(axis=0))
    ca, cb = a[:, 0], b[:, 0]
    lo = min(ca.min(), cb.min())
    if lo == max(ca.max(), cb.max()):  # constant first column: drop it
        return _dominated(a[:, 1:], b[:, 1:])
    both = np.concatenate([ca, cb])
    m = np.partition(both, len(both) // 2)[len(both) // 2]
    if m == lo:
        m = both[both > lo].min()
    ah, bh = ca >= m, cb >= m
    out = np.zeros(nb, dtype=bool)
    if bh.any():
        out[bh] = _dominated(a[ah], b[bh])
    bl = ~bh
    if bl.any():
        al = ~ah
        rest = np.flatnonzero(bl)
        hit = _dominated(a[ah][:, 1:], b[bl][:, 1:])
        out[rest[hit]] = True
        alive = rest[~hit]
        if alive.size and al.any():
            out[alive] = _dominated(a[al], b[alive])
    return out


def _pairwise(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``out[i, j]``: row ``a[i]`` is ≥ row ``b[j]`` in every column (one column at a time)."""
    out = a[:, 0, None] >= b[None, :, 0]
    for c in range(1, a.shape[1]):
        out &= a[:, c, None] >= b[None, :, c]
    return out
