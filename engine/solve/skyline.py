"""The maximal vectors of a set (its skyline), exactly and output-sensitively.

:func:`maxima` is the dominance filter of the block-by-block frontier
(:mod:`engine.solve.frontier`): for two coordinates one sweep; for more the
divide and conquer of Kung, Luccio and Preparata (1975), run bottom-up so
that every level is a handful of whole-array numpy operations (a batched
two-dimensional sweep for three coordinates), with pairwise comparisons
only inside short runs. For four coordinates and more, a grid first removes
the rows that a row a whole cell above beats, and up to a few thousand rows
one pass of bitsets replaces the upper levels. Every comparison is exact
(integers, or Python integers replaced by their ranks); nothing is rounded.
:func:`_reduce` merges equal vectors (with their counts) before.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

_GRID = 2**15  # most cells of the grid filter of maxima (d ≥ 4) …
_CELLS = 2  # … and at most this many a row
_PREFIX = 8192  # d ≥ 4: up to this many rows after the leaves, one bitset pass (_prefix_dominated)
_CHUNK = 1024  # rows per chunk of those bitsets
_SMALL = 24  # _reduce: up to this many rows plain Python beats numpy's cost per call
_LEAF = 64  # rows per run whose maxima are found by pairwise comparison
_BATCH = 256  # d ≥ 4: runs up to this length are merged pairwise, all pairs at once
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

    *d ≥ 3* (Kung, Luccio & Preparata 1975, bottom-up): the maxima of
    runs of ``_LEAF`` consecutive rows by pairwise comparison, then runs of
    length 2s from pairs of runs of length s — an earlier run H and the
    next one L: nothing in L dominates H, and a row of max(L) stays iff no
    row of max(H) dominates it in coordinates 2 … d (H is ≥ L in the first
    coordinate by the order). That test, "which rows of B does a row of A
    dominate" in k coordinates:

    - k = 2 (d = 3): sort A by (pair, second coordinate decreasing) with
      the running maximum of the third, restarted per pair; a row of B is
      dominated iff that maximum, at the last row of A of its pair whose
      second coordinate is ≥ its own (binary search), is ≥ its third
      coordinate. All pairs of a level at once: O(n log n) a level.
    - k ≥ 3 (d ≥ 4): up to runs of ``_BATCH`` rows, all pairs of a level
      compared pairwise at once; above, per pair, split A and B at the
      median m of one coordinate: A≥m against B≥m and A<m against B<m in
      k coordinates, A≥m against B<m in the other k − 1 (A<m cannot
      dominate B≥m), down to the k = 2 sweep or to ``_PAIRS`` comparisons.

    *d ≥ 4, first*: rows a grid shows to be dominated are dropped
    (:func:`_surely_dominated`: another row lies in a cell strictly above in
    the first d − 1 coordinates and is ≥ in the last); they cannot matter,
    as whatever they dominate their dominators dominate too. Then, when at
    most ``_PREFIX`` rows remain after the leaves, one pass of bitsets finds
    every remaining row dominated by an earlier one (:func:`_prefix_dominated`,
    O(n² d / 64) word operations) instead of the levels above the leaves.

    **Complexity.** For d = 3, O(n log n) per level and log(n / ``_LEAF``)
    levels: O(n log² n) time. For d ≥ 4, O(n log^(d−2) n) per level, O(n
    log^(d−1) n) in all. Pairwise work adds O(n · ``_LEAF`` · d) (and
    O(n · ``_BATCH`` · d) for d ≥ 4), the grid O(n d + ``_GRID`` d), the
    bitsets O(``_PREFIX``² d / 64). Memory O(n · (d + ``_BATCH``)). The
    three-coordinate sweep uses ranks (values below n, so the per-pair
    offset fits in int64); for d ≥ 4 every coordinate is replaced by its
    rank in the narrowest integer type that holds n (cheaper pairwise
    comparisons), and Python integers always are: O(d n log n), order and
    hence dominance unchanged.

    Examples
    --------
    >>> import numpy as np
    >>> u = np.array([[3, 1, 1], [2, 2, 2], [2, 1, 2], [1, 3, 0], [1, 0, 0]])
    >>> maxima(u).tolist()
    [True, True, False, True, False]
    """
    n, d = u.shape
    if d > 3 and n > _LEAF:  # (for three, the sweep alone is faster)
        if u.dtype == object:
            u = _ranks(u, range(d))  # Python integers: their ranks in int64 (same order)
        sure = _surely_dominated(u)
        if sure.any():
            keep = np.zeros(n, dtype=bool)
            rest = np.flatnonzero(~sure)
            keep[rest] = _maxima(u[rest])
            return keep
    return _maxima(u)


def _maxima(u: np.ndarray) -> np.ndarray:
    """:func:`maxima` without the grid filter: the sweep or divide and conquer (see there)."""
    n, d = u.shape
    keep = np.zeros(n, dtype=bool)
    if n == 0:
        return keep
    if d <= 1:
        keep[0] = True
        return keep
    if d == 2:
        col = u[:, 1]
        keep[0] = True
        keep[1:] = col[1:] > np.maximum.accumulate(col)[:-1]
        return keep
    # Only earlier rows can dominate, and they are ≥ in the first coordinate: every test
    # below compares the other coordinates, ``t``, of an earlier row with a later one.
    if u.dtype == object or n > _LEAF:
        # ranks: Python integers become int64; the three-coordinate sweep needs values below
        # n; for d ≥ 4 the narrowest integer type holding n makes the pairwise comparisons
        # (most of the work) cheaper
        t = _ranks(u, range(1, d))[:, 1:]
        t = t.astype(np.min_scalar_type(-n)) if d > 3 else t
    else:
        t = u[:, 1:]
    keep = _leaves(t)
    size = min(_LEAF, n)
    if d > 3 and size < n and np.count_nonzero(keep) <= _PREFIX:  # every level at once
        rows = np.flatnonzero(keep)
        keep[rows[_prefix_dominated(t[rows])]] = False
        return keep
    if d > 3 and size < min(n, _BATCH):  # the lowest levels: pairs of runs compared at once
        size = _batched_levels(t, keep, size)
    while size < n:
        rows = np.flatnonzero(keep)
        block = rows // size
        high = block % 2 == 0  # the earlier run of each pair can dominate the later one
        a, b = rows[high], rows[~high]
        seg_a, seg_b = block[high] // 2, block[~high] // 2
        if d == 3:
            hit = _sweep(t[a, 0], t[a, 1], seg_a, t[b, 0], t[b, 1], seg_b, n)
        else:
            hit = np.zeros(len(b), dtype=bool)
            first = np.searchsorted(seg_a, seg_b, side="left")
            last = np.searchsorted(seg_a, seg_b, side="right")
            starts = np.flatnonzero(np.r_[True, seg_b[1:] != seg_b[:-1]])
            ends = np.r_[starts[1:], len(b)]
            for s0, s1 in zip(starts.tolist(), ends.tolist(), strict=True):
                fa, ta = int(first[s0]), int(last[s0])
                if ta > fa:
                    hit[s0:s1] = _dominated(t[a[fa:ta]], t[b[s0:s1]])
        keep[b[hit]] = False
        size *= 2
    return keep


def _surely_dominated(u: np.ndarray) -> np.ndarray:
    """Rows that another row beats by a whole grid cell in all but the last coordinate.

    A filter that is exact in one direction: every row it marks is dominated.
    Each of the first d − 1 coordinates is cut into ``g`` buckets of equal
    width (``g^(d−1)`` ≈ min(``_GRID``, ``_CELLS`` · n) cells); a row q in a
    strictly higher bucket than p in each of them is strictly greater there
    (the bucket is a non-decreasing function of the value: the float
    arithmetic computing it is monotone), so q dominates p iff ``q_last ≥
    p_last``. The largest last coordinate over the cells strictly above p's
    in every coordinate (suffix maxima of the grid, one pass per axis)
    decides. Twice, the second grid shifted by half a bucket (it catches rows
    that sit just above a boundary of the first). O(n · d + cells · d).
    All False when ``g < 4`` (many parties) or for a last coordinate at the
    int64 minimum (the empty-cell marker).
    """
    n, d = u.shape
    g = round(min(_GRID, _CELLS * n) ** (1 / (d - 1)))
    empty = np.iinfo(np.int64).min
    last = u[:, -1]
    found = np.zeros(n, dtype=bool)
    if g < 4 or int(last.min()) == empty:
        return found
    scaled = []
    for c in range(d - 1):
        v = u[:, c].astype(float)
        lo = v.min()
        scaled.append((v - lo) * (g / (v.max() - lo + 1)))  # in [0, g)
    shape = (g + 2,) * (d - 1)  # buckets 0 … g, and one above: "above the top" is empty
    for shift in (0.0, 0.5):
        buckets = tuple(np.minimum(np.floor(x + shift).astype(np.intp), g) for x in scaled)
        best = np.full(math.prod(shape), empty, dtype=np.int64)
        np.maximum.at(best, np.ravel_multi_index(buckets, shape), last)
        grid = best.reshape(shape)
        for axis in range(d - 1):  # suffix maxima, one slice at a time from the top
            plane = np.moveaxis(grid, axis, 0)
            for i in range(g, -1, -1):
                np.maximum(plane[i], plane[i + 1], out=plane[i])
        above = np.ravel_multi_index(tuple(b + 1 for b in buckets), shape)
        found |= best[above] >= last
    return found


def _prefix_dominated(t: np.ndarray) -> np.ndarray:
    """Rows j with an earlier row i < j that is ≥ in every column of ``t``, by bitsets.

    ``t`` holds ranks (integers from 0, below the number of rows). The rows
    are cut into chunks of ``_CHUNK``; for each chunk and column, sorting the
    chunk by that column makes "the chunk's rows ≥ x" a prefix of the sorted
    order, stored as a bitset over the chunk (the running OR, one row of
    64-bit words per prefix). A later row j looks up, per column, the length
    of the prefix of rows ≥ its value (a table indexed by rank: counts of the
    chunk's values, summed from the top) and ANDs the bitsets; any
    bit left (before j itself, inside its own chunk) is a row ≥ j in every
    column. Exact, O(n² k / 64) word operations in whole-array steps —
    cheaper than the divide and conquer's many small steps while n is a few
    thousand (see ``_PREFIX``).
    """
    n, k = t.shape
    out = np.zeros(n, dtype=bool)
    one = np.uint64(1)
    top = t.max(axis=0).tolist()
    for i0 in range(0, n - 1, _CHUNK):
        part = t[i0 : i0 + _CHUNK]
        m = len(part)
        ask = i0 + 1 + np.flatnonzero(~out[i0 + 1 :])  # later rows not yet found dominated
        local = np.arange(m)
        bit = np.left_shift(one, (local % 64).astype(np.uint64))
        acc = np.zeros((0, 0), dtype=np.uint64)
        for c in range(k):
            order = np.argsort(part[:, c], kind="stable")[::-1]  # decreasing
            prefix = np.zeros((m + 1, (m + 63) // 64), dtype=np.uint64)
            prefix[local + 1, order // 64] = bit[order]
            np.bitwise_or.accumulate(prefix, axis=0, out=prefix)
            at_least = np.bincount(part[:, c], minlength=top[c] + 1)[::-1].cumsum()[::-1]
            reach = at_least[t[ask, c]]  # the chunk's rows ≥ each asked value: a prefix
            acc = prefix[reach] if c == 0 else acc & prefix[reach]
        inside = ask[ask < i0 + m] - i0  # rows of the chunk itself: only earlier ones count
        words = np.arange(acc.shape[1])
        mask = np.where(words[None, :] < (inside // 64)[:, None], ~np.uint64(0), np.uint64(0))
        mask[np.arange(len(inside)), inside // 64] = (
            np.left_shift(one, (inside % 64).astype(np.uint64)) - one
        )
        acc[: len(inside)] &= mask
        out[ask] = acc.any(axis=1)
    return out


def _reduce(
    values: np.ndarray, counts: np.ndarray, keys: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Merge equal vectors and drop dominated ones.

    Returns the indices of the kept rows — for each distinct non-dominated
    vector, the row of smallest ``key`` (keys are distinct) — in decreasing
    lexicographic order of the vectors, and the summed ``counts`` of each
    kept vector (same dtype as ``counts``). Up to ``_SMALL`` rows in plain
    Python (:func:`_reduce_small`, the same result).
    """
    n, d = values.shape
    if n == 0:
        return np.zeros(0, dtype=np.intp), counts[:0]
    if _small(n):
        return _reduce_small(values, counts, keys)
    order = np.lexsort((keys, *reversed(_lex_keys(values))))
    v = values[order]
    new = np.ones(n, dtype=bool)
    if d:
        new[1:] = (v[1:] != v[:-1]).any(axis=1)
    else:
        new[1:] = False
    starts = np.flatnonzero(new)
    summed = np.add.reduceat(counts[order], starts)
    unique = v[starts]
    keep = maxima(unique)
    return order[starts][keep], summed[keep]


def _small(n: int) -> bool:
    """Whether ``n`` rows are reduced in plain Python (:func:`_reduce_rows`)."""
    return n <= _SMALL


def _lex_keys(values: np.ndarray) -> list[np.ndarray]:
    """Sort keys, most significant first, whose increasing order is the rows' decreasing one.

    ``−v`` per column; for ``int64`` values, consecutive columns are packed
    into one key while the product of their ranges stays below 2⁶² (``(v₀ −
    min₀) · R₁ + (v₁ − min₁)``, …: the same order, fewer sorting passes).
    """
    if values.dtype == object or len(values) == 0:
        return [-values[:, c] for c in range(values.shape[1])]
    lo, hi = values.min(axis=0).tolist(), values.max(axis=0).tolist()
    out: list[np.ndarray] = []
    packed, span = None, 1
    for c in range(values.shape[1]):
        width = hi[c] - lo[c] + 1
        if packed is not None and span * width < 2**62:
            packed, span = packed * width + (values[:, c] - lo[c]), span * width
            continue
        if packed is not None:
            out.append(-packed)
        packed, span = values[:, c] - lo[c], width
    if packed is not None:
        out.append(-packed)
    return out


def _reduce_small(
    values: np.ndarray, counts: np.ndarray, keys: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_reduce` for a few rows, in plain Python (:func:`_reduce_rows`)."""
    rows = [tuple(r) for r in values.tolist()]
    kept, total = _reduce_rows(rows, counts.tolist(), keys.tolist())
    return np.array(kept, dtype=np.intp), np.array(total, dtype=counts.dtype)


def _reduce_rows(
    rows: list[tuple[Any, ...]], counts: list[Any], keys: list[Any]
) -> tuple[list[int], list[Any]]:
    """:func:`_reduce` on Python lists: sort, merge equal rows, compare with the kept ones."""
    order = sorted(range(len(rows)), key=lambda i: (tuple(-x for x in rows[i]), keys[i]))
    d = len(rows[0]) if rows else 0
    kept: list[int] = []  # first row of each distinct non-dominated vector
    total: list[Any] = []
    last: tuple[Any, ...] | None = None
    dominated = False
    best: Any = None  # d = 2: the largest second coordinate so far
    for i in order:
        if rows[i] == last:  # equal to the previous vector: merged into it
            if not dominated:
                total[-1] += counts[i]
            continue
        last = rows[i]
        if d <= 2:  # as in maxima: the first row, then rows that raise the second coordinate
            dominated = bool(kept) and (d < 2 or last[1] <= best)
        else:
            dominated = any(all(a >= b for a, b in zip(rows[j], last, strict=True)) for j in kept)
        if not dominated:
            kept.append(i)
            total.append(counts[i])
            best = last[1] if d == 2 else None
    return kept, total


def _ranks(u: np.ndarray, columns: Iterable[int]) -> np.ndarray:
    """``u`` in int64 with the given columns replaced by their dense ranks (0 = smallest).

    Ranks keep the order within each column, hence every dominance relation,
    and stay below the number of rows.
    """
    out = np.zeros(u.shape, dtype=np.int64)
    for c in columns:
        out[:, c] = np.unique(u[:, c], return_inverse=True)[1].reshape(-1)
    return out


def _leaves(t: np.ndarray) -> np.ndarray:
    """Maxima within each run of ``_LEAF`` consecutive rows, all runs compared at once.

    ``t`` holds every coordinate but the first of rows in decreasing
    lexicographic order: row j of a run is dominated iff an earlier row i < j
    of the run is ≥ it in ``t`` (it is ≥ in the first coordinate by the order).
    """
    n, k = t.shape
    size = min(_LEAF, n)
    full = n - n % size
    keep = np.ones(n, dtype=bool)
    for start, stop in ((0, full), (full, n)):
        if stop == start:
            continue
        m = min(size, stop - start)
        x = t[start:stop].reshape(-1, m, k)
        ge = x[:, :, None, 0] >= x[:, None, :, 0]
        for c in range(1, k):
            ge &= x[:, :, None, c] >= x[:, None, :, c]
        ge &= np.triu(np.ones((m, m), dtype=bool), 1)  # ge[i, j]: an earlier row i ≥ row j
        keep[start:stop] = ~ge.any(axis=1).reshape(-1)
    return keep


def _batched_levels(t: np.ndarray, keep: np.ndarray, size: int) -> int:
    """Merge pairs of runs of ``size`` rows, pairwise and all pairs at once, up to ``_BATCH``.

    ``t`` as in :func:`_leaves` (the earlier run of a pair is ≥ the later in
    the first coordinate). Updates ``keep`` and returns the run length
    reached. The rows are padded (with copies of a dominated row, masked out)
    to a whole number of pairs.
    """
    n, k = t.shape
    last = size
    while 2 * last < n and 2 * last < _BATCH:
        last *= 2
    total = -(-n // (2 * last)) * 2 * last  # a whole number of pairs at every level
    x = np.empty((total, k), dtype=t.dtype)
    x[:n] = t
    x[n:] = t[-1]  # the last row is never needed as a dominator; the copies are masked out
    alive = np.zeros(total, dtype=bool)
    alive[:n] = keep
    while size < n and size < _BATCH:
        pair = x.reshape(-1, 2, size, k)
        mask = alive.reshape(-1, 2, size)
        ge = pair[:, 0, :, None, 0] >= pair[:, 1, None, :, 0]
        for c in range(1, k):
            ge &= pair[:, 0, :, None, c] >= pair[:, 1, None, :, c]
        ge &= mask[:, 0, :, None]
        mask[:, 1] &= ~ge.any(axis=1)
        size *= 2
    keep[:] = alive[:n]
    return size


def _sweep(
    ya: np.ndarray,
    za: np.ndarray,
    seg_a: np.ndarray,
    yb: np.ndarray,
    zb: np.ndarray,
    seg_b: np.ndarray,
    n: int,
) -> np.ndarray:
    """Rows of B that a row of A in the same segment is ≥ on both (ranks below ``n``).

    Sort A by segment, then ``y`` decreasing; the running maximum of ``z``
    (offset by ``segment · n`` so that it restarts in each segment) at the
    last row of A in ``b``'s segment with ``y ≥ y_b``, found by binary
    search, decides.
    """
    out = np.zeros(len(yb), dtype=bool)
    if len(ya) == 0 or len(yb) == 0:
        return out
    key_a = seg_a * n + (n - 1 - ya)
    order = np.argsort(key_a, kind="stable")
    key_a, seg_sorted = key_a[order], seg_a[order]
    best = np.maximum.accumulate(za[order] + seg_sorted * n)
    pos = np.searchsorted(key_a, seg_b * n + (n - 1 - yb), side="right") - 1
    ok = pos >= 0
    ok[ok] = seg_sorted[pos[ok]] == seg_b[ok]
    out[ok] = best[pos[ok]] - seg_b[ok] * n >= zb[ok]
    return out


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
