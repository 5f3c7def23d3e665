"""The most disputed units of several codings: how far the coders differ on each.

A unit is a position in force (party × issue on a date, see
:mod:`engine.agreement.codings`); its *disagreement* is the mean, over the
core variables, of the mean normalized difference between every pair of
coders who coded it. :func:`engine.agreement.compare.agreement` reports it.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from engine.agreement.alpha import masi_distance, span_masi_distance
from engine.agreement.codings import value_of
from engine.model.case import CONFIDENCES, Case, Issue, Position

__all__ = ["CORE", "Unit", "dispute_heat", "disputes"]

#: Variables that make up a unit's disagreement score (confidence is about sources).
CORE = ("ideal", "acceptable", "salience", "red_line")

#: A coding unit: (date, party, issue, [position or None per coder]).
Unit = tuple[_dt.date, str, str, list[Position | None]]


def _distance(issue: Issue, variable: str, a: Any, b: Any) -> float:
    """A normalized difference in [0, 1] between two values of one unit."""
    if variable == "ideal":
        return issue.distance(a, b)
    if variable == "acceptable":
        if issue.is_interval:
            return span_masi_distance(a, b, issue.width / 100)
        return masi_distance(set(a), set(b))
    if variable == "salience":
        return abs(float(a) - float(b))
    if variable == "red_line":
        return float(a != b)
    return abs(CONFIDENCES.index(a) - CONFIDENCES.index(b)) / (len(CONFIDENCES) - 1)


def disputes(
    case: Case, units: Sequence[Unit], coders: Sequence[str], reference: dict[Any, Any]
) -> pd.DataFrame:
    """One row per unit, most disputed first, with the variables and coders that differ.

    Notes
    -----
    disagreement(u) = mean over v in CORE (coded by ≥ 2) of the mean over coder
    pairs of δ_v(a, b) in [0, 1]: the issue distance for the ideal, MASI for
    the acceptable set, ``|a − b|`` for salience, 0/1 for the red line.
    """
    rows = []
    for d, p, i, got in units:
        issue = case.issue(i)
        coded = [r for r, g in enumerate(got) if g is not None]
        scores, differ_vars, differs = [], [], []
        for var in CORE:
            vals = [value_of(issue, got[r], var) for r in coded]
            if len(vals) >= 2:
                pairs = [
                    _distance(issue, var, a, b) for x, a in enumerate(vals) for b in vals[x + 1 :]
                ]
                scores.append(float(np.mean(pairs)))
            if len(set(vals)) > 1:
                differ_vars.append(var)
                ref = reference.get((d, p, i))
                target = None if ref is None else ref.get(var)
                who = [
                    f"{coders[r]} ({_show(issue, v)})"
                    for r, v in zip(coded, vals, strict=True)
                    if target is None or v != target
                ]
                differs.append(f"{var}: {', '.join(who)}")
        score = float(np.mean(scores)) if scores else float("nan")
        rows.append(
            (d.isoformat(), p, i, len(coded), score, ", ".join(differ_vars), "; ".join(differs))
        )
    df = pd.DataFrame(
        rows,
        columns=["date", "party", "issue", "coded", "disagreement", "variables", "differs"],
    )
    order = {p: n for n, p in enumerate(case.party_ids)}
    iorder = {i: n for n, i in enumerate(case.issue_ids)}
    df["_p"], df["_i"] = df["party"].map(order), df["issue"].map(iorder)
    df = df.sort_values(
        ["disagreement", "date", "_p", "_i"],
        ascending=[False, True, True, True],
        na_position="last",
        kind="mergesort",
    )
    return df.drop(columns=["_p", "_i"]).reset_index(drop=True)


def _show(issue: Issue, v: Any) -> str:
    if isinstance(v, tuple):
        if issue.is_interval:
            return f"{v[0]:g}..{v[1]:g}"
        return "|".join(v)
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def dispute_heat(case: Case, disputed: pd.DataFrame) -> pd.DataFrame:
    """Party × issue agreement ``1 − disagreement``, averaged over the dates (NaN: no unit)."""
    return (
        disputed.assign(agreement=1 - disputed["disagreement"])
        .pivot_table(index="party", columns="issue", values="agreement", aggfunc="mean")
        .reindex(index=list(case.party_ids), columns=list(case.issue_ids))
    )
