"""Logrolls: trades of concessions between two parties that both gain from."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import pandas as pd

from engine.model.case import Case, Position, as_date
from engine.solve.utility import BargainingError, _contains, _dec, _valuation

_LOGROLL_COLUMNS = [
    "i", "outcome_i", "j", "outcome_j", "gain_a", "gain_b", "min_gain",
    "w_a_i", "w_b_i", "w_a_j", "w_b_j", "d_i", "d_j",
]  # fmt: skip


def logrolls(
    case: Case, a: str, b: str, *, at: Any = None, respect_red_lines: bool = True
) -> pd.DataFrame:
    """Trades of concessions: ``a`` gives way on one issue, ``b`` on another.

    Parameters
    ----------
    case : Case
    a, b : str
        The two parties.
    at : date or str, optional
    respect_red_lines : bool
        Leave out a concession that crosses the conceding party's red line.

    Returns
    -------
    DataFrame
        One row per logroll, best first, with columns ``i`` (the issue ``a``
        gives way on), ``outcome_i`` (``b``'s ideal there), ``j`` (the issue
        ``b`` gives way on), ``outcome_j`` (``a``'s ideal), ``gain_a``,
        ``gain_b``, ``min_gain``, the normalised weights ``w_a_i``, ``w_b_i``,
        ``w_a_j``, ``w_b_j`` and the distances between the ideals ``d_i``,
        ``d_j``. ``attrs`` holds ``a``, ``b`` and ``at``.

    Notes
    -----
    With ``w_p,i = s_p,i / Σ_k s_p,k`` (over the issues where ``p`` has a
    position) and ``d_i`` the distance between the two ideals on issue
    ``i``, the trade "``a`` takes ``b``'s ideal on ``i``, ``b`` takes ``a``'s
    ideal on ``j``" is measured against splitting the difference on both
    issues — the 50/50 lottery between the two ideals, worth ``1 − d/2`` to
    each side (the midpoint compromise on an interval scale; on ordinal and
    nominal scales a midpoint option need not exist, hence the lottery)::

        gain_a = (w_a,j · d_j − w_a,i · d_i) / 2
        gain_b = (w_b,i · d_i − w_b,j · d_j) / 2

    **Values.** Where a position gives ``values``, the distances are read
    per party as what it gives up: ``d_a,i = 1 − v_a,i(ideal_b,i)`` and
    ``d_b,i = 1 − v_b,i(ideal_a,i)`` (equal to ``d_i`` without values), and
    ``gain_a = (w_a,j · d_a,j − w_a,i · d_a,i) / 2``,
    ``gain_b = (w_b,i · d_b,i − w_b,j · d_b,j) / 2``; the columns ``d_i`` and
    ``d_j`` then hold ``d_a,i`` (what ``a`` concedes) and ``d_b,j`` (what
    ``b`` concedes).

    A **logroll** is a pair of distinct issues, both parties having positions
    on both, with ``gain_a > 0`` and ``gain_b > 0``. Equivalently
    ``w_a,i / w_a,j < d_j / d_i < w_b,i / w_b,j``: ``a`` cares about ``i``,
    relative to ``j``, less than ``b`` does (its marginal rate of substitution
    is lower). This replaces the cross-party test ``w_a,i < w_b,i`` and
    ``w_a,j > w_b,j``: that test compares the two parties' weights with each
    other, which depends on how many other issues each party has positions
    on, and it neither implies nor is implied by both sides gaining; the
    ratio test is invariant to rescaling either party's saliences and is
    exactly "both gain". The sign tests are exact (rational arithmetic).

    With ``respect_red_lines``, a trade is left out when ``b``'s ideal on
    ``i`` is outside ``a``'s acceptable set and ``a`` holds a red line there,
    or the same for ``b`` on ``j``. Linkage (``requires``) is not evaluated:
    it depends on the rest of the package (the frontier handles it).

    Rows are sorted by ``min_gain`` (larger first), then the sum of the
    gains, then the issues' order. O(m²) for m shared issues.

    Examples
    --------
    >>> from engine import load_case
    >>> lr = logrolls(load_case("tests/cases/tiny"), "a", "b")
    >>> lr[["i", "outcome_i", "j", "outcome_j"]].values.tolist()  # a gives way on num, b on nom
    [['num', 80.0, 'nom', 'x']]
    >>> # w_a: nom 0.4/1.8, num 0.6/1.8; w_b: nom 0.2/1.7, num 0.5/1.7; d_num = 0.6, d_nom = 1
    >>> bool(abs(lr.gain_a.item() - (0.4 * 1 - 0.6 * 0.6) / 1.8 / 2) < 1e-12)
    True
    >>> bool(abs(lr.gain_b.item() - (0.5 * 0.6 - 0.2 * 1) / 1.7 / 2) < 1e-12)
    True
    >>> uk = logrolls(load_case("ukraine-russia"), "ukraine", "russia")
    >>> bool((uk.gain_a > 0).all() and (uk.gain_b > 0).all())
    True
    """
    case.party(a)
    case.party(b)
    if a == b:
        raise BargainingError(f"a logroll needs two different parties; got '{a}' twice")
    date = case.as_of if at is None else as_date(at, "at")
    state = case.at(date)
    weights = {p: _weights(state, p) for p in (a, b)}
    shared = [i for i in case.issue_ids if i in weights[a] and i in weights[b]]
    loss_a: dict[str, Fraction] = {}  # what a gives up taking b's ideal: 1 − v_a(ideal_b)
    loss_b: dict[str, Fraction] = {}
    for iid in shared:
        pa, pb = state[(a, iid)], state[(b, iid)]
        loss_a[iid] = 1 - _valuation(case.issue(iid), pa)(pb.ideal)
        loss_b[iid] = 1 - _valuation(case.issue(iid), pb)(pa.ideal)
    rows = []
    for i, j in itertools.permutations(shared, 2):
        ga = (weights[a][j] * loss_a[j] - weights[a][i] * loss_a[i]) / 2
        gb = (weights[b][i] * loss_b[i] - weights[b][j] * loss_b[j]) / 2
        if ga <= 0 or gb <= 0:
            continue
        pa_i, pb_i, pa_j, pb_j = state[(a, i)], state[(b, i)], state[(a, j)], state[(b, j)]
        if respect_red_lines and (
            (pa_i.red_line and not _contains(pa_i.acceptable, pb_i.ideal))
            or (pb_j.red_line and not _contains(pb_j.acceptable, pa_j.ideal))
        ):
            continue
        key = (-min(ga, gb), -(ga + gb), case.issue_ids.index(i), case.issue_ids.index(j))
        record = {"i": i, "outcome_i": pb_i.ideal, "j": j, "outcome_j": pa_j.ideal}
        dist = {i: loss_a[i], j: loss_b[j]}
        rows.append((key, record | _measures(ga, gb, weights[a], weights[b], dist, i, j)))
    rows.sort(key=lambda r: r[0])
    df = pd.DataFrame([r[1] for r in rows], columns=_LOGROLL_COLUMNS)
    df.index.name = "logroll"
    df.attrs.update(a=a, b=b, at=date.isoformat())
    return df


def _weights(state: Mapping[tuple[str, str], Position], party: str) -> dict[str, Fraction]:
    """w_p,i = s_p,i / Σ_k s_p,k over the issues where the party has a position (exact)."""
    mine = {iid: _dec(pos.salience) for (q, iid), pos in state.items() if q == party}
    total = sum(mine.values(), Fraction(0))
    return {iid: (s / total if total else Fraction(0)) for iid, s in mine.items()}


def _measures(
    ga: Fraction,
    gb: Fraction,
    wa: Mapping[str, Fraction],
    wb: Mapping[str, Fraction],
    dist: Mapping[str, Fraction],
    i: str,
    j: str,
) -> dict[str, Any]:
    """The gains, weights and distances of a logroll, rounded once to float."""
    return {
        "gain_a": float(ga),
        "gain_b": float(gb),
        "min_gain": float(min(ga, gb)),
        "w_a_i": float(wa[i]),
        "w_b_i": float(wb[i]),
        "w_a_j": float(wa[j]),
        "w_b_j": float(wb[j]),
        "d_i": float(dist[i]),
        "d_j": float(dist[j]),
    }
