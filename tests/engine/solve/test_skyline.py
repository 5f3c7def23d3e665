"""The maxima algorithm and the additive frontier against brute force.

The references here are the naive definitions: every pair of vectors
compared (O(n²)), every package enumerated. Values are drawn from tiny
ranges so that exact ties, duplicate vectors and vectors equal in all but
one coordinate are common.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine.solve.skyline as skyline
from engine.solve.frontier import additive_frontier
from engine.solve.skyline import maxima

# ----------------------------------------------------------------- references


def naive_maxima(rows: list[tuple[int, ...]]) -> set[tuple[int, ...]]:
    """The distinct vectors no other vector is ≥ in every coordinate (O(n²))."""
    distinct = set(rows)
    return {
        v
        for v in distinct
        if not any(w != v and all(a >= b for a, b in zip(w, v, strict=True)) for w in distinct)
    }


def naive_frontier(tables: list[np.ndarray]) -> dict[tuple[int, ...], tuple[int, tuple[int, ...]]]:
    """Every package: non-dominated vector -> (packages attaining it, first such package)."""
    seen: dict[tuple[int, ...], list] = {}
    for package in itertools.product(*(range(len(t)) for t in tables)):  # lexicographic order
        v = tuple(
            int(sum(int(t[o, p]) for t, o in zip(tables, package, strict=True)))
            for p in range(tables[0].shape[1])
        )
        if v in seen:
            seen[v][0] += 1
        else:
            seen[v] = [1, package]
    front = naive_maxima(list(seen))
    return {v: (seen[v][0], seen[v][1]) for v in front}


def lex_sorted(rows: list[tuple[int, ...]]) -> list[tuple[int, ...]]:
    return sorted(set(rows), reverse=True)


@st.composite
def vector_sets(draw: st.DrawFn, max_d: int = 5) -> list[tuple[int, ...]]:
    d = draw(st.integers(2, max_d))
    top = draw(st.sampled_from([1, 2, 3, 6, 50]))
    return draw(st.lists(st.tuples(*[st.integers(0, top)] * d), min_size=1, max_size=120))


@st.composite
def problems(draw: st.DrawFn) -> list[np.ndarray]:
    d = draw(st.integers(2, 5))
    issues = draw(st.integers(1, 4))
    top = draw(st.sampled_from([1, 2, 4, 9]))
    tables = []
    for _ in range(issues):
        k = draw(st.integers(1, 5))
        cells = draw(st.lists(st.integers(0, top), min_size=k * d, max_size=k * d))
        tables.append(np.array(cells, dtype=np.int64).reshape(k, d))
    return tables


#: the shipped constants; leaves so small that every branch of the recursion runs, numpy for
#: every reduction and the divide and conquer instead of the bitsets (d ≥ 4); odd leaves,
#: plain Python for every reduction, bitsets in chunks of 64 rows and a fine grid
LEAVES = pytest.mark.parametrize(
    "leaves",
    [
        {},
        {"_LEAF": 2, "_PAIRS": 2, "_SMALL": 0, "_PREFIX": 0},
        {"_LEAF": 3, "_PAIRS": 7, "_SMALL": 10**6, "_CHUNK": 64, "_CELLS": 64},
    ],
    ids=["default", "single-rows", "odd-python"],
)


@contextlib.contextmanager
def leaf_sizes(leaves: dict[str, int]) -> Iterator[None]:
    old = {name: getattr(skyline, name) for name in leaves}
    for name, value in leaves.items():
        setattr(skyline, name, value)
    try:
        yield
    finally:
        for name, value in old.items():
            setattr(skyline, name, value)


# ---------------------------------------------------------------- hand-worked


def test_maxima_by_hand() -> None:
    # (2, 1, 2) ≤ (2, 2, 2); (1, 0, 0) ≤ everything above it; (1, 3, 0) is best on the 2nd
    u = np.array([[3, 1, 1], [2, 2, 2], [2, 1, 2], [1, 3, 0], [1, 0, 0]])
    assert maxima(u).tolist() == [True, True, False, True, False]


def test_maxima_ties_on_all_but_one_coordinate() -> None:
    # equal on the first three coordinates, one unit apart on the last: the smaller is dominated
    u = np.array([[5, 5, 5, 6], [5, 5, 5, 5], [4, 9, 0, 0], [4, 0, 9, 0], [4, 0, 0, 9]])
    assert maxima(u).tolist() == [True, False, True, True, True]


def test_maxima_edge_shapes() -> None:
    assert maxima(np.zeros((0, 3), dtype=np.int64)).tolist() == []
    assert maxima(np.array([[1, 2, 3]])).tolist() == [True]
    assert maxima(np.array([[3], [2], [1]])).tolist() == [True, False, False]


def test_additive_frontier_by_hand() -> None:
    # x: a gets 2 − k, b gets k; y: options 0 and 1 tie for both (2 packages per point)
    x = np.array([[2, 0, 1], [1, 1, 1], [0, 2, 0]])
    y = np.array([[1, 1, 1], [1, 1, 1]])
    points, counts, packages = additive_frontier([x, y])
    assert points.tolist() == [[3, 1, 2], [2, 2, 2], [1, 3, 1]]
    assert [int(c) for c in counts] == [2, 2, 2]
    assert packages.tolist() == [[0, 0], [1, 0], [2, 0]]


def test_additive_frontier_rejects_bad_tables() -> None:
    with pytest.raises(ValueError, match="at least one"):
        additive_frontier([])
    with pytest.raises(ValueError, match=r"tables\[1\] has shape"):
        additive_frontier([np.zeros((2, 3), dtype=np.int64), np.zeros((2, 2), dtype=np.int64)])


# ---------------------------------------------------------------- properties


@LEAVES
@settings(max_examples=150, deadline=None)
@given(rows=vector_sets())
def test_maxima_matches_naive(leaves: dict[str, int], rows: list[tuple[int, ...]]) -> None:
    ordered = lex_sorted(rows)
    u = np.array(ordered, dtype=np.int64)
    with leaf_sizes(leaves):
        got = {ordered[i] for i in np.flatnonzero(maxima(u))}
    assert got == naive_maxima(rows)


@settings(max_examples=60, deadline=None)
@given(vector_sets(), st.integers(0, 3))
def test_maxima_on_python_integers(rows: list[tuple[int, ...]], shift: int) -> None:
    """Beyond int64: the same maxima (ranks replace the values)."""
    ordered = lex_sorted(rows)
    big = np.array([[x * 10**30 + shift for x in r] for r in ordered], dtype=object)
    assert maxima(big).tolist() == maxima(np.array(ordered, dtype=np.int64)).tolist()


@LEAVES
@settings(max_examples=100, deadline=None)
@given(tables=problems())
def test_additive_frontier_matches_enumeration(
    leaves: dict[str, int], tables: list[np.ndarray]
) -> None:
    want = naive_frontier(tables)
    with leaf_sizes(leaves):
        points, counts, packages = additive_frontier(tables)
    got = {
        tuple(int(x) for x in v): (int(c), tuple(int(o) for o in pkg))
        for v, c, pkg in zip(points, counts, packages, strict=True)
    }
    assert len(got) == len(points)  # one row per distinct vector
    assert got == want
    assert [tuple(v) for v in points.tolist()] == sorted(got, reverse=True)


@settings(max_examples=40, deadline=None)
@given(problems())
def test_additive_frontier_python_integers_agree(tables: list[np.ndarray]) -> None:
    plain = additive_frontier(tables)
    big = additive_frontier([t.astype(object) * 10**25 for t in tables])
    assert big[0].tolist() == (plain[0].astype(object) * 10**25).tolist()
    assert big[1].tolist() == plain[1].tolist() and big[2].tolist() == plain[2].tolist()


@settings(max_examples=40, deadline=None)
@given(problems(), st.randoms(use_true_random=False))
def test_additive_frontier_invariant_under_party_order(
    tables: list[np.ndarray], rnd: object
) -> None:
    d = tables[0].shape[1]
    perm = list(range(d))
    rnd.shuffle(perm)  # type: ignore[attr-defined]
    points, counts, _ = additive_frontier(tables)
    shuffled, counts2, _ = additive_frontier([t[:, perm] for t in tables])
    mine = {tuple(v): int(c) for v, c in zip(points[:, perm].tolist(), counts, strict=True)}
    theirs = {tuple(v): int(c) for v, c in zip(shuffled.tolist(), counts2, strict=True)}
    assert mine == theirs


@settings(max_examples=300, deadline=None)
@given(
    st.integers(0, 5),
    st.integers(1, 30),
    st.sampled_from([1, 2, 5, 100]),
    st.booleans(),
    st.data(),
)
def test_reduce_in_python_and_numpy_agree(
    d: int, n: int, top: int, python_ints: bool, data: st.DataObject
) -> None:
    """The plain-Python reduction of a few rows is the numpy one: same rows, counts, dtype."""
    cells = data.draw(st.lists(st.integers(0, top), min_size=n * d, max_size=n * d))
    values = np.array(cells, dtype=np.int64).reshape(n, d)
    kind = object if python_ints else np.int64
    counts = np.array(data.draw(st.lists(st.integers(1, 5), min_size=n, max_size=n)), dtype=kind)
    keys = np.array(data.draw(st.permutations(list(range(n)))), dtype=np.int64)
    if python_ints:
        values = values.astype(object) * 10**20
    small = skyline._reduce_small(values, counts, keys)
    with leaf_sizes({"_SMALL": -1}):
        big = skyline._reduce(values, counts, keys)
    assert small[0].tolist() == big[0].tolist()
    assert small[1].tolist() == big[1].tolist() and small[1].dtype == big[1].dtype


def naive_mask(u: np.ndarray) -> np.ndarray:
    """Maximal rows of distinct rows, all pairs compared with numpy (O(n² d))."""
    ge = np.ones((len(u), len(u)), dtype=bool)
    for c in range(u.shape[1]):
        ge &= u[:, None, c] >= u[None, :, c]
    np.fill_diagonal(ge, False)
    return ~ge.any(axis=0)


@LEAVES
@settings(max_examples=25, deadline=None)
@given(st.integers(4, 6), st.integers(2, 40), st.integers(0, 2**32 - 1))
def test_maxima_of_minkowski_sums(leaves: dict[str, int], d: int, m: int, seed: int) -> None:
    """Thousands of sums of a frontier and a block's options, as the frontier builds them:
    most are dominated by a near neighbour (the grid's and the bitsets' case)."""
    rng = np.random.default_rng(seed)
    front = rng.integers(0, 1000, size=(m * 10, d)) * rng.integers(1, 4, size=d)
    front = front[naive_mask(np.unique(front, axis=0)[::-1])]
    options = rng.integers(0, 60, size=(rng.integers(2, 9), d))
    sums = np.unique((front[:, None, :] + options[None, :, :]).reshape(-1, d), axis=0)[::-1]
    with leaf_sizes(leaves):
        got = maxima(sums)
    assert got.tolist() == naive_mask(sums).tolist()


@pytest.mark.parametrize("n", [65, 1000, 5000])
def test_grid_filter_marks_only_dominated_rows(n: int) -> None:
    rng = np.random.default_rng(n)
    u = np.unique(rng.integers(-(2**61), 2**61, size=(n, 4)) // 2**50, axis=0)[::-1]
    sure = skyline._surely_dominated(u)
    assert not (sure & naive_mask(u)).any()
    assert sure.sum() > 0
