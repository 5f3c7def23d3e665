"""Single concessions ranked by how much they lower the total conflict.

:func:`rank_concessions` widens one position at a time by one step
(:func:`_steps`), applies it to a new case with :func:`engine.apply` and
measures the total conflict and agreement zones again.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from engine.analysis.measures import agreement_zones, total_conflict
from engine.model.case import Acceptable, Case, Change, Issue, Outcome, Position, Span, as_date
from engine.solve.programme import _point
from engine.whatif.scenario import apply, scenario_from_changes

__all__ = ["rank_concessions"]

_COLUMNS = [
    "party", "issue", "direction", "added", "added_id", "red_line",
    "conflict_before", "conflict_after", "reduction", "opens_zone", "cost",
]  # fmt: skip


def _steps(issue: Issue, pos: Position, others: Sequence[Position]) -> list[tuple[str, Outcome]]:
    """The one-step widenings of a position: (direction, outcome added)."""
    acc = pos.acceptable
    if isinstance(acc, Span):
        return _interval_steps(acc, others)
    if issue.scale == "nominal":
        return [("add", o) for o in issue.option_ids if o not in acc]
    ids, k = issue.option_ids, issue.index(str(pos.ideal))
    out: list[tuple[str, Outcome]] = []
    j = k
    while j >= 0 and ids[j] in acc:
        j -= 1
    if j >= 0:
        out.append(("lower", ids[j]))
    j = k
    while j < len(ids) and ids[j] in acc:
        j += 1
    if j < len(ids):
        out.append(("higher", ids[j]))
    return out


def _interval_steps(acc: Span, others: Sequence[Position]) -> list[tuple[str, Outcome]]:
    """Down to the nearest other party's interval end below, up to the nearest above."""
    ends = {x for q in others for x in (q.acceptable.lo, q.acceptable.hi)}  # type: ignore[union-attr]
    out: list[tuple[str, Outcome]] = []
    below = [x for x in ends if x < acc.lo]
    above = [x for x in ends if x > acc.hi]
    if below:
        out.append(("lower", max(below)))
    if above:
        out.append(("higher", min(above)))
    return out


def rank_concessions(
    case: Case, *, at: Any = None, parties: Iterable[str] | None = None
) -> pd.DataFrame:
    """Every single one-step concession, ranked by how much it lowers the total conflict.

    A concession is one party widening one of its acceptable sets by one
    step; it is applied with :func:`engine.apply` to a new case (the input is
    never changed) and the total conflict (:func:`engine.analysis.measures.total_conflict`)
    and agreement zones (:func:`engine.analysis.measures.agreement_zones`) recomputed.

    Parameters
    ----------
    case : Case
    at : date or str, optional
        Evaluation date (default: the case's ``as_of``).
    parties : iterable of str, optional
        Party ids to include (default: all): only their positions are
        widened, and conflict and zones are measured among them.

    Returns
    -------
    DataFrame
        One row per concession, best first, indexed by rank (1, 2, …), with
        columns ``party``, ``issue``, ``direction`` (``lower``/``higher``
        along an ordinal or interval scale, ``add`` on nominal scales),
        ``added`` (readable), ``added_id`` (option id or number),
        ``red_line`` (the widened position is a red line),
        ``conflict_before``, ``conflict_after``, ``reduction``
        (before − after), ``opens_zone`` and ``cost``.

    Notes
    -----
    Steps, for a position with ideal e and acceptable set A:

    - **ordinal**: the option just below and the option just above the run
      of consecutive acceptable options that contains the ideal (one row per
      direction). For a contiguous set these are the adjacent options just
      outside it; for a set with holes, the step nearest the ideal fills the
      hole next to the ideal's run first (the party moves outward from its
      ideal one option at a time).
    - **nominal**: each option not yet acceptable, one row each.
    - **interval**: the lower bound moves down to the nearest endpoint of
      another chosen party's acceptable interval below it, the upper bound up
      to the nearest one above it (the next breakpoint). A side with no such
      endpoint has no step: widening there cannot meet any party.

    ``cost`` = s_p,i × dist(added, A): the salience times the distance the
    acceptable set is stretched (``1/(k − 1)`` on ordinal scales; the
    distance to the nearest acceptable option on nominal ones; the length
    added over ``max − min`` on interval ones).

    ``reduction`` = T(before) − T(after), T the total conflict
    ``Σ_i Σ_{p<q} gap_i(p, q) (s_p,i + s_q,i) / 2``. ``opens_zone`` is true
    when the issue's agreement zone among the chosen parties goes from empty
    to non-empty. Ranked by reduction (largest first), then cost (smallest
    first), then the case's party, issue and option order.

    Complexity: one application and one evaluation of the measures per step,
    O(n · m · k) steps for n parties, m issues, k options.

    Examples
    --------
    >>> from engine import load_case
    >>> case = load_case("tests/cases/tiny")
    >>> r = rank_concessions(case)
    >>> r.loc[1, ["party", "issue", "added"]].tolist(), bool(r.loc[1, "opens_zone"])
    (['b', 'nom', 'X'], True)
    >>> bool((r["conflict_after"] <= r["conflict_before"] + 1e-12).all())
    True
    """
    date = case.as_of if at is None else as_date(at, "at")
    chosen = case.resolve_parties(parties)
    state = case.at(date)
    before = float(total_conflict(case, at=date, parties=chosen))
    zones = agreement_zones(case, at=date, parties=chosen)
    sel = set(chosen)
    rows: list[dict[str, Any]] = []
    order: list[tuple[Any, ...]] = []
    issue_pos = {iid: n for n, iid in enumerate(case.issue_ids)}
    party_pos = {pid: n for n, pid in enumerate(case.party_ids)}
    for (pid, iid), pos in state.items():
        if pid not in sel:
            continue
        issue = case.issue(iid)
        others = [q for (p2, i2), q in state.items() if i2 == iid and p2 != pid and p2 in sel]
        for step_no, (direction, added) in enumerate(_steps(issue, pos, others)):
            new = _widened(case, date, pos, _point(issue, added))
            after = float(total_conflict(new, at=date, parties=chosen))
            opens = bool(zones.loc[iid, "empty"]) and not bool(
                agreement_zones(new, at=date, parties=chosen).loc[iid, "empty"]
            )
            reduction = before - after
            cost = pos.salience * issue.distance_to_set(added, pos.acceptable)
            rows.append(
                {
                    "party": pid,
                    "issue": iid,
                    "direction": direction,
                    "added": issue.label(added),
                    "added_id": added,
                    "red_line": pos.red_line,
                    "conflict_before": before,
                    "conflict_after": after,
                    "reduction": reduction,
                    "opens_zone": opens,
                    "cost": cost,
                }
            )
            order.append(
                (-round(reduction, 12), round(cost, 12), party_pos[pid], issue_pos[iid], step_no)
            )
    return _ranked(rows, order)


def _widened(case: Case, date: _dt.date, pos: Position, add: Acceptable) -> Case:
    """A new case where ``pos`` also accepts ``add`` (the input case is unchanged)."""
    pid, iid = pos.party, pos.issue
    change = Change("position", party=pid, issue=iid, add=add, origin=f"rank {pid}:{iid}")
    return apply(case, scenario_from_changes([change], title=f"{pid} widens {iid}"), at=date)


def _ranked(rows: list[dict[str, Any]], order: list[tuple[Any, ...]]) -> pd.DataFrame:
    """The rows sorted by their keys, indexed by rank from 1, with fixed column types."""
    ranked = [rows[k] for k in sorted(range(len(rows)), key=lambda k: order[k])]
    df = pd.DataFrame(ranked, columns=_COLUMNS)
    df.index = pd.RangeIndex(1, len(df) + 1, name="rank")
    return df.astype(
        {
            "red_line": bool,
            "opens_zone": bool,
            "conflict_before": float,
            "conflict_after": float,
            "reduction": float,
            "cost": float,
        }
    )
