"""Agreement zones, the parties that block them, and the most contested issues.

For the parties P with a position on an issue and their acceptable sets
``A_p``, the agreement zone is ``Z = ∩_{p ∈ P} A_p``; a blocking set is a set
of parties whose removal makes an empty zone non-empty. The stated acceptable
sets are used: an acceptance that ``requires`` a settlement on another issue
counts as acceptance here (docs/format.md, "Linkage"). Contested issues rank
the issues by total conflict (:mod:`engine.analysis.measures`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from engine.analysis import kernels
from engine.analysis.arrays import IssueArrays, Parties, case_arrays
from engine.analysis.docs import fill_doc
from engine.model.case import Case, OptionSet, Span

__all__ = ["ZONE_COLUMNS", "agreement_zones", "contested_issues", "zone_row"]

#: The columns of :func:`agreement_zones`.
ZONE_COLUMNS = ("scale", "n_parties", "parties", "zone", "zone_ids", "empty", "blocker_size",
                "blockers")  # fmt: skip


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


def _interval_zone(ia: IssueArrays) -> tuple[tuple[float, float] | None, np.ndarray]:
    """The zone ``(lo, hi)`` of an interval issue (None when empty), and who rejects what.

    The second array is ``not_accept[c, j]``: the j-th holder does not accept
    candidate ``c``, an endpoint of some acceptable interval.
    """
    issue = ia.issue
    assert ia.lo is not None and ia.hi is not None
    assert issue.min is not None and issue.max is not None
    present = ia.holders
    lo = float(ia.lo.max()) if present else float(issue.min)
    hi = float(ia.hi.min()) if present else float(issue.max)
    cand = np.concatenate([ia.lo, ia.hi])
    not_accept = (cand[:, None] < ia.lo[None, :]) | (cand[:, None] > ia.hi[None, :])
    return (None if lo > hi else (lo, hi)), not_accept


def _zone_fields(ia: IssueArrays) -> tuple[dict[str, Any], np.ndarray]:
    """``zone``, ``zone_ids`` and ``empty`` of one issue, and the rejections of its candidates."""
    issue = ia.issue
    if ia.is_interval:
        span, not_accept = _interval_zone(ia)
        if span is None:
            return {"zone": "(empty)", "zone_ids": (), "empty": True}, not_accept
        return {"zone": issue.describe(Span(*span)), "zone_ids": span, "empty": False}, not_accept
    assert ia.accept is not None
    zone = np.asarray(ia.accept.all(axis=0))  # all() over no parties: True, the whole scale
    empty = not zone.any()
    ids = tuple(issue.option_ids[j] for j in np.flatnonzero(zone))
    text = "(empty)" if empty else issue.describe(OptionSet(frozenset(ids)))
    return {"zone": text, "zone_ids": ids, "empty": bool(empty)}, ~ia.accept.T


def zone_row(ia: IssueArrays) -> dict[str, Any]:
    """One row of :func:`agreement_zones`: the zone of one issue and its blockers."""
    issue = ia.issue
    present = ia.holders
    row: dict[str, Any] = {"scale": issue.scale, "n_parties": len(present), "parties": present}
    fields, not_accept = _zone_fields(ia)
    row.update(fields)
    blockers = _blockers(not_accept, ia) if row["empty"] else ()
    row["blocker_size"] = len(blockers[0]) if blockers else 0
    row["blockers"] = blockers
    return row


@fill_doc
def agreement_zones(case: Case, *, at: Any = None, parties: Parties = None) -> pd.DataFrame:
    """The agreement zone of each issue and the smallest sets of parties blocking it.

    {parameters_case_at_parties}

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
    rows = [zone_row(ia) for ia in arr.issues]
    index = pd.Index([ia.issue.id for ia in arr.issues], name="issue")
    df = pd.DataFrame(rows, index=index, columns=list(ZONE_COLUMNS))
    return df.astype({"n_parties": int, "empty": bool, "blocker_size": int})


# --------------------------------------------------------- contested issues


@fill_doc
def contested_issues(
    case: Case, *, at: Any = None, parties: Parties = None, top: int = 3
) -> pd.DataFrame:
    """Issues ranked by total conflict, with the pairs that drive it.

    {parameters_case_at_parties}
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
        iu, ju, c, compat = kernels.upper_pairs(ia)
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
