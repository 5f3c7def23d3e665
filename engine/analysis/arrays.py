"""Per-issue numpy arrays of the positions in force: the layer the measures run on.

:func:`case_arrays` turns the positions a case holds on a date, for a
selection of parties, into one :class:`IssueArrays` per issue, built once and
kept in the case's ``_cache`` (cases are immutable, so the arrays never go
stale). Every array is read-only.

An :class:`IssueArrays` holds only the parties **with a position** on the
issue (``m`` of the ``n`` selected parties; ``rows`` says which): saliences,
red lines, and either a party × option acceptance matrix with the same sets as
bitmasks (ordinal and nominal scales) or interval bounds (interval scales).
Parties without a position are simply absent, so no kernel ever sees a
placeholder value; the measures put NaN in their rows and columns when they
expand results to all selected parties.

This module is internal: the public functions are in :mod:`engine.analysis.measures`.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.analysis.docs import fill_doc
from engine.model.case import Case, Issue, Position, Span, as_date

__all__ = [
    "MAX_MASK_OPTIONS",
    "CaseArrays",
    "IssueArrays",
    "Parties",
    "case_arrays",
    "resolve_date",
]

#: A selection of party ids; None selects every party.
Parties = Iterable[str] | None

#: Issues with at most this many options also carry their sets as bitmasks.
MAX_MASK_OPTIONS = 64


def resolve_date(case: Case, at: Any = None) -> _dt.date:
    """The evaluation date: ``at`` as a date, or the case's ``as_of`` when ``None``."""
    return case.as_of if at is None else as_date(at, "at")


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def _mask_dtype(k: int) -> type[np.unsignedinteger[Any]]:
    for dtype, bits in ((np.uint8, 8), (np.uint16, 16), (np.uint32, 32)):
        if k <= bits:
            return dtype
    return np.uint64


@dataclass(frozen=True, eq=False)
class IssueArrays:
    """The positions on one issue as arrays over the parties that hold one.

    Attributes
    ----------
    issue : Issue
        The issue.
    parties : tuple of str
        All selected party ids, in the case's order (``n`` of them).
    rows : ndarray of int, shape (m,)
        Which of ``parties`` have a position on the issue, ascending; every
        other array is indexed by these ``m`` parties.
    salience : ndarray of float, shape (m,)
    red_line : ndarray of bool, shape (m,)
    has : ndarray of bool, shape (n,)
        Over all selected parties: who has a position.
    accept : ndarray of bool, shape (m, k), or None
        Ordinal and nominal scales: ``accept[j, o]`` is true when option
        ``o`` is in the stated acceptable set of party ``rows[j]``.
    mask : ndarray of unsigned int, shape (m,), or None
        The same sets as bitmasks (bit ``o`` for option ``o``), for issues of
        at most :data:`MAX_MASK_OPTIONS` options.
    ideal_index : ndarray of int, shape (m,), or None
        Ordinal and nominal scales: the index of each ideal option.
    dist : ndarray of float, shape (k, k), or None
        :meth:`Issue.distance_matrix`.
    levels : ndarray of float, or None
        The distinct values of ``dist``, ascending.
    lo, hi, ideal_value : ndarray of float, shape (m,), or None
        Interval scales: the acceptable interval ``[lo, hi]`` and the ideal.
    width : float
        Interval scales: ``max - min`` (the distance unit); 1.0 otherwise.
    first, last : ndarray of int, shape (m,), or None
        Ordinal scales where every acceptable set is a run of consecutive
        options: the index of its first and last option (the gap is then
        computed like an interval's). None otherwise.
    filled : IssueArrays or None
        When some selected parties have no position (m < n): the same arrays
        over all n parties, those without a position given a placeholder
        (salience 0, every option or the whole range acceptable). Used only
        by the aggregate pass, which multiplies every contribution by "both
        have a position" — so the placeholders never reach a result.
    """

    issue: Issue
    parties: tuple[str, ...]
    rows: np.ndarray
    salience: np.ndarray
    red_line: np.ndarray
    has: np.ndarray
    accept: np.ndarray | None = None
    mask: np.ndarray | None = None
    ideal_index: np.ndarray | None = None
    dist: np.ndarray | None = None
    levels: np.ndarray | None = None
    lo: np.ndarray | None = None
    hi: np.ndarray | None = None
    ideal_value: np.ndarray | None = None
    width: float = 1.0
    first: np.ndarray | None = None
    last: np.ndarray | None = None
    filled: IssueArrays | None = None

    @property
    def is_interval(self) -> bool:
        return self.issue.is_interval

    @property
    def n_positions(self) -> int:
        """Number of selected parties with a position on the issue (``m``)."""
        return len(self.rows)

    @property
    def holders(self) -> tuple[str, ...]:
        """The ids of the parties with a position, in the case's order."""
        return tuple(self.parties[r] for r in self.rows)


@dataclass(frozen=True, eq=False)
class CaseArrays:
    """The arrays of every issue of a case on a date, for a selection of parties."""

    date: _dt.date
    parties: tuple[str, ...]
    issues: tuple[IssueArrays, ...]
    positions: Mapping[tuple[str, str], Position]

    def issue(self, issue_id: str) -> IssueArrays:
        for ia in self.issues:
            if ia.issue.id == issue_id:
                return ia
        raise KeyError(issue_id)


def _make(
    issue: Issue,
    parties: tuple[str, ...],
    rows: np.ndarray,
    sal: np.ndarray,
    red: np.ndarray,
    *,
    mask: np.ndarray | None = None,
    accept: np.ndarray | None = None,
    ideal_index: np.ndarray | None = None,
    lo: np.ndarray | None = None,
    hi: np.ndarray | None = None,
    ideal_value: np.ndarray | None = None,
    fill: bool = True,
) -> IssueArrays:
    """Derive the remaining arrays, freeze them, and add the filled twin."""
    k, n, m = issue.k, len(parties), len(rows)
    extra: dict[str, Any] = {}
    if issue.is_interval:
        extra.update(lo=lo, hi=hi, ideal_value=ideal_value, width=issue.width)
    else:
        if mask is not None:
            bits = (np.uint64(1) << np.arange(k, dtype=np.uint64)).astype(mask.dtype)
            accept = (mask[:, None] & bits[None, :]) != 0
        assert accept is not None
        dist = issue.distance_matrix()
        extra.update(
            accept=accept, mask=mask, ideal_index=ideal_index, dist=dist, levels=np.unique(dist)
        )
        if issue.scale == "ordinal" and m:
            first = accept.argmax(axis=1)
            last = k - 1 - accept[:, ::-1].argmax(axis=1)
            if (accept.sum(axis=1) == last - first + 1).all():
                extra.update(first=first, last=last)
    filled = None
    if fill and m < n:

        def pad(a: np.ndarray, value: Any) -> np.ndarray:
            full = np.full((n, *a.shape[1:]), value, dtype=a.dtype)
            full[rows] = a
            return full

        if issue.is_interval:
            assert lo is not None and hi is not None and ideal_value is not None
            filled = _make(
                issue, parties, np.arange(n, dtype=np.intp), pad(sal, 0.0), pad(red, False),
                lo=pad(lo, issue.min), hi=pad(hi, issue.max), ideal_value=pad(ideal_value, issue.min),
                fill=False,
            )  # fmt: skip
        else:
            assert ideal_index is not None
            filled = _make(
                issue, parties, np.arange(n, dtype=np.intp), pad(sal, 0.0), pad(red, False),
                mask=None if mask is None else pad(mask, (1 << k) - 1),
                accept=pad(accept, True) if mask is None and accept is not None else None,
                ideal_index=pad(ideal_index, 0), fill=False,
            )  # fmt: skip
    has = np.zeros(n, dtype=bool)
    has[rows] = True
    for a in (rows, sal, red, has, *extra.values()):
        if isinstance(a, np.ndarray):
            a.setflags(write=False)
    return IssueArrays(issue, parties, rows, sal, red, has, filled=filled, **extra)


class _Collect:
    """Column lists of one issue's positions, filled in one pass over the case."""

    __slots__ = ("hi", "ideal", "lo", "red", "rows", "sal", "sets")

    def __init__(self) -> None:
        self.rows: list[int] = []
        self.sal: list[float] = []
        self.red: list[bool] = []
        self.ideal: list[Any] = []
        self.lo: list[float] = []
        self.hi: list[float] = []
        self.sets: list[frozenset[str]] = []


def _from_columns(issue: Issue, parties: tuple[str, ...], c: _Collect) -> IssueArrays:
    rows = np.array(c.rows, dtype=np.intp)
    sal = np.array(c.sal, dtype=float)
    red = np.array(c.red, dtype=bool)
    if issue.is_interval:
        return _make(
            issue, parties, rows, sal, red,
            lo=np.array(c.lo, dtype=float), hi=np.array(c.hi, dtype=float),
            ideal_value=np.array(c.ideal, dtype=float),
        )  # fmt: skip
    k = issue.k
    index = issue._index
    ideal_index = np.array([index[o] for o in c.ideal], dtype=np.intp)
    if k <= MAX_MASK_OPTIONS:
        memo: dict[frozenset[str], int] = {}
        ints = []
        for ids in c.sets:  # the same sets recur: compute each bitmask once
            v = memo.get(ids)
            if v is None:
                v = memo[ids] = sum(1 << index[o] for o in ids)
            ints.append(v)
        mask = np.array(ints, dtype=_mask_dtype(k))
        return _make(issue, parties, rows, sal, red, mask=mask, ideal_index=ideal_index)
    accept = np.zeros((len(rows), k), dtype=bool)
    for j, ids in enumerate(c.sets):
        accept[j, [index[o] for o in ids]] = True
    return _make(issue, parties, rows, sal, red, accept=accept, ideal_index=ideal_index)


def _build(case: Case, date: _dt.date, chosen: tuple[str, ...]) -> CaseArrays:
    state = case.at(date)
    row_of = {p: r for r, p in enumerate(chosen)}
    cols = {i.id: _Collect() for i in case.issues}
    for (p, i), pos in state.items():  # ordered by party, so rows ascend
        r = row_of.get(p)
        if r is None:
            continue
        c = cols[i]
        c.rows.append(r)
        c.sal.append(pos.salience)
        c.red.append(pos.red_line)
        c.ideal.append(pos.ideal)
        acc = pos.acceptable
        if isinstance(acc, Span):
            c.lo.append(acc.lo)
            c.hi.append(acc.hi)
        else:
            c.sets.append(acc.ids)
    issues = tuple(_from_columns(i, chosen, cols[i.id]) for i in case.issues)
    return CaseArrays(date, chosen, issues, state)


@fill_doc
def case_arrays(case: Case, at: Any = None, parties: Parties = None) -> CaseArrays:
    """The arrays of every issue of ``case`` on a date, for the selected parties.

    Built once per (case, date, parties) and cached in ``case._cache``.

    Parameters
    ----------
    {case_at}
    parties : iterable of str, optional
        Party ids to include (default: all); kept in the case's order.

    Raises
    ------
    UnknownIdError
        For a party id the case does not know.

    Notes
    -----
    One pass over the positions in force: O(P · k) for P positions and k
    options, plus O(m · k²) for the distance matrices.

    Examples
    --------
    >>> from engine import load_case
    >>> arr = case_arrays(load_case("tests/cases/tiny"))
    >>> arr.issue("ord").accept.astype(int).tolist()
    [[1, 1, 1, 0, 0], [0, 0, 0, 1, 1], [0, 1, 1, 1, 0]]
    >>> arr.issue("nom").holders, arr.issue("nom").mask.tolist()   # c has no position
    (('a', 'b'), [3, 4])
    """
    date = resolve_date(case, at)
    chosen = case.resolve_parties(parties)
    key = ("arrays", date, chosen)
    cached = case._cache.get(key)
    if cached is None:
        cached = case._cache[key] = _build(case, date, chosen)
    return cached
