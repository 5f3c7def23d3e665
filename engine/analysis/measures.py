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
- ``conflict(p, q)`` = ``gap(p, q) · (s_p + s_q) / 2`` — the **issue
  conflict** of the pair on that issue.

Across issues, for a pair (party × party matrices), with
``w_i = (s_p,i + s_q,i) / 2`` and a missing position counting as salience 0:

- **pair conflict** (by stake, the default of :func:`conflict_matrix`) =
  ``Σ_{i shared} w_i · gap_i / Σ_{i stated by p or q} w_i``;
- **pair overlap** (by stake) = ``Σ_{i shared} w_i · overlap_i / Σ_{i stated by p or q} w_i``;
- each factors as **intensity** (the weighted mean over shared issues,
  ``measure="intensity"``) × **coverage** (:func:`coverage_matrix`,
  ``Σ_shared w / Σ_either w``); :func:`shared_issues_matrix` counts the
  shared issues;
- **total conflict** (:func:`total_conflict`) = the sum of the issue
  conflicts over every issue and every pair.

A party with no position on an issue is left out of that issue: its row and
column are NaN, never zero. The stated acceptable set is used: an acceptance
that ``requires`` a settlement on another issue counts as acceptance here
(docs/format.md, "Linkage").

Everything is computed with numpy over party × option arrays
(:mod:`engine.analysis.arrays`), one issue at a time, never pair by pair.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from engine.analysis import kernels
from engine.analysis.arrays import CaseArrays, Parties, case_arrays
from engine.analysis.docs import fill_doc
from engine.analysis.positions import describe_position, position_records, position_table
from engine.analysis.zones import agreement_zones, contested_issues
from engine.model.case import Case
from engine.model.errors import UnknownIdError

__all__ = [
    "MATRIX_KINDS",
    "PAIR_MEASURES",
    "agreement_zones",
    "conflict_matrix",
    "contested_issues",
    "coverage_matrix",
    "describe_position",
    "issue_matrices",
    "overlap_matrix",
    "position_records",
    "position_table",
    "shared_issues_matrix",
    "total_conflict",
]

#: The kinds of per-issue matrices :func:`issue_matrices` computes.
MATRIX_KINDS = ("overlap", "gap", "distance", "conflict", "compatible")

#: How :func:`conflict_matrix` and :func:`overlap_matrix` aggregate over issues:
#: ``"stake"`` (over every issue either party states; the default) or
#: ``"intensity"`` (over the issues both state).
PAIR_MEASURES = ("stake", "intensity")


def _frame(m: np.ndarray, parties: tuple[str, ...]) -> pd.DataFrame:
    index = pd.Index(parties, name="party")
    return pd.DataFrame(m, index=index, columns=pd.Index(parties, name="other"))


@dataclass(frozen=True, eq=False)
class _Totals:
    """One pass over the issues: the aggregate matrices and per-issue total conflict."""

    overlap: np.ndarray  # intensity (weighted mean over shared issues)
    conflict: np.ndarray
    overlap_stake: np.ndarray
    conflict_stake: np.ndarray
    coverage: np.ndarray
    n_shared: np.ndarray
    by_issue: np.ndarray


@dataclass(frozen=True, eq=False)
class _Sums:
    """Σ w·overlap, Σ w·gap and Σ w over the issues each pair shares; Σ w over either's."""

    overlap: np.ndarray
    conflict: np.ndarray
    weight: np.ndarray
    union_weight: np.ndarray
    n_shared: np.ndarray
    shared: np.ndarray
    any_position: np.ndarray
    by_issue: np.ndarray


def _weighted_sums(arr: CaseArrays) -> _Sums:
    """Add up each issue's weighted overlap and gap, and the total conflict per issue."""
    n = len(arr.parties)
    num_o, num_c, den = np.zeros((n, n)), np.zeros((n, n)), np.zeros((n, n))
    union, count = np.zeros((n, n)), np.zeros((n, n), dtype=np.int64)
    shared = np.zeros((n, n), dtype=bool)
    any_position = np.zeros(n, dtype=bool)
    by_issue = np.zeros(len(arr.issues))
    for t, ia in enumerate(arr.issues):
        m = ia.n_positions
        if m == 0:
            continue
        w = kernels.pair_weight(ia.filled or ia)
        union += w  # a placeholder has salience 0: (s_p + 0) / 2 where only p states
        if m < n:  # placeholders for the parties without a position weigh nothing
            both = np.logical_and.outer(ia.has, ia.has)
            w *= both
            shared |= both
            count += both
        else:
            shared[:] = True
            count += 1
        wg = w * kernels.gap(ia.filled or ia)
        num_o += w * kernels.overlap(ia.filled or ia)
        num_c += wg
        den += w
        any_position[ia.rows] = True
        by_issue[t] = wg.sum() / 2.0  # symmetric, zero diagonal: the sum over p < q
    return _Sums(num_o, num_c, den, union, count, shared, any_position, by_issue)


def _weighted_means(sums: _Sums) -> _Totals:
    """The sums divided by the weights (see the matrices' Notes for the NaN rules), read-only."""
    n = len(sums.any_position)

    def ratio(num: np.ndarray, den: np.ndarray, ok: np.ndarray) -> np.ndarray:
        return np.divide(num, den, out=np.full((n, n), np.nan), where=ok)

    ok = sums.shared & (sums.weight > 0)
    # a party that states nothing has no pair measure at all (NaN, never 0)
    stated = (sums.union_weight > 0) & np.logical_and.outer(sums.any_position, sums.any_position)
    overlap = ratio(sums.overlap, sums.weight, ok)
    conflict = ratio(sums.conflict, sums.weight, ok)
    overlap_stake = ratio(sums.overlap, sums.union_weight, stated)
    conflict_stake = ratio(sums.conflict, sums.union_weight, stated)
    coverage = ratio(sums.weight, sums.union_weight, stated)
    n_shared = sums.n_shared.copy()
    diag = np.diag_indices(n)
    one = np.where(sums.any_position, 1.0, np.nan)
    zero = np.where(sums.any_position, 0.0, np.nan)
    overlap[diag] = overlap_stake[diag] = coverage[diag] = one
    conflict[diag] = conflict_stake[diag] = zero
    arrays = (overlap, conflict, overlap_stake, conflict_stake, coverage, n_shared, sums.by_issue)
    for a in arrays:
        a.setflags(write=False)
    return _Totals(*arrays)


def _totals(case: Case, at: Any, parties: Parties) -> tuple[tuple[str, ...], _Totals]:
    """The pair measures (by stake and intensity), cached per (case, date, parties)."""
    arr = case_arrays(case, at, parties)
    key = ("totals", arr.date, arr.parties)
    cached = case._cache.get(key)
    if cached is not None:
        return arr.parties, cached
    result = _weighted_means(_weighted_sums(arr))
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
    kernel = kernels.KERNELS.get(kind)
    if kernel is None:
        raise UnknownIdError("matrix kind", kind, MATRIX_KINDS)
    arr = case_arrays(case, at, parties)
    out = {}
    for ia in arr.issues:
        sub = kernel(ia).astype(float) if ia.n_positions else np.zeros((0, 0))
        out[ia.issue.id] = _frame(kernels.expand(ia, sub), arr.parties)
    return out


def _measure(measure: str) -> str:
    if measure not in PAIR_MEASURES:
        raise UnknownIdError("pair measure", measure, PAIR_MEASURES)
    return measure


@fill_doc
def overlap_matrix(
    case: Case, *, at: Any = None, parties: Parties = None, measure: str = "stake"
) -> pd.DataFrame:
    """Party × party **pair overlap**: of all the two parties care about, the share in common.

    {party_matrix}
    measure : {"stake", "intensity"}
        ``"stake"`` (default): weighted over every issue either party
        states. ``"intensity"``: the weighted mean over the issues both
        state (what this function returned before issue 10).

    Notes
    -----
    {stake_weights}

        stake:      overlap(p, q) = Σ_{i ∈ I_pq} w_i · overlap_i(p, q) / Σ_{i ∈ I_p ∪ I_q} w_i
        intensity:  overlap(p, q) = Σ_{i ∈ I_pq} w_i · overlap_i(p, q) / Σ_{i ∈ I_pq} w_i

    so that stake = intensity × :func:`coverage_matrix`. By stake a party
    that states one issue and agrees on it with a party that states ten does
    not overlap it fully: the nine issues only one of them states count
    against the overlap. Stake is 0 when the two share no issue (or only
    issues both weigh 0) but either states one with a positive salience; NaN
    when neither does, or when one of them states no position at all. Intensity is NaN
    when ``I_pq`` is empty or every ``w_i`` on it is 0 (0/0). The diagonal
    is 1 for a party with at least one position (it overlaps itself fully,
    whatever its saliences), NaN for a party with none.

    One pass over the issues, O(Σ_i cost_i) with the per-issue costs of
    :func:`issue_matrices` (O(m · n² · k) for m issues, n parties, k options)
    and O(n²) memory; the pass computes every pair measure and the total
    conflict together and is cached per (case, date, parties), so the others
    then cost nothing.

    Examples
    --------
    >>> from engine import load_case
    >>> tiny = load_case("tests/cases/tiny")
    >>> # a and c share "ord" (w = (0.8+0.3)/2, overlap 2/4) and "num" (w = (0.6+0.2)/2,
    >>> # overlap 0); a alone states "nom" (w = (0.4+0)/2)
    >>> m = overlap_matrix(tiny, measure="intensity")
    >>> abs(float(m.loc["a", "c"]) - (0.55 * 0.5 + 0.4 * 0) / (0.55 + 0.4)) < 1e-12
    True
    >>> m = overlap_matrix(tiny)
    >>> abs(float(m.loc["a", "c"]) - (0.55 * 0.5 + 0.4 * 0) / (0.55 + 0.4 + 0.2)) < 1e-12
    True
    >>> float(m.loc["a", "a"])
    1.0

    On the shipped case, symmetric, and 1 on the diagonal:

    >>> m = overlap_matrix(load_case("ukraine-russia"))
    >>> m.equals(m.T) and bool((m.to_numpy().diagonal() == 1).all())
    True
    """
    stake = _measure(measure) == "stake"
    chosen, totals = _totals(case, at, parties)
    return _frame((totals.overlap_stake if stake else totals.overlap).copy(), chosen)


@fill_doc
def conflict_matrix(
    case: Case, *, at: Any = None, parties: Parties = None, measure: str = "stake"
) -> pd.DataFrame:
    """Party × party **pair conflict**: of all the two parties care about, the share in conflict.

    {party_matrix}
    measure : {"stake", "intensity"}
        ``"stake"`` (default): weighted over every issue either party
        states. ``"intensity"``: the weighted mean gap over the issues both
        state (what this function returned before issue 10).

    Notes
    -----
    {stake_weights}

        stake:      conflict(p, q) = Σ_{i ∈ I_pq} w_i · gap_i(p, q) / Σ_{i ∈ I_p ∪ I_q} w_i
        intensity:  conflict(p, q) = Σ_{i ∈ I_pq} w_i · gap_i(p, q) / Σ_{i ∈ I_pq} w_i

    The numerator is the sum of the pair's **issue conflicts**
    ``gap_i · (s_p,i + s_q,i) / 2``; stake = intensity ×
    :func:`coverage_matrix`. Salience does not cancel out of the stake: a
    pair that disagrees on the few issues both state, while each cares about
    many issues the other ignores, has a low pair conflict — so a mediator
    stating three low-salience positions cannot outrank the belligerents.
    Stake is 0 when the two share no issue with a positive weight but either
    states one with a positive salience; NaN when neither does, or when one
    of them states no position at all. Intensity is
    NaN when ``I_pq`` is empty or every ``w_i`` on it is 0. The diagonal is 0
    for a party with at least one position, NaN for one with none.

    O(m · n² · k) time for m issues, n parties, k options, O(n²) memory; one
    cached pass shared with :func:`overlap_matrix`, :func:`coverage_matrix`,
    :func:`shared_issues_matrix` and :func:`total_conflict`.

    Examples
    --------
    >>> from engine import load_case
    >>> tiny = load_case("tests/cases/tiny")
    >>> # a and b: gaps 1/4 on "ord" (w 0.9), 1 on "nom" (w 0.3), 0 on "num" (w 0.55)
    >>> m = conflict_matrix(tiny)
    >>> abs(float(m.loc["a", "b"]) - (0.9 * 0.25 + 0.3 * 1 + 0.55 * 0) / 1.75) < 1e-12
    True
    >>> # a and c: gap 1/10 on "num" (w 0.4), 0 on "ord" (w 0.55); a alone states "nom" (w 0.2)
    >>> abs(float(m.loc["a", "c"]) - (0.4 * 0.1) / (0.55 + 0.4 + 0.2)) < 1e-12
    True
    >>> i = conflict_matrix(tiny, measure="intensity")
    >>> abs(float(i.loc["a", "c"]) - (0.4 * 0.1) / (0.55 + 0.4)) < 1e-12
    True
    """
    stake = _measure(measure) == "stake"
    chosen, totals = _totals(case, at, parties)
    return _frame((totals.conflict_stake if stake else totals.conflict).copy(), chosen)


@fill_doc
def coverage_matrix(case: Case, *, at: Any = None, parties: Parties = None) -> pd.DataFrame:
    """Party × party **coverage**: the share of the pair's stake on issues both state.

    {party_matrix}

    Notes
    -----
    {stake_weights}

        coverage(p, q) = Σ_{i ∈ I_pq} w_i / Σ_{i ∈ I_p ∪ I_q} w_i

    1 when the two state positions on the same issues; 0 when they share
    none; NaN when neither states an issue with a positive salience, or when
    one of them states no position at all. Pair
    conflict and pair overlap by stake are their intensity times this. The
    diagonal is 1 for a party with at least one position, NaN otherwise.
    One cached pass shared with :func:`conflict_matrix`.

    Examples
    --------
    >>> from engine import load_case
    >>> m = coverage_matrix(load_case("tests/cases/tiny"))
    >>> # a and c share "ord" (w 0.55) and "num" (w 0.4); a alone states "nom" (w 0.4/2)
    >>> abs(float(m.loc["a", "c"]) - (0.55 + 0.4) / (0.55 + 0.4 + 0.2)) < 1e-12
    True
    >>> float(m.loc["a", "b"])   # a and b both state all three issues
    1.0
    """
    chosen, totals = _totals(case, at, parties)
    return _frame(totals.coverage.copy(), chosen)


@fill_doc
def shared_issues_matrix(case: Case, *, at: Any = None, parties: Parties = None) -> pd.DataFrame:
    """Party × party: the number of issues on which both parties state a position.

    {parameters_case_at_parties}

    Returns
    -------
    DataFrame of int
        Indexed by party ids (rows ``party``, columns ``other``), in the
        case's order. The diagonal is the number of issues the party states.

    Notes
    -----
    ``n(p, q) = |I_p ∩ I_q|``, with ``I_p`` the issues on which ``p`` has a
    position on the date. It counts issues whatever their saliences (a
    shared issue both weigh 0 counts here, and adds nothing to
    :func:`coverage_matrix`). One cached pass shared with
    :func:`conflict_matrix`.

    Examples
    --------
    >>> from engine import load_case
    >>> shared_issues_matrix(load_case("tests/cases/tiny")).to_numpy().tolist()
    [[3, 3, 2], [3, 3, 2], [2, 2, 2]]
    """
    chosen, totals = _totals(case, at, parties)
    index = pd.Index(chosen, name="party")
    return pd.DataFrame(
        totals.n_shared.astype(int), index=index, columns=pd.Index(chosen, name="other")
    )


@fill_doc
def total_conflict(
    case: Case, *, at: Any = None, parties: Parties = None, by_issue: bool = False
) -> float | pd.Series:
    """**Total conflict**: the sum of the issue conflicts of every pair of parties on every issue.

    {parameters_case_at_parties}
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
    a sum, not a mean: it grows with the number of parties, issues and
    positions stated, so it compares two analyses only over the same
    parties and issues with the same positions stated; to compare dates,
    use the pair conflict (:func:`conflict_matrix`) of chosen parties.
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
