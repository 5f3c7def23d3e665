"""The positions themselves, as readable text and as a tidy table.

:func:`position_table` is the issue × party grid of readable positions,
:func:`position_records` the same positions as data (one row per issue and
party), :func:`describe_position` the one-line text of a position.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from engine.analysis.arrays import Parties
from engine.analysis.docs import fill_doc
from engine.model.case import Case, Issue, OptionSet, Position, Span

__all__ = ["NO_POSITION", "describe_position", "position_records", "position_table"]

#: What a party without a position on an issue reads as.
NO_POSITION = "no position"


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


@fill_doc
def _record(issue: Issue, party: str, pos: Position | None) -> dict[str, Any]:
    """One row of :func:`position_records`."""
    if pos is None:
        return {
            "issue": issue.id, "party": party, "has_position": False, "ideal": None,
            "ideal_label": NO_POSITION, "acceptable": NO_POSITION, "acceptable_ids": (),
            "salience": np.nan, "red_line": False, "requires": "", "confidence": "",
            "as_of": "", "sources": (), "note": "",
        }  # fmt: skip
    acc = pos.acceptable
    ids = (acc.lo, acc.hi) if isinstance(acc, Span) else issue.ordered(acc)
    return {
        "issue": issue.id, "party": party, "has_position": True, "ideal": pos.ideal,
        "ideal_label": issue.label(pos.ideal), "acceptable": issue.describe(acc),
        "acceptable_ids": ids, "salience": float(pos.salience),
        "red_line": bool(pos.red_line),
        "requires": "; ".join(f"{i}: {' '.join(_ids(a))}" for i, a in pos.requires),
        "confidence": pos.confidence,
        "as_of": pos.as_of.isoformat() if pos.as_of else "",
        "sources": tuple(pos.sources), "note": pos.note,
    }  # fmt: skip


@fill_doc
def position_table(case: Case, *, at: Any = None, parties: Parties = None) -> pd.DataFrame:
    """The issue × party table of positions, as readable text.

    Parameters
    ----------
    {case_at}
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
    rows = [_record(issue, p, state.get((p, issue.id))) for issue in case.issues for p in chosen]
    columns = ["issue", "party", "has_position", "ideal", "ideal_label", "acceptable",
               "acceptable_ids", "salience", "red_line", "requires", "confidence", "as_of",
               "sources", "note"]  # fmt: skip
    df = pd.DataFrame(rows, columns=columns)
    return df.astype({"salience": float, "has_position": bool, "red_line": bool})
