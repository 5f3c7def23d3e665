"""The case over time: conflict, agreement zones and position changes per snapshot.

The snapshots are :meth:`Case.snapshot_dates` — the named ``snapshots`` of
``case.yaml``, else one per statement date. At each snapshot the case is
evaluated as on that date (each party's latest statement on or before it).
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd

from engine.analysis import kernels
from engine.analysis.arrays import Parties, case_arrays
from engine.analysis.docs import fill_doc
from engine.analysis.measures import conflict_matrix, overlap_matrix, total_conflict
from engine.analysis.positions import describe_position
from engine.analysis.zones import zone_row
from engine.model.case import Acceptable, Case, Position, Span

__all__ = ["CHANGE_KINDS", "issue_timeline", "position_changes", "timeline"]

#: The kinds of change :func:`position_changes` reports.
CHANGE_KINDS = ("new", "withdrawn", "softened", "hardened", "moved", "other")


def _default_pair(case: Case, chosen: tuple[str, ...]) -> tuple[str, str] | None:
    """The first two selected belligerents, else the first two selected parties."""
    fighting = [p for p in chosen if case.party(p).role == "belligerent"]
    pick = fighting if len(fighting) >= 2 else list(chosen)
    return (pick[0], pick[1]) if len(pick) >= 2 else None


@fill_doc
def timeline(
    case: Case, *, parties: Parties = None, pair: tuple[str, str] | None = None
) -> pd.DataFrame:
    """One row per snapshot: a comparable pair conflict, the share of open zones, who is silent.

    {parameters_case_parties}
    pair : (str, str), optional
        The two parties whose pair conflict is followed (default: the first
        two selected parties with role ``belligerent``, else the first two
        selected parties). Stored in ``result.attrs["pair"]`` (None when
        fewer than two parties are selected).

    Returns
    -------
    DataFrame
        Indexed by snapshot id (``snapshot``), in date order, with columns
        ``date`` (datetime64), ``label``, ``pair_conflict``,
        ``open_zone_share``, ``without_position`` (comma-separated ids of
        the selected parties with no position at all on that date; "" when
        every one has some), ``total_conflict``, ``issues_with_positions``
        (issues on which at least one selected party has a position),
        ``issues_compared`` (at least two), ``open_zones`` (issues compared
        whose agreement zone is not empty) and ``mean_overlap``.

    Notes
    -----
    At snapshot date D:

    - pair_conflict = the **pair conflict** by stake of ``pair``
      (:func:`~engine.analysis.measures.conflict_matrix`):
      Σ_{i shared} w_i · gap_i / Σ_{i stated by either} w_i — a share in
      [0, 1], comparable between dates however many positions are stated;
    - open_zone_share = open_zones / issues_compared (NaN when no issue is
      compared), with open_zones = |{i : n_i ≥ 2 and ∩_p A_p,i ≠ ∅}|;
    - total_conflict = the **total conflict** Σ_i Σ_{p<q} gap_i(p, q) ·
      (s_p + s_q)/2 (:func:`~engine.analysis.measures.total_conflict`): a
      sum, which grows with the number of positions stated — compare it
      between dates only when ``without_position`` and the issues compared
      are the same;
    - mean_overlap = mean over unordered pairs {p, q} of the pair overlaps by
      stake (:func:`~engine.analysis.measures.overlap_matrix`) that are
      defined (NaN when none is).

    O(T · m · n² · k) for T snapshots.

    Examples
    --------
    >>> from engine import load_case
    >>> t = timeline(load_case("tests/cases/tiny"))
    >>> list(t.index), t["open_zones"].tolist(), t.attrs["pair"]
    (['early', 'late'], [0, 0], ('a', 'b'))
    >>> t["without_position"].tolist()
    ['', '']
    """
    chosen = case.resolve_parties(parties)
    if pair is None:
        pair = _default_pair(case, chosen)
    else:
        pair = (str(pair[0]), str(pair[1]))
        for p in pair:
            case.party(p)  # an unknown id raises UnknownIdError
    rows = []
    for snap in case.snapshot_dates():
        arr = case_arrays(case, snap.date, parties)
        n = len(arr.parties)
        counts = np.array([ia.n_positions for ia in arr.issues], dtype=int)
        compared = [ia for ia in arr.issues if ia.n_positions >= 2]
        iu = np.triu_indices(n, k=1)
        total = total_conflict(case, at=snap.date, parties=parties)
        ov = overlap_matrix(case, at=snap.date, parties=parties).to_numpy()[iu]
        ov = ov[~np.isnan(ov)]
        has = np.zeros(n, dtype=bool)
        for ia in arr.issues:
            has |= ia.has
        pc = float("nan")
        if pair is not None:
            pc = float(conflict_matrix(case, at=snap.date, parties=pair).loc[pair[0], pair[1]])
        opened = sum(not zone_row(ia)["empty"] for ia in compared)
        rows.append({
            "snapshot": snap.id,
            "date": pd.Timestamp(snap.date),
            "label": snap.label or snap.id,
            "pair_conflict": pc,
            "open_zone_share": opened / len(compared) if compared else float("nan"),
            "without_position": ",".join(p for p, h in zip(arr.parties, has, strict=True) if not h),
            "total_conflict": total,
            "issues_with_positions": int((counts >= 1).sum()),
            "issues_compared": len(compared),
            "open_zones": opened,
            "mean_overlap": float(ov.mean()) if ov.size else float("nan"),
        })  # fmt: skip
    columns = ["date", "label", "pair_conflict", "open_zone_share", "without_position",
               "total_conflict", "issues_with_positions", "issues_compared", "open_zones",
               "mean_overlap"]  # fmt: skip
    df = pd.DataFrame(rows, columns=["snapshot", *columns]).set_index("snapshot")
    types = {"pair_conflict": float, "open_zone_share": float, "without_position": str,
             "total_conflict": float, "issues_with_positions": int, "issues_compared": int,
             "open_zones": int, "mean_overlap": float}  # fmt: skip
    df = df.astype(types)
    df.attrs["pair"] = pair
    return df


@fill_doc
def issue_timeline(case: Case, *, parties: Parties = None) -> pd.DataFrame:
    """Snapshot × issue: total conflict and whether the agreement zone is empty.

    {parameters_case_parties}

    Returns
    -------
    DataFrame
        Tidy, indexed by (``snapshot``, ``issue``) in date order then the
        case's order of issues, with columns ``date``, ``n_parties``,
        ``total_conflict``, ``incompatible_pairs`` and ``zone_empty`` (bool;
        False with fewer than two positions). ``.unstack("issue")`` gives the
        snapshot × issue grid.

    Notes
    -----
    total_conflict_i = Σ_{p<q} gap_i(p, q) · (s_p + s_q)/2; zone_empty ⇔
    ∩_p A_p,i = ∅ (see :func:`~engine.analysis.measures.agreement_zones`).
    O(T · m · n² · k).

    Examples
    --------
    >>> from engine import load_case
    >>> t = issue_timeline(load_case("tests/cases/tiny"))
    >>> round(float(t.loc[("late", "ord"), "total_conflict"]), 12)   # gap 1/4 · (0.8 + 1.0)/2
    0.225
    """
    rows = []
    for snap in case.snapshot_dates():
        arr = case_arrays(case, snap.date, parties)
        for ia in arr.issues:
            _, _, conflict, compat = kernels.upper_pairs(ia)
            rows.append({
                "snapshot": snap.id,
                "issue": ia.issue.id,
                "date": pd.Timestamp(snap.date),
                "n_parties": ia.n_positions,
                "total_conflict": float(conflict.sum()),
                "incompatible_pairs": int((~compat).sum()),
                "zone_empty": bool(zone_row(ia)["empty"]),
            })  # fmt: skip
    columns = [
        "snapshot",
        "issue",
        "date",
        "n_parties",
        "total_conflict",
        "incompatible_pairs",
        "zone_empty",
    ]
    df = pd.DataFrame(rows, columns=columns).set_index(["snapshot", "issue"])
    return df.astype(
        {"n_parties": int, "total_conflict": float, "incompatible_pairs": int, "zone_empty": bool}
    )


# ------------------------------------------------------------ position changes


def _set_direction(a: Acceptable, b: Acceptable) -> int | None:
    """+1 when b strictly contains a, -1 when strictly inside it, 0 equal, None otherwise."""
    if isinstance(a, Span) and isinstance(b, Span):
        a_in_b = b.lo <= a.lo and a.hi <= b.hi
        b_in_a = a.lo <= b.lo and b.hi <= a.hi
    else:
        sa, sb = frozenset(getattr(a, "ids", ())), frozenset(getattr(b, "ids", ()))
        a_in_b, b_in_a = sa <= sb, sb <= sa
    if a_in_b and b_in_a:
        return 0
    if a_in_b:
        return 1
    if b_in_a:
        return -1
    return None


_FIELDS = ("ideal", "acceptable", "red_line", "salience", "requires")


def _change_kind(before: Position, after: Position) -> tuple[str, tuple[str, ...]] | None:
    changed = tuple(f for f in _FIELDS if getattr(before, f) != getattr(after, f))
    if not changed:
        return None
    set_dir = _set_direction(before.acceptable, after.acceptable)
    if set_dir is None:
        return "moved", changed
    red_dir = int(before.red_line) - int(after.red_line)  # +1 dropped (softer), -1 added
    signs = {set_dir, red_dir} - {0}
    if signs == {1}:
        return "softened", changed
    if signs == {-1}:
        return "hardened", changed
    if signs:  # one softer, the other harder
        return "moved", changed
    if "ideal" in changed:
        return "moved", changed
    return "other", changed


@fill_doc
def position_changes(case: Case, *, parties: Parties = None) -> pd.DataFrame:
    """Who changed what between consecutive snapshots.

    {parameters_case_parties}

    Returns
    -------
    DataFrame
        One row per party, issue and pair of consecutive snapshots between
        which the position changed, ordered by snapshot, then the case's
        order of parties, then issues. Columns: ``party``, ``issue``,
        ``from_snapshot``, ``to_snapshot``, ``from_date``, ``to_date``,
        ``kind`` (see Notes), ``changed`` (space-joined fields among
        ``ideal acceptable red_line salience requires``; empty for ``new`` and
        ``withdrawn``), ``before`` and
        ``after`` (:func:`~engine.analysis.measures.describe_position`, ``"no
        position"``), ``salience_before`` and ``salience_after`` (NaN without
        a position).

    Notes
    -----
    With A, r the acceptable set and red-line flag before, and B, r' after
    (a position counts as changed when any of ideal, acceptable, red_line,
    salience, requires differs; a new statement restating the same position
    from new sources is not a change):

    - ``new``: no position before, one after;
    - ``withdrawn``: a position before, none after;
    - ``softened``: A ⊊ B and the red line not added, or the red line
      dropped (r and not r') and A ⊆ B;
    - ``hardened``: B ⊊ A and the red line not dropped, or the red line
      added and B ⊆ A;
    - ``moved``: otherwise when the set changed in a way that is neither
      (A and B not nested, or the set grew while a red line was added, or
      shrank while one was dropped), or when only the ideal moved (A = B,
      r = r') — whether or not salience or linkage changed too;
    - ``other``: only the salience and/or the linkage (``requires``)
      changed.

    A softened or hardened position may also have moved its ideal: see
    ``changed``. Interval sets nest as intervals (B ⊇ A ⇔ B.lo ≤ A.lo and
    A.hi ≤ B.hi). Positions already held at the first snapshot are not
    listed. O(T · n · m).

    Examples
    --------
    >>> from engine import load_case
    >>> ch = position_changes(load_case("tests/cases/tiny"))
    >>> ch[["party", "issue", "kind", "changed"]].values.tolist()
    [['a', 'ord', 'softened', 'acceptable requires']]
    """
    chosen = case.resolve_parties(parties)
    snaps = case.snapshot_dates()
    rows: list[dict[str, Any]] = []
    for s0, s1 in itertools.pairwise(snaps):
        before_state, after_state = case.at(s0.date), case.at(s1.date)
        for p in chosen:
            for issue in case.issues:
                b = before_state.get((p, issue.id))
                a = after_state.get((p, issue.id))
                if b is None and a is None:
                    continue
                changed: tuple[str, ...] = ()
                if b is None:
                    kind = "new"
                elif a is None:
                    kind = "withdrawn"
                else:
                    res = _change_kind(b, a)
                    if res is None:
                        continue
                    kind, changed = res
                rows.append({
                    "party": p, "issue": issue.id,
                    "from_snapshot": s0.id, "to_snapshot": s1.id,
                    "from_date": pd.Timestamp(s0.date), "to_date": pd.Timestamp(s1.date),
                    "kind": kind, "changed": " ".join(changed),
                    "before": describe_position(issue, b), "after": describe_position(issue, a),
                    "salience_before": float("nan") if b is None else float(b.salience),
                    "salience_after": float("nan") if a is None else float(a.salience),
                })  # fmt: skip
    columns = ["party", "issue", "from_snapshot", "to_snapshot", "from_date", "to_date", "kind",
               "changed", "before", "after", "salience_before", "salience_after"]  # fmt: skip
    df = pd.DataFrame(rows, columns=columns)
    return df.astype({"salience_before": float, "salience_after": float})
