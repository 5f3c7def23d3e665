"""Pairwise measures, overlap and conflict matrices, agreement zones.

Definitions (DESIGN.md "Measures"), for two parties ``p`` and ``q`` with
positions on an issue, acceptable sets ``A_p`` and ``A_q``, ideals ``x_p`` and
``x_q``, saliences ``s_p`` and ``s_q`` and the issue's distance ``d``
(ordinal: rank difference / (k − 1); nominal: 1, or the distance table;
interval: |a − b| / (max − min)):

- ``compatible(p, q)`` = 1 when ``A_p ∩ A_q ≠ ∅``, else 0;
- ``overlap(p, q)`` = ``|A_p ∩ A_q| / |A_p ∪ A_q|`` (Jaccard; on interval
  scales lengths of intervals, two identical points give 1, a point inside a
  longer interval gives 0 — its intersection has length 0);
- ``gap(p, q)`` = ``min {d(a, b) : a ∈ A_p, b ∈ A_q}`` (0 when compatible);
- ``distance(p, q)`` = ``d(x_p, x_q)``;
- ``conflict(p, q)`` = ``gap(p, q) · (s_p + s_q) / 2``.

A party with no position on an issue is left out of that issue: its row and
column are NaN, never zero. The stated acceptable set is used: an acceptance
that ``requires`` a settlement on another issue counts as acceptance here
(docs/format.md, "Linkage").

Everything is computed with numpy over party × option arrays
(:mod:`engine.analysis.arrays`), one issue at a time, never pair by pair.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from engine.analysis.arrays import IssueArrays, case_arrays
from engine.model.case import Case, Issue, OptionSet, Position, Span
from engine.model.errors import UnknownIdError

__all__ = [
    "MATRIX_KINDS",
    "agreement_zones",
    "conflict_matrix",
    "contested_issues",
    "describe_position",
    "issue_matrices",
    "overlap_matrix",
    "position_records",
    "position_table",
    "total_conflict",
]

#: The kinds of per-issue matrices :func:`issue_matrices` computes.
MATRIX_KINDS = ("overlap", "gap", "distance", "conflict", "compatible")

NO_POSITION = "no position"

Parties = Iterable[str] | None


# ------------------------------------------------------------------ kernels
# Each kernel maps the arrays of one issue to an m × m matrix over the m parties
# that hold a position there (IssueArrays.rows); _full() expands it to all n
# selected parties, NaN in the rows and columns of those without a position.


def _full(ia: IssueArrays, sub: np.ndarray) -> np.ndarray:
    n = len(ia.parties)
    out = np.full((n, n), np.nan)
    out[np.ix_(ia.rows, ia.rows)] = sub
    return out


def _interval_meet(ia: IssueArrays) -> tuple[np.ndarray, np.ndarray]:
    """``max(lo_p, lo_q)`` and ``min(hi_p, hi_q)`` for every pair."""
    assert ia.lo is not None and ia.hi is not None
    return np.maximum.outer(ia.lo, ia.lo), np.minimum.outer(ia.hi, ia.hi)


def _compatible(ia: IssueArrays) -> np.ndarray:
    """Boolean: the acceptable sets meet."""
    if ia.is_interval:
        lo, hi = _interval_meet(ia)
        return lo <= hi
    if ia.mask is not None:
        return (ia.mask[:, None] & ia.mask[None, :]) != 0
    assert ia.accept is not None
    a = ia.accept.astype(np.float64)
    return (a @ a.T) > 0


def _overlap(ia: IssueArrays) -> np.ndarray:
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


def _gap(ia: IssueArrays) -> np.ndarray:
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


def _distance(ia: IssueArrays) -> np.ndarray:
    if ia.is_interval:
        assert ia.ideal_value is not None
        return np.abs(np.subtract.outer(ia.ideal_value, ia.ideal_value)) / ia.width
    assert ia.ideal_index is not None and ia.dist is not None
    return ia.dist[np.ix_(ia.ideal_index, ia.ideal_index)]


def _weight(ia: IssueArrays) -> np.ndarray:
    """``(s_p + s_q) / 2``."""
    return np.add.outer(ia.salience, ia.salience) / 2.0


def _conflict(ia: IssueArrays) -> np.ndarray:
    return _gap(ia) * _weight(ia)


_KERNELS = {
    "overlap": _overlap,
    "gap": _gap,
    "distance": _distance,
    "conflict": _conflict,
    "compatible": _compatible,
}


def _frame(m: np.ndarray, parties: tuple[str, ...]) -> pd.DataFrame:
    index = pd.Index(parties, name="party")
    return pd.DataFrame(m, index=index, columns=pd.Index(parties, name="other"))


@dataclass(frozen=True, eq=False)
class _Totals:
    """One pass over the issues: the aggregate matrices and per-issue conflict."""

    overlap: np.ndarray
    conflict: np.ndarray
    by_issue: np.ndarray


def _totals(case: Case, at: Any, parties: Parties) -> tuple[tuple[str, ...], _Totals]:
    """Σ w·overlap, Σ w·gap and Σ w over shared issues, cached per (case, date, parties)."""
    arr = case_arrays(case, at, parties)
    key = ("totals", arr.date, arr.parties)
    cached = case._cache.get(key)
    if cached is not None:
        return arr.parties, cached
    n = len(arr.parties)
    num_o, num_c, den = np.zeros((n, n)), np.zeros((n, n)), np.zeros((n, n))
    shared = np.zeros((n, n), dtype=bool)
    any_position = np.zeros(n, dtype=bool)
    by_issue = np.zeros(len(arr.issues))
    for t, ia in enumerate(arr.issues):
        m = ia.n_positions
        if m == 0:
            continue
        w = _weight(ia.filled or ia)
        if m < n:  # placeholders for the parties without a position weigh nothing
            both = np.logical_and.outer(ia.has, ia.has)
            w *= both
            shared |= both
        else:
            shared[:] = True
        wg = w * _gap(ia.filled or ia)
        num_o += w * _overlap(ia.filled or ia)
        num_c += wg
        den += w
        any_position[ia.rows] = True
        by_issue[t] = wg.sum() / 2.0  # symmetric, zero diagonal: the sum over p < q
    ok = shared & (den > 0)
    overlap = np.divide(num_o, den, out=np.full((n, n), np.nan), where=ok)
    conflict = np.divide(num_c, den, out=np.full((n, n), np.nan), where=ok)
    diag = np.diag_indices(n)
    overlap[diag] = np.where(any_position, 1.0, np.nan)
    conflict[diag] = np.where(any_position, 0.0, np.nan)
    for a in (overlap, conflict, by_issue):
        a.setflags(write=False)
    result = _Totals(overlap, conflict, by_issue)
    case._cache[key] = result
    return arr.parties, result


# ----------------------------------------------------------------- matrices


def issue_matrices(
    case: Case, kind: str, *, at: Any = None, parties: Parties = None
) -> dict[str, pd.DataFrame]:
    """One party × party matrix of a pairwise measure per issue.

    Parameters
    ----------
    case : Case
    kind : {"overlap", "gap", "distance", "conflict", "compatible"}
        The measure (see the module's docstring and Notes).
    at : date or str, optional
        Evaluation date (default: the case's ``as_of``).
    parties : iterable of str, optional
        Party ids to include (default: all). Rows and columns follow the
        case's order whatever the order given.

    Returns
    -------
    dict of str to DataFrame
        Issue id → DataFrame indexed by the selected party ids (rows
        ``party``, columns ``other``), in the case's order of issues. A party
        without a position on the issue has a NaN row and column.
        ``compatible`` is float: 1.0 (the acceptable sets intersect), 0.0
        (they do not) or NaN (no position), so that it averages and plots like
        the other measures.

    Raises
    ------
    UnknownIdError
        For an unknown ``kind`` or party id.

    Notes
    -----
    For parties ``p``, ``q`` with acceptable sets ``A_p``, ``A_q``, ideals
    ``x_p``, ``x_q``, saliences ``s_p``, ``s_q`` and the issue's distance
    ``d``:

    - compatible = [A_p ∩ A_q ≠ ∅]
    - overlap = |A_p ∩ A_q| / |A_p ∪ A_q| (interval scales: lengths; two
      equal points → 1; a point inside a longer interval → 0)
    - gap = min_{a ∈ A_p, b ∈ A_q} d(a, b)
    - distance = d(x_p, x_q)
    - conflict = gap · (s_p + s_q) / 2

    On a nominal scale whose distance table sets a pair of different options
    at distance 0, the gap can be 0 while the sets do not intersect:
    ``compatible`` is about intersection only. Diagonals are 1 (overlap,
    compatible) and 0 (gap, distance, conflict) for a party with a position.

    Widening a party's acceptable set (A_p ⊆ A_p') never raises its gap
    (nor its conflict), never loses compatibility, and never shrinks the
    intersection |A_p ∩ A_q| — but its **overlap can drop**, because the
    union grows too: with A_q = {x}, widening A_p = {x} to {x, y} takes the
    overlap from 1/1 to 1/2 (intervals: [0, 10] against [0, 10], widened to
    [0, 20], goes from 1 to 1/2). Overlap measures how alike two sets are,
    not how much room for agreement there is; read the gap and the agreement
    zone for the latter.

    Cost per issue, for m parties with a position and k options: overlap and
    compatible O(m² · k) (a matrix product, or a bitwise AND of the sets as
    bitmasks); gap O(m · k² + m² · L) where L ≤ k² is the number of distinct
    distances (one bitwise AND per distance level: "are the options within
    t of A_p and A_q disjoint?"), O(m²) when every ordinal set is a run of
    options or on interval scales; distance O(m²).

    Examples
    --------
    >>> from engine import load_case
    >>> case = load_case("tests/cases/tiny")
    >>> m = issue_matrices(case, "gap")
    >>> list(m)
    ['ord', 'nom', 'num']
    >>> float(m["ord"].loc["a", "b"])   # a accepts o1…o3, b o4…o5: one step of four
    0.25
    >>> float(m["nom"].loc["a", "c"])   # c has no position on "nom"
    nan
    """
    kernel = _KERNELS.get(kind)
    if kernel is None:
        raise UnknownIdError("matrix kind", kind, MATRIX_KINDS)
    arr = case_arrays(case, at, parties)
    out = {}
    for ia in arr.issues:
        sub = kernel(ia).astype(float) if ia.n_positions else np.zeros((0, 0))
        out[ia.issue.id] = _frame(_full(ia, sub), arr.parties)
    return out


def overlap_matrix(case: Case, *, at: Any = None, parties: Parties = None) -> pd.DataFrame:
    """Party × party overlap, the salience-weighted mean over shared issues.

    Parameters
    ----------
    case : Case
    at : date or str, optional
        Evaluation date (default: the case's ``as_of``).
    parties : iterable of str, optional
        Party ids to include (default: all), kept in the case's order.

    Returns
    -------
    DataFrame
        Indexed by party ids (rows ``party``, columns ``other``); values in
        [0, 1] or NaN.

    Notes
    -----
    Over the issues ``I_pq`` on which both ``p`` and ``q`` have positions,
    with ``w_i = (s_p,i + s_q,i) / 2``::

        overlap(p, q) = Σ_{i ∈ I_pq} w_i · overlap_i(p, q) / Σ_{i ∈ I_pq} w_i

    NaN when ``I_pq`` is empty (nothing to compare) and when every ``w_i`` is
    0 (both saliences 0 on every shared issue: the weighted mean is 0/0).
    The diagonal is 1 for a party with at least one position (it overlaps
    itself fully, whatever its saliences), NaN for a party with none.

    One pass over the issues, O(Σ_i cost_i) with the per-issue costs of
    :func:`issue_matrices` (O(m · n² · k) for m issues, n parties, k options)
    and O(n²) memory; the pass computes the overlap and conflict matrices and
    the total conflict together and is cached per (case, date, parties), so
    the other two then cost nothing.

    Examples
    --------
    >>> from engine import load_case
    >>> m = overlap_matrix(load_case("tests/cases/tiny"))
    >>> # a and c share "ord" (w = (0.8+0.3)/2, overlap 2/4) and "num" (w = (0.6+0.2)/2, overlap 0)
    >>> abs(float(m.loc["a", "c"]) - (0.55 * 0.5 + 0.4 * 0) / (0.55 + 0.4)) < 1e-12
    True
    >>> float(m.loc["a", "a"])
    1.0

    On the shipped case, symmetric, and 1 on the diagonal:

    >>> m = overlap_matrix(load_case("ukraine-russia"))
    >>> m.equals(m.T) and bool((m.to_numpy().diagonal() == 1).all())
    True
    """
    chosen, totals = _totals(case, at, parties)
    return _frame(totals.overlap.copy(), chosen)


def conflict_matrix(case: Case, *, at: Any = None, parties: Parties = None) -> pd.DataFrame:
    """Party × party conflict, the salience-weighted mean gap over shared issues.

    Parameters
    ----------
    case : Case
    at : date or str, optional
        Evaluation date (default: the case's ``as_of``).
    parties : iterable of str, optional
        Party ids to include (default: all), kept in the case's order.

    Returns
    -------
    DataFrame
        Indexed by party ids (rows ``party``, columns ``other``); values in
        [0, 1] or NaN.

    Notes
    -----
    Over the issues ``I_pq`` on which both ``p`` and ``q`` have positions,
    with ``w_i = (s_p,i + s_q,i) / 2``::

        conflict(p, q) = Σ_{i ∈ I_pq} w_i · gap_i(p, q) / Σ_{i ∈ I_pq} w_i

    i.e. the sum of the per-issue conflicts divided by the total weight.
    NaN when ``I_pq`` is empty or every ``w_i`` is 0; the diagonal is 0 for a
    party with at least one position, NaN for one with none.

    O(m · n² · k) time for m issues, n parties, k options, O(n²) memory; one
    cached pass shared with :func:`overlap_matrix` and :func:`total_conflict`.

    Examples
    --------
    >>> from engine import load_case
    >>> m = conflict_matrix(load_case("tests/cases/tiny"))
    >>> # a and b: gaps 1/4 on "ord" (w 0.9), 1 on "nom" (w 0.3), 0 on "num" (w 0.55)
    >>> abs(float(m.loc["a", "b"]) - (0.9 * 0.25 + 0.3 * 1 + 0.55 * 0) / 1.75) < 1e-12
    True
    """
    chosen, totals = _totals(case, at, parties)
    return _frame(totals.conflict.copy(), chosen)


def total_conflict(
    case: Case, *, at: Any = None, parties: Parties = None, by_issue: bool = False
) -> float | pd.Series:
    """The sum of the conflicts of every pair of parties on every issue.

    Parameters
    ----------
    case : Case
    at : date or str, optional
        Evaluation date (default: the case's ``as_of``).
    parties : iterable of str, optional
        Party ids to include (default: all).
    by_issue : bool
        Return a Series indexed by issue id (every issue, in the case's
        order) instead of the grand total.

    Returns
    -------
    float or Series

    Notes
    -----
    ``T = Σ_i Σ_{p<q} gap_i(p, q) · (s_p,i + s_q,i) / 2`` over unordered pairs
    of parties that both have positions on issue ``i``. An issue with fewer
    than two positions contributes 0 (an empty sum). Unlike the matrices it is
    a sum, not a mean: it grows with the number of parties and issues.
    O(m · n² · k), shared with the matrices (one cached pass).

    Examples
    --------
    >>> from engine import load_case
    >>> case = load_case("tests/cases/tiny")
    >>> t = total_conflict(case, by_issue=True)
    >>> t.round(12).to_dict() == {"ord": 0.225, "nom": 0.3, "num": 0.04}
    True
    >>> round(total_conflict(case), 12)
    0.565
    """
    _, totals = _totals(case, at, parties)
    if by_issue:
        index = pd.Index(case.issue_ids, name="issue")
        return pd.Series(totals.by_issue.copy(), index=index, name="total_conflict", dtype=float)
    return float(math.fsum(totals.by_issue))


# ---------------------------------------------------------- position tables


def describe_position(issue: Issue, position: Position | None) -> str:
    """A readable one-line description of a position (``"no position"`` for None).

    Examples
    --------
    >>> from engine import load_case
    >>> case = load_case("tests/cases/tiny")
    >>> describe_position(case.issue("ord"), case.at()[("b", "ord")])
    'Five (accepts Four … Five), red line'
    >>> describe_position(case.issue("ord"), case.at()[("a", "ord")])
    'One (accepts One … Three, if nom: x)'
    >>> describe_position(case.issue("nom"), None)
    'no position'
    """
    if position is None:
        return NO_POSITION
    cond = ""
    if position.requires:
        cond = ", if " + "; ".join(f"{i}: {' '.join(_ids(a))}" for i, a in position.requires)
    text = f"{issue.label(position.ideal)} (accepts {issue.describe(position.acceptable)}{cond})"
    return text + (", red line" if position.red_line else "")


def _ids(acc: OptionSet | Span) -> tuple[str, ...]:
    if isinstance(acc, Span):
        return (f"{acc.lo:g}–{acc.hi:g}",)
    return tuple(sorted(acc.ids))


def position_table(case: Case, *, at: Any = None, parties: Parties = None) -> pd.DataFrame:
    """The issue × party table of positions, as readable text.

    Parameters
    ----------
    case : Case
    at : date or str, optional
        Evaluation date (default: the case's ``as_of``).
    parties : iterable of str, optional
        Party ids to include (default: all), in the case's order.

    Returns
    -------
    DataFrame
        Indexed by issue id, one column per party id; each cell reads
        ``"<ideal> (accepts <acceptable set>)"`` (plus the linkage
        ``", if <issue>: <option ids>"`` inside the brackets and
        ``", red line"`` after them when they apply) with labels from
        :meth:`Issue.label` and :meth:`Issue.describe`, or ``"no position"``.
        For the values themselves use :func:`position_records` (tidy: one row
        per issue and party).

    Notes
    -----
    A party's position on an issue at date D is the one of its latest
    statement dated on or before D that names the issue. O(m · n).

    Examples
    --------
    >>> from engine import load_case
    >>> t = position_table(load_case("tests/cases/tiny"))
    >>> t.loc["num", "c"]
    '50 units (accepts 50 units)'
    >>> t.loc["nom", "c"]
    'no position'
    """
    chosen = case.resolve_parties(parties)
    state = case.at(at)
    data = {
        p: [describe_position(issue, state.get((p, issue.id))) for issue in case.issues]
        for p in chosen
    }
    df = pd.DataFrame(
        data, index=pd.Index(case.issue_ids, name="issue"), columns=list(chosen), dtype=object
    )
    df.columns.name = "party"
    return df


def position_records(case: Case, *, at: Any = None, parties: Parties = None) -> pd.DataFrame:
    """The positions as a tidy table: one row per issue and party.

    Returns
    -------
    DataFrame
        Columns: ``issue``, ``party``, ``has_position`` (bool), ``ideal``
        (option id or number; None without a position), ``ideal_label``,
        ``acceptable`` (readable), ``acceptable_ids`` (tuple of option ids, or
        ``(lo, hi)``), ``salience`` (NaN without a position), ``red_line``,
        ``requires`` (``"issue: id id; …"``), ``confidence``, ``as_of`` (ISO
        date), ``sources`` (tuple), ``note``. Rows in the case's order of
        issues, then parties.

    Notes
    -----
    The text columns of a party without a position read ``"no position"``
    (``ideal_label``, ``acceptable``) or are empty. O(m · n).

    Examples
    --------
    >>> from engine import load_case
    >>> r = position_records(load_case("tests/cases/tiny"))
    >>> r.loc[(r.issue == "ord") & (r.party == "c"), "acceptable_ids"].item()
    ('o2', 'o3', 'o4')
    """
    chosen = case.resolve_parties(parties)
    state = case.at(at)
    rows = []
    for issue in case.issues:
        for p in chosen:
            pos = state.get((p, issue.id))
            if pos is None:
                rows.append({
                    "issue": issue.id, "party": p, "has_position": False, "ideal": None,
                    "ideal_label": NO_POSITION, "acceptable": NO_POSITION, "acceptable_ids": (),
                    "salience": np.nan, "red_line": False, "requires": "", "confidence": "",
                    "as_of": "", "sources": (), "note": "",
                })  # fmt: skip
                continue
            acc = pos.acceptable
            ids = (acc.lo, acc.hi) if isinstance(acc, Span) else issue.ordered(acc)
            rows.append({
                "issue": issue.id, "party": p, "has_position": True, "ideal": pos.ideal,
                "ideal_label": issue.label(pos.ideal), "acceptable": issue.describe(acc),
                "acceptable_ids": ids, "salience": float(pos.salience),
                "red_line": bool(pos.red_line),
                "requires": "; ".join(f"{i}: {' '.join(_ids(a))}" for i, a in pos.requires),
                "confidence": pos.confidence,
                "as_of": pos.as_of.isoformat() if pos.as_of else "",
                "sources": tuple(pos.sources), "note": pos.note,
            })  # fmt: skip
    columns = ["issue", "party", "has_position", "ideal", "ideal_label", "acceptable",
               "acceptable_ids", "salience", "red_line", "requires", "confidence", "as_of",
               "sources", "note"]  # fmt: skip
    df = pd.DataFrame(rows, columns=columns)
    return df.astype({"salience": float, "has_position": bool, "red_line": bool})


# ------------------------------------------------------------ agreement zones


def _blockers(not_accept: np.ndarray, ia: IssueArrays) -> tuple[tuple[str, ...], ...]:
    """Minimum-cardinality blocker sets from a candidates × holders matrix.

    ``not_accept[c, j]`` is true when the j-th party with a position does not
    accept candidate ``c``. The minimum blocker sets are the distinct rows of
    minimum weight; returned as tuples of ids in case order, sorted by the
    case order of their members.
    """
    sizes = not_accept.sum(axis=1)
    rows = np.unique(not_accept[sizes == sizes.min()], axis=0)
    sets = {tuple(int(j) for j in np.flatnonzero(r)) for r in rows}  # holders are in case order
    names = ia.holders
    return tuple(tuple(names[j] for j in s) for s in sorted(sets))


def _zone_row(ia: IssueArrays) -> dict[str, Any]:
    issue = ia.issue
    present = ia.holders
    row: dict[str, Any] = {"scale": issue.scale, "n_parties": len(present), "parties": present}
    if ia.is_interval:
        assert ia.lo is not None and ia.hi is not None
        assert issue.min is not None and issue.max is not None
        lo = float(ia.lo.max()) if present else float(issue.min)
        hi = float(ia.hi.min()) if present else float(issue.max)
        empty = lo > hi
        row["zone"] = "(empty)" if empty else issue.describe(Span(lo, hi))
        row["zone_ids"] = () if empty else (lo, hi)
        if empty:
            cand = np.concatenate([ia.lo, ia.hi])
            not_accept = (cand[:, None] < ia.lo[None, :]) | (cand[:, None] > ia.hi[None, :])
    else:
        assert ia.accept is not None
        zone = np.asarray(ia.accept.all(axis=0))  # all() over no parties: True, the whole scale
        empty = not zone.any()
        ids = tuple(issue.option_ids[j] for j in np.flatnonzero(zone))
        row["zone"] = "(empty)" if empty else issue.describe(OptionSet(frozenset(ids)))
        row["zone_ids"] = ids
        if empty:
            not_accept = ~ia.accept.T
    row["empty"] = bool(empty)
    if empty:
        blockers = _blockers(not_accept, ia)
        row["blocker_size"] = len(blockers[0])
        row["blockers"] = blockers
    else:
        row["blocker_size"] = 0
        row["blockers"] = ()
    return row


def agreement_zones(case: Case, *, at: Any = None, parties: Parties = None) -> pd.DataFrame:
    """The agreement zone of each issue and the smallest sets of parties blocking it.

    Parameters
    ----------
    case : Case
    at : date or str, optional
        Evaluation date (default: the case's ``as_of``).
    parties : iterable of str, optional
        Party ids to include (default: all).

    Returns
    -------
    DataFrame
        Indexed by issue id (case order), with columns:

        - ``scale``;
        - ``n_parties``, ``parties``: the selected parties with a position on
          the issue (tuple of ids, case order);
        - ``zone``: readable (option labels, ordinal runs ``first … last``,
          or ``"lo–hi unit"``), ``"(empty)"`` when empty;
        - ``zone_ids``: tuple of option ids in the issue's order, or
          ``(lo, hi)`` on interval scales; ``()`` when empty;
        - ``empty``: bool;
        - ``blocker_size``: the size of the smallest blocking sets (0 when the
          zone is not empty);
        - ``blockers``: tuple of every minimum-cardinality set of parties
          (each a tuple of ids in case order) whose removal makes the zone
          non-empty, sorted by the case order of their members; ``()`` when
          the zone is not empty.

    Notes
    -----
    The zone is ``Z = ∩_{p ∈ P} A_p`` over the parties P with a position on
    the issue; the stated acceptable sets are used (conditional ``requires``
    acceptance counts). Rows are kept for issues with fewer than two
    positions: with one party the zone is its acceptable set; with none,
    nothing constrains the issue and the zone is the whole scale (the
    intersection of no sets). Read ``n_parties`` before calling such a zone
    an agreement.

    Blockers: for a candidate outcome ``o`` let ``R_o = {p ∈ P : o ∉ A_p}``.
    Removing a set S of parties opens the zone iff some ``R_o ⊆ S``, so the
    minimum size is ``min_o |R_o|`` and the minimum blocking sets are exactly
    the distinct ``R_o`` of that size. Candidates are the options on
    ordinal/nominal scales, and every endpoint of every acceptable interval on
    interval scales (a non-empty intersection of intervals contains the
    largest of their lower ends). Exact; O(m · k) per issue for options,
    O(m²) for intervals, m parties with a position.

    Examples
    --------
    >>> from engine import load_case
    >>> z = agreement_zones(load_case("tests/cases/tiny"))
    >>> bool(z.loc["ord", "empty"]), z.loc["ord", "blockers"]
    (True, (('a',), ('b',)))
    >>> z.loc["num", "blockers"]     # without a, or without c, 30–40 or 50 remain
    (('a',), ('c',))
    >>> agreement_zones(load_case("tests/cases/tiny"), parties=["a", "c"]).loc["ord", "zone"]
    'Two … Three'
    """
    arr = case_arrays(case, at, parties)
    rows = [_zone_row(ia) for ia in arr.issues]
    columns = [
        "scale",
        "n_parties",
        "parties",
        "zone",
        "zone_ids",
        "empty",
        "blocker_size",
        "blockers",
    ]
    df = pd.DataFrame(
        rows, index=pd.Index([ia.issue.id for ia in arr.issues], name="issue"), columns=columns
    )
    return df.astype({"n_parties": int, "empty": bool, "blocker_size": int})


# --------------------------------------------------------- contested issues


def contested_issues(
    case: Case, *, at: Any = None, parties: Parties = None, top: int = 3
) -> pd.DataFrame:
    """Issues ranked by total conflict, with the pairs that drive it.

    Parameters
    ----------
    case : Case
    at : date or str, optional
        Evaluation date (default: the case's ``as_of``).
    parties : iterable of str, optional
        Party ids to include (default: all).
    top : int
        How many of the most conflicting pairs to list per issue.

    Returns
    -------
    DataFrame
        Indexed by issue id, every issue, most contested first, with columns
        ``rank`` (1, 2, …), ``total_conflict``, ``n_parties`` (selected
        parties with a position), ``pairs`` (pairs compared, n(n − 1)/2),
        ``incompatible_pairs`` (pairs whose acceptable sets do not meet),
        ``max_conflict`` (0 without pairs), ``top_pairs`` (tuple of
        ``(p, q, conflict)`` for the ``top`` pairs of largest conflict > 0)
        and ``drivers`` (the same as text, ``"p–q 0.23; …"``).

    Notes
    -----
    ``total_conflict_i = Σ_{p<q} gap_i(p, q) · (s_p + s_q) / 2`` as in
    :func:`total_conflict`. Ties are broken by the number of incompatible
    pairs (more first), then by the case's order of issues; pairs within an
    issue by conflict (larger first), then the case's order of parties.
    O(m · n² · k + m · n² log n).

    Examples
    --------
    >>> from engine import load_case
    >>> c = contested_issues(load_case("tests/cases/tiny"))
    >>> list(c.index), c.loc["nom", "drivers"]
    (['nom', 'ord', 'num'], 'a–b 0.30')
    """
    arr = case_arrays(case, at, parties)
    rows: list[dict[str, Any]] = []
    for ia in arr.issues:
        m = ia.n_positions
        iu, ju = np.triu_indices(m, k=1)
        c = _conflict(ia)[iu, ju] if m else np.zeros(0)
        compat = _compatible(ia)[iu, ju] if m else np.zeros(0, dtype=bool)
        positive = np.flatnonzero(c > 0)
        order = positive[np.lexsort((ju[positive], iu[positive], -c[positive]))][:top]
        names = ia.holders
        pairs = tuple((names[iu[t]], names[ju[t]], float(c[t])) for t in order)
        rows.append({
            "issue": ia.issue.id,
            "total_conflict": float(c.sum()),
            "n_parties": m,
            "pairs": len(c),
            "incompatible_pairs": int((~compat).sum()),
            "max_conflict": float(c.max()) if c.size else 0.0,
            "top_pairs": pairs,
            "drivers": "; ".join(f"{p}–{q} {v:.2f}" for p, q, v in pairs),
        })  # fmt: skip
    rows.sort(key=lambda r: (-r["total_conflict"], -r["incompatible_pairs"]))  # stable: case order
    df = pd.DataFrame(rows).set_index("issue")
    df.insert(0, "rank", np.arange(1, len(df) + 1))
    return df
