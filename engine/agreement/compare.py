"""Agreement between codings: Krippendorff's α per variable, coders against the key, disputes.

Levels of measurement
---------------------
- **ideal** — each issue at its own level: ordinal issues at the ordinal
  level, nominal at the nominal, interval at the interval. An option of one
  issue cannot be compared with an option of another, so the α reported for
  ``ideal`` (and for ``ideal.ordinal``, ``ideal.nominal``, ``ideal.interval``,
  the issues of one level) is *stratified by issue*: observed disagreement
  summed over every unit, chance disagreement computed within each issue
  (see :func:`engine.agreement.alpha.reliability_alpha`), with zopa's own
  scale distance as the difference, ``δ² = d(a, b)²`` — ``|rank a − rank b|
  / (k − 1)`` on ordinal issues, 0 or 1 on nominal ones (or the issue's
  distance table), ``|a − b| / (max − min)`` on interval issues — so every
  issue's differences lie in [0, 1] and one issue does not outweigh another
  by its unit. Per issue, ``by_issue`` gives Krippendorff's α at the issue's
  own level from the ``krippendorff`` package (ordinal: his rank metric).
- **acceptable** — sets, compared with the MASI distance (Passonneau 2006)
  used as δ², as Passonneau and NLTK do; on interval issues the ranges are
  compared with the same formula on lengths (see
  :func:`engine.agreement.alpha.span_masi_distance`); stratified by issue.
- **salience** — interval: the salience rubric gives numbers whose
  differences mean something (0.9 vs 0.5 is a bigger disagreement than 0.6
  vs 0.5), and zopa multiplies by them (concession cost = salience ×
  distance); an ordinal α would throw away the magnitudes the analyses use.
- **red_line** — nominal (yes/no).
- **confidence** — ordinal: official < reported < inferred.

Where the ``krippendorff`` package computes the α (salience, red line,
confidence, and ``by_issue``), it gives the point estimate, always called
with ``level_of_measurement`` explicitly; bootstrap intervals come from
:func:`engine.agreement.alpha.alpha_estimate` (the tests check the two agree).
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from engine.agreement.alpha import (
    AlphaEstimate,
    alpha_estimate,
    masi_distance,
    span_masi_distance,
)
from engine.agreement.codings import (
    VARIABLES,
    _grid,
    coder_names,
    load_codings,
    unit_dates,
    value_of,
)
from engine.agreement.consensus import consensus_values, key_index
from engine.agreement.disputes import Unit, dispute_heat, disputes
from engine.model.case import CONFIDENCES, SCALES, Case, Issue, Position
from engine.model.errors import UnknownIdError, ZopaError

__all__ = [
    "MEASURES",
    "Agreement",
    "agreement",
    "coder_agreement",
    "confusion_table",
    "krippendorff_alpha",
    "reading",
]

#: The α reported, in order: each variable, and ideal for each level.
MEASURES = (
    "ideal",
    "ideal.ordinal",
    "ideal.nominal",
    "ideal.interval",
    "acceptable",
    "salience",
    "red_line",
    "confidence",
)


def reading(alpha: float | None) -> str:
    """Krippendorff's guidance for an α, in plain words.

    Examples
    --------
    >>> reading(0.85), reading(0.7), reading(0.4)
    ('reliable', 'tentative conclusions only', 'unreliable')
    """
    if alpha is None:
        return "undefined"
    if alpha >= 0.8:
        return "reliable"
    if alpha >= 0.667:
        return "tentative conclusions only"
    return "unreliable"


# ------------------------------------------------------------------ matrices


def _level_of(variable: str) -> str:
    return {"salience": "interval", "red_line": "nominal", "confidence": "ordinal"}[variable]


def _diff(issues: Mapping[str, Issue], variable: str) -> Any:
    """The δ² between two (issue, value) pairs of one issue."""
    if variable == "ideal":

        def ideal_diff(a: tuple[str, Any], b: tuple[str, Any]) -> float:
            return issues[a[0]].distance(a[1], b[1]) ** 2

        return ideal_diff

    def set_diff(a: tuple[str, Any], b: tuple[str, Any]) -> float:
        issue = issues[a[0]]
        if issue.is_interval:
            return span_masi_distance(a[1], b[1], issue.width / 100)
        return masi_distance(set(a[1]), set(b[1]))

    return set_diff


def _data(
    case: Case, units: Sequence[Unit], variable: str, rows: Sequence[int]
) -> tuple[list[list[Any]], list[str]]:
    """Reliability data (chosen coders × units) and the issue of each unit."""
    data = []
    for r in rows:
        row = []
        for _, _, i, got in units:
            v = value_of(case.issue(i), got[r], variable)
            row.append(None if v is None else (i, v) if variable in ("ideal", "acceptable") else v)
        data.append(row)
    return data, [u[2] for u in units]


def _package_alpha(data: list[list[Any]], level: str, order: Sequence[Any] | None) -> float | None:
    """Krippendorff's α from the ``krippendorff`` package (level always explicit)."""
    import krippendorff

    if level == "interval":
        domain = None
        matrix = [[np.nan if v is None else float(v) for v in row] for row in data]
    else:
        values = (
            list(order)
            if order is not None
            else sorted({v for r in data for v in r if v is not None}, key=repr)
        )
        code = {v: i for i, v in enumerate(values)}
        matrix = [[np.nan if v is None else float(code[v]) for v in row] for row in data]
        domain = list(range(len(values)))
    try:
        a = krippendorff.alpha(
            reliability_data=np.array(matrix, dtype=float),
            value_domain=domain,
            level_of_measurement=level,  # type: ignore[arg-type]
        )
    except ValueError:  # one value in the domain: no variation
        return None
    a = float(a)
    return None if math.isnan(a) else a


def _estimate(
    case: Case,
    units: Sequence[Unit],
    measure: str,
    rows: Sequence[int],
    draws: int,
    seed: int,
    confidence: float = 0.95,
) -> AlphaEstimate:
    variable, _, level = measure.partition(".")
    if level:
        units = [u for u in units if case.issue(u[2]).scale == level]
    issues = {i.id: i for i in case.issues}
    data, strata = _data(case, units, variable, rows)
    if variable in ("ideal", "acceptable"):
        name = "issue scale distance²" if variable == "ideal" else "MASI"
        return alpha_estimate(
            data,
            _diff(issues, variable),
            strata=strata,
            draws=draws,
            seed=seed,
            confidence=confidence,
            name=name,
        )
    lvl = _level_of(variable)
    order = list(CONFIDENCES) if variable == "confidence" else None
    est = alpha_estimate(data, lvl, order=order, draws=draws, seed=seed, confidence=confidence)
    if est.value is None:
        return est
    value = _package_alpha(data, lvl, order)
    return AlphaEstimate(value, est.low, est.high, est.units, est.values, est.level)


# ------------------------------------------------------------------- results


@dataclass(frozen=True, eq=False)
class Agreement:
    """How far several codings of one case agree.

    Attributes
    ----------
    coders : tuple of str
        The coders, in the order the codings were given.
    key : str or None
        The coder designated as the key (reference coding), if any.
    dates : tuple of date
        The evaluation dates of the units.
    units : int
        Units (party × issue × date) coded by at least one coder.
    alpha : mapping of str to AlphaEstimate
        α with its bootstrap interval for each of :data:`MEASURES`.
    by_issue : pandas.DataFrame
        Indexed by issue id: ``scale``, ``units`` (coded by two or more),
        ``ideal_alpha`` (Krippendorff's α at the issue's level, from the
        ``krippendorff`` package), ``acceptable_alpha`` (MASI),
        ``ideal_agree`` (share of those units where every coder gave the
        same ideal).
    reference : str
        What ``versus`` compares each coder with: the key's name, or
        ``"consensus"`` when there is no key.
    versus : pandas.DataFrame
        Indexed by coder: for each variable ``<variable>_agree`` (share of
        the units both coded where the coder's value equals the reference's)
        and ``<variable>_alpha`` (α of the pair, same level as above).
    disputed : pandas.DataFrame
        One row per unit, most disputed first: ``date``, ``party``,
        ``issue``, ``coded`` (coders who coded it), ``disagreement`` (see
        Notes of :func:`agreement`), ``variables`` (those the coders
        differ on) and ``differs`` (who differs from the consensus, with
        their values).
    heat : pandas.DataFrame
        Party × issue (ids) agreement ``1 − disagreement``, averaged over
        the dates; NaN where no unit.
    """

    coders: tuple[str, ...]
    key: str | None
    dates: tuple[_dt.date, ...]
    units: int
    alpha: Mapping[str, AlphaEstimate]
    by_issue: pd.DataFrame
    reference: str
    versus: pd.DataFrame
    disputed: pd.DataFrame
    heat: pd.DataFrame

    def table(self) -> pd.DataFrame:
        """α per measure: ``value``, ``low``, ``high``, ``units``, ``values``, ``level``, ``reason``."""
        return pd.DataFrame(
            [self.alpha[m].as_dict() for m in MEASURES], index=pd.Index(MEASURES, name="measure")
        )


def _consensus_value(issue: Issue, v: dict[str, Any] | None, var: str) -> Any:
    if v is None:
        return None
    pos = Position(
        "",
        issue.id,
        v["ideal"],
        v["acceptable"],
        v["salience"],
        v["red_line"],
        confidence=v["confidence"],
    )
    return value_of(issue, pos, var)


def agreement(
    codings: Sequence[Any],
    *,
    key: Any = None,
    at: Any = None,
    names: Sequence[str] | None = None,
    draws: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> Agreement:
    """Krippendorff's α for every variable, coders against the key, and the disputed units.

    Parameters
    ----------
    codings : sequence of Case or folder
        Two or more codings of one case (same parties, issues, options).
    key : int, str or None
        The reference coding (position or coder name), e.g. the teacher's.
    at : date, sequence of dates or "snapshots", optional
        The unit dates (default: the first coding's ``as_of``).
    names : sequence of str, optional
        Coder names (default: the folders' names).
    draws, seed, confidence
        The bootstrap (seeded: the same call gives the same interval).

    Returns
    -------
    Agreement

    Raises
    ------
    CaseError
        Fewer than two codings, a coding that does not load, or codings
        that do not share ids (located, with a did-you-mean).

    Notes
    -----
    α is ``1 − D_o / D_e`` (Hayes & Krippendorff 2007) at the levels
    described in this module's documentation. A unit's *disagreement* is
    the mean, over ideal, acceptable, salience and red line, of the mean
    difference between the values of every pair of coders who coded it
    (issue distance, MASI, ``|a − b|``, 0/1): 0 when all agree, at most 1.

    Examples
    --------
    >>> from engine import load_case
    >>> case = load_case("ukraine-russia")
    >>> agr = agreement([case, case], names=["ann", "ben"], draws=0)
    >>> agr.units == len(case.at()), agr.alpha["ideal"].value, agr.alpha["ideal"].reason
    (True, 1.0, '')
    """
    cases, coders, k = _load(codings, names, key)
    case, dates = cases[0], unit_dates(cases[0], at)
    units: list[Unit] = _grid(cases, dates)
    everyone = list(range(len(cases)))
    alpha = {m: _estimate(case, units, m, everyone, draws, seed, confidence) for m in MEASURES}
    values, _ = consensus_values(cases, dates, k)
    reference = coders[k] if k is not None else "consensus"
    disputed = disputes(case, units, coders, values)
    return Agreement(
        coders=coders,
        key=reference if k is not None else None,
        dates=dates,
        units=len(units),
        alpha=MappingProxyType(alpha),
        by_issue=_by_issue(case, units, everyone, seed),
        reference=reference,
        versus=_versus(case, units, coders, k, values, seed),
        disputed=disputed,
        heat=dispute_heat(case, disputed),
    )


def _load(
    codings: Sequence[Any], names: Sequence[str] | None, key: Any
) -> tuple[list[Case], tuple[str, ...], int | None]:
    """The codings loaded, the coders' names and the key's index (None: no key)."""
    cases = load_codings(codings)
    coders = coder_names(cases, names)
    return cases, coders, key_index(coders, key)


def _by_issue(case: Case, units: Sequence[Unit], everyone: list[int], seed: int) -> pd.DataFrame:
    """Per issue: units coded by two or more, α of the ideal and of the acceptable set."""
    rows = []
    for issue in case.issues:
        sub = [u for u in units if u[2] == issue.id]
        ideal, _ = _data(case, sub, "ideal", everyone)
        plain = [[None if v is None else v[1] for v in row] for row in ideal]
        paired = [c for c in range(len(sub)) if sum(r[c] is not None for r in plain) >= 2]
        order = list(issue.option_ids) if issue.scale == "ordinal" else None
        ideal_alpha = _package_alpha(plain, issue.scale, order) if paired else None
        acc = _estimate(case, sub, "acceptable", everyone, 0, seed).value
        same_ideal = [len({r[c] for r in plain if r[c] is not None}) == 1 for c in paired]
        share = float(np.mean(same_ideal)) if same_ideal else None
        rows.append((issue.id, issue.scale, len(paired), ideal_alpha, acc, share))
    columns = ["issue", "scale", "units", "ideal_alpha", "acceptable_alpha", "ideal_agree"]
    return pd.DataFrame(rows, columns=columns).set_index("issue")


def _versus(
    case: Case,
    units: Sequence[Unit],
    coders: Sequence[str],
    k: int | None,
    values: Mapping[Any, Any],
    seed: int,
) -> pd.DataFrame:
    """Each coder but the key against the key (or the consensus): share equal, α of the pair."""
    rows = []
    for r, coder in enumerate(coders):
        if r == k:
            continue
        row: dict[str, Any] = {"coder": coder}
        for var in VARIABLES:
            same, both = 0, 0
            for d, p, i, got in units:
                issue = case.issue(i)
                mine = value_of(issue, got[r], var)
                ref = (
                    value_of(issue, got[k], var)
                    if k is not None
                    else _consensus_value(issue, values.get((d, p, i)), var)
                )
                if mine is not None and ref is not None:
                    both += 1
                    same += mine == ref
            row[f"{var}_agree"] = same / both if both else None
            row[f"{var}_alpha"] = (
                _estimate(case, units, var, [k, r], 0, seed).value if k is not None else None
            )
        rows.append(row)
    versus = pd.DataFrame(rows)
    return versus.set_index("coder") if len(versus) else versus


#: ``engine.coder_agreement``: the name of :func:`agreement` at the top of the API
#: (``engine.agreement`` is this sub-package).
coder_agreement = agreement


def krippendorff_alpha(
    codings: Sequence[Any],
    variable: str,
    *,
    level: str | None = None,
    at: Any = None,
    draws: int = 1000,
    seed: int = 0,
) -> AlphaEstimate:
    """Krippendorff's α of one variable over several codings, with its bootstrap interval.

    Parameters
    ----------
    codings : sequence of Case or folder
    variable : {"ideal", "acceptable", "salience", "red_line", "confidence"}
    level : {"ordinal", "nominal", "interval"}, optional
        For ``ideal`` only: the issues of one level (default: all, pooled).
    at, draws, seed
        As for :func:`agreement`.

    Notes
    -----
    See :func:`agreement` and the module's documentation for the level of
    each variable and the stratification by issue.

    Examples
    --------
    >>> from engine import load_case
    >>> case = load_case("ukraine-russia")
    >>> krippendorff_alpha([case, case], "salience", draws=0).value
    1.0
    """
    if variable not in VARIABLES:
        raise UnknownIdError("variable", variable, VARIABLES)
    measure = variable
    if level is not None:
        if variable != "ideal" or level not in SCALES:
            raise ZopaError(
                f"level: give one of {', '.join(SCALES)}, for the variable 'ideal' only"
            )
        measure = f"ideal.{level}"
    cases = load_codings(codings)
    units = _grid(cases, unit_dates(cases[0], at))
    return _estimate(cases[0], units, measure, list(range(len(cases))), draws, seed)


def confusion_table(
    codings: Sequence[Any],
    issue: str,
    coder: Any,
    *,
    key: Any = 0,
    at: Any = None,
    names: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Key's ideal × coder's ideal on one issue: how many units (parties × dates) each pair.

    Parameters
    ----------
    codings : sequence of Case or folder
    issue : str
        An ordinal or nominal issue id.
    coder : int or str
        The coder compared with the key (position or name).
    key : int or str
        The key (default: the first coding).

    Returns
    -------
    pandas.DataFrame
        Index: the key's options (``key`` axis), columns: the coder's
        (``coder`` axis), both in the issue's order; counts over the units
        both coded. The diagonal is agreement.

    Examples
    --------
    >>> from engine import load_case
    >>> case = load_case("ukraine-russia")
    >>> t = confusion_table([case, case], "nato", 1)
    >>> int(t.to_numpy().trace()) == int(t.to_numpy().sum())
    True
    """
    cases, coders, k = _load(codings, names, key)
    c = key_index(coders, coder)
    assert k is not None and c is not None
    iss = cases[0].issue(issue)
    if iss.is_interval:
        raise ZopaError(
            f"issue '{issue}' is on an interval scale: it has no options to tabulate; "
            "compare the numbers with coding_units"
        )
    opts = list(iss.option_ids)
    table = pd.DataFrame(
        0, index=pd.Index(opts, name=coders[k]), columns=pd.Index(opts, name=coders[c])
    )
    for _, _, i, got in _grid(cases, unit_dates(cases[0], at)):
        if i == issue and got[k] is not None and got[c] is not None:
            table.loc[str(got[k].ideal), str(got[c].ideal)] += 1
    return table
