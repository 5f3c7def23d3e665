"""Krippendorff's α with any difference function, by strata, with bootstrap intervals.

This module is the computational core of :mod:`engine.agreement`: plain
functions over a reliability-data matrix (coders × units, ``None`` for a value
a coder did not give). It knows nothing of cases; :mod:`engine.agreement.compare`
builds the matrices from codings.

Krippendorff's ``krippendorff`` package is the reference implementation for
the standard levels (nominal, ordinal, interval, ratio) and is what the
agreement functions call for a point estimate at those levels. This module
adds what the package does not do: any difference function (MASI between
acceptable sets), *stratified* α (chance disagreement computed within each
issue, for variables whose values only compare within an issue), and a fast
seeded bootstrap over units. The tests check that the two agree wherever
both apply.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "LEVELS",
    "AlphaEstimate",
    "alpha_estimate",
    "masi_distance",
    "reliability_alpha",
    "span_masi_distance",
]

#: The levels of measurement with a built-in difference function.
LEVELS = ("nominal", "ordinal", "interval")

Difference = Callable[[Any, Any], float]


@dataclass(frozen=True)
class AlphaEstimate:
    """α with its bootstrap interval.

    Attributes
    ----------
    value : float or None
        Krippendorff's α; ``None`` when it is undefined (see ``reason``).
    low, high : float or None
        The percentile bootstrap interval (``level``, e.g. 0.95); ``None``
        when α is undefined or no bootstrap was asked for.
    units : int
        Pairable units: units with values from two or more coders.
    values : int
        Pairable values (the ``n`` of Krippendorff's formula).
    level : str
        The level of measurement or difference function used.
    reason : str
        Why α is undefined ("" when it is defined).
    """

    value: float | None
    low: float | None
    high: float | None
    units: int
    values: int
    level: str
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "units": self.units,
            "values": self.values,
            "level": self.level,
            "reason": self.reason or None,
        }


# ------------------------------------------------------------------- distances


def masi_distance(a: frozenset[Any] | set[Any], b: frozenset[Any] | set[Any]) -> float:
    """MASI distance between two sets (Passonneau 2006): ``1 − J · M``.

    Notes
    -----
    ``J = |A ∩ B| / |A ∪ B|`` is the Jaccard similarity and ``M`` the
    monotonicity weight: 1 when ``A = B``, 2/3 when one set contains the
    other, 1/3 when they overlap otherwise, 0 when they are disjoint. Two
    empty sets are at distance 0. It is the distance of
    ``nltk.metrics.distance.masi_distance``.

    Examples
    --------
    >>> masi_distance({"a", "b"}, {"a", "b"}), masi_distance({"a"}, {"a", "b"})
    (0.0, 0.6666666666666667)
    >>> masi_distance({"a", "b"}, {"b", "c"}), masi_distance({"a"}, {"b"})
    (0.8888888888888888, 1.0)
    """
    a, b = set(a), set(b)
    if a == b:
        return 0.0
    inter, union = len(a & b), len(a | b)
    if inter == 0:
        return 1.0
    m = 2 / 3 if (a <= b or b <= a) else 1 / 3
    return 1.0 - (inter / union) * m


def span_masi_distance(a: tuple[float, float], b: tuple[float, float], resolution: float) -> float:
    """MASI distance between two closed numeric ranges ``(lo, hi)``.

    Notes
    -----
    The sets are the ranges measured by their length at a resolution ``r``
    (zopa uses 1 % of the issue's width): a range ``[lo, hi]`` has measure
    ``hi − lo + r``, the overlap of two ranges ``min(hi) − max(lo) + r`` when
    it is not negative (else 0), so a single number counts as a sliver of
    width ``r`` and two equal numbers coincide. Then, as for option sets,
    ``1 − J · M`` with ``J`` = overlap / union and ``M`` = 1 for equal ranges,
    2/3 when one contains the other, 1/3 when they overlap otherwise, 0 when
    they are disjoint.

    Examples
    --------
    >>> span_masi_distance((0, 10), (0, 10), 1.0)
    0.0
    >>> round(span_masi_distance((0, 9), (0, 19), 1.0), 6)  # J = 10/20, M = 2/3
    0.666667
    >>> span_masi_distance((0, 1), (5, 6), 1.0)
    1.0
    """
    (alo, ahi), (blo, bhi) = (float(a[0]), float(a[1])), (float(b[0]), float(b[1]))
    if alo == blo and ahi == bhi:
        return 0.0
    r = float(resolution)
    overlap = min(ahi, bhi) - max(alo, blo) + r
    if overlap <= 0:
        return 1.0
    union = (ahi - alo + r) + (bhi - blo + r) - overlap
    inside = (alo <= blo and bhi <= ahi) or (blo <= alo and ahi <= bhi)
    m = 2 / 3 if inside else 1 / 3
    return 1.0 - (overlap / union) * m


# ------------------------------------------------------------------- the core


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


@dataclass(frozen=True)
class _Stratum:
    """One stratum's pairable units: counts per value and the unit weights."""

    values: tuple[Hashable, ...]  # distinct values, in order (rank order when ordinal)
    pairs: np.ndarray  # units × V² : n_uc · n_uk / (m_u − 1)
    counts: np.ndarray  # units × V : n_uc
    delta: np.ndarray | None  # V × V δ² (None: ordinal, computed from the marginals)


def _strata(
    data: Sequence[Sequence[Any]],
    strata: Sequence[Hashable] | None,
    order: Sequence[Hashable] | None,
    level: str | Difference,
) -> list[_Stratum]:
    n_units = len(data[0]) if data else 0
    if any(len(row) != n_units for row in data):
        raise ValueError("every coder's row must have one value per unit")
    keys = list(strata) if strata is not None else [None] * n_units
    if len(keys) != n_units:
        raise ValueError("give one stratum per unit")
    groups: dict[Hashable, list[list[Any]]] = {}
    for u in range(n_units):
        vals = [row[u] for row in data if not _missing(row[u])]
        if len(vals) >= 2:
            groups.setdefault(keys[u], []).append(vals)
    out = []
    for units in groups.values():
        seen = {v for vals in units for v in vals}
        if level == "ordinal" and order is not None:
            rank = {v: i for i, v in enumerate(order)}
            values = tuple(sorted(seen, key=lambda v: rank[v]))
        elif level in ("ordinal", "interval"):
            values = tuple(sorted(seen))
        else:
            values = tuple(sorted(seen, key=repr))
        index = {v: i for i, v in enumerate(values)}
        k = len(values)
        counts = np.zeros((len(units), k))
        for u, vals in enumerate(units):
            for v in vals:
                counts[u, index[v]] += 1
        m = counts.sum(axis=1)
        pairs = (counts[:, :, None] * counts[:, None, :]).reshape(len(units), k * k)
        pairs /= (m - 1)[:, None]
        delta: np.ndarray | None
        if level == "ordinal":
            delta = None
        elif level == "nominal":
            delta = 1.0 - np.eye(k)
        elif level == "interval":
            x = np.asarray(values, dtype=float)
            delta = (x[:, None] - x[None, :]) ** 2
        elif callable(level):
            delta = np.array(
                [
                    [0.0 if i == j else float(level(a, b)) for j, b in enumerate(values)]
                    for i, a in enumerate(values)
                ]
            )
        else:
            raise ValueError(
                f"unknown level '{level}'; use one of {', '.join(LEVELS)} or a function"
            )
        out.append(_Stratum(values, pairs, counts, delta))
    return out


def _ordinal_delta(n: np.ndarray) -> np.ndarray:
    """Krippendorff's ordinal δ² from value frequencies ``n`` (… × V), values in rank order."""
    cum = np.cumsum(n, axis=-1)
    before = cum - n  # Σ_{g<c} n_g
    # for c ≤ k: Σ_{g=c}^{k} n_g − (n_c + n_k)/2 = cum_k − before_c − (n_c + n_k)/2
    s = cum[..., None, :] - before[..., :, None] - (n[..., :, None] + n[..., None, :]) / 2
    s = np.abs(np.triu(s) + np.swapaxes(np.triu(s, 1), -1, -2))
    return s**2


def _alpha_from_weights(strata: list[_Stratum], weights: list[np.ndarray]) -> np.ndarray:
    """α for each row of unit weights (draws × units per stratum); NaN where undefined."""
    observed: Any = 0.0
    expected: Any = 0.0
    for st, w in zip(strata, weights, strict=True):
        k = len(st.values)
        n_c = w @ st.counts  # draws × V
        coinc = w @ st.pairs  # draws × V², the coincidence matrix (diagonal unused: δ²_cc = 0)
        n = n_c.sum(axis=1)
        if st.delta is None:
            delta = _ordinal_delta(n_c).reshape(len(w), k * k)
        else:
            delta = np.broadcast_to(st.delta.reshape(1, k * k), coinc.shape)
        observed = observed + (coinc * delta).sum(axis=1)
        nn = (n_c[:, :, None] * n_c[:, None, :]).reshape(len(w), k * k)
        with np.errstate(divide="ignore", invalid="ignore"):
            expected = expected + np.where(n > 1, (nn * delta).sum(axis=1) / (n - 1), 0.0)
    observed = np.asarray(observed, dtype=float)
    expected = np.asarray(expected, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(expected > 0, 1.0 - observed / expected, np.nan)


def reliability_alpha(
    data: Sequence[Sequence[Any]],
    level: str | Difference = "nominal",
    *,
    strata: Sequence[Hashable] | None = None,
    order: Sequence[Hashable] | None = None,
) -> float | None:
    """Krippendorff's α of a reliability-data matrix (coders × units).

    Parameters
    ----------
    data : sequence of sequences
        One row per coder, one column per unit; ``None`` (or NaN) where the
        coder gave no value. Values are any hashable objects.
    level : {"nominal", "ordinal", "interval"} or callable
        The difference function δ²: ``nominal`` (0 for equal values, else 1),
        ``ordinal`` (Krippendorff's rank metric, from the value frequencies;
        ranks from ``order`` or the values' natural order), ``interval``
        (``(a − b)²``), or a function ``f(a, b)`` giving δ² directly (e.g.
        :func:`masi_distance`, used as is, as Passonneau and NLTK do).
    strata : sequence of hashable, optional
        One label per unit. Values are compared only within a stratum: the
        chance (expected) disagreement is computed within each stratum and
        summed (see Notes). Default: one stratum.
    order : sequence, optional
        The order of the values for ``ordinal`` (default: sorted).

    Returns
    -------
    float or None
        α, or ``None`` when it is undefined: fewer than one unit with two
        values, or no variation at all (expected disagreement 0).

    Notes
    -----
    With ``m_u`` values in unit ``u``, ``n_uc`` of them equal to ``c``, the
    coincidence matrix is ``o_ck = Σ_u n_uc n_uk / (m_u − 1)`` (``c ≠ k``)
    and ``n_c = Σ_k o_ck``, ``n = Σ_c n_c`` (Hayes & Krippendorff 2007):

    .. math:: α = 1 − \\frac{D_o}{D_e}
              = 1 − (n − 1) \\frac{Σ_{c,k} o_{ck} δ²_{ck}}{Σ_{c,k} n_c n_k δ²_{ck}}

    With strata ``s`` (e.g. the issues: an option of one issue cannot be
    compared with an option of another), ``α = 1 − Σ_s Σ_{ck} o^s_{ck} δ²_{ck}
    / Σ_s (Σ_{ck} n^s_c n^s_k δ²_{ck} / (n_s − 1))``: observed disagreement
    summed over all units, chance disagreement computed within each stratum
    and weighted by its pairable values. With one stratum it is α. Cost:
    O(U · V²) for U units and V distinct values a stratum.

    Examples
    --------
    Two coders, four units; they differ on one unit:

    >>> reliability_alpha([["a", "a", "b", "b"], ["a", "b", "b", "b"]], "nominal")
    0.5333333333333333
    >>> reliability_alpha([[1, 1], [1, 1]], "interval") is None  # no variation
    True
    """
    st = _strata(data, strata, order, level)
    if not st:
        return None
    a = _alpha_from_weights(st, [np.ones((1, len(s.counts))) for s in st])[0]
    return None if math.isnan(a) else float(a)


def alpha_estimate(
    data: Sequence[Sequence[Any]],
    level: str | Difference = "nominal",
    *,
    strata: Sequence[Hashable] | None = None,
    order: Sequence[Hashable] | None = None,
    value: float | None = None,
    draws: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    name: str = "",
) -> AlphaEstimate:
    """α (see :func:`reliability_alpha`) with a seeded percentile bootstrap interval.

    Parameters
    ----------
    data, level, strata, order
        As for :func:`reliability_alpha`.
    value : float, optional
        The point estimate when it was computed elsewhere (the ``krippendorff``
        package); default: computed here.
    draws : int
        Bootstrap draws (0: no interval).
    seed : int
        Seed of numpy's random generator, so an interval is reproducible.
    confidence : float
        Coverage of the interval.
    name : str
        The level's name in the result (default: ``level`` when it is a string).

    Notes
    -----
    Each draw resamples the pairable units with replacement (all strata
    together, so the draw has as many units as the data) and recomputes α;
    the interval is the ``(1 − confidence)/2`` and ``(1 + confidence)/2``
    percentiles of the defined draws (a draw with no variation has no α and
    is left out). All draws are computed at once from per-unit coincidence
    counts, ``O(draws · U · V²)``.

    Examples
    --------
    >>> est = alpha_estimate([["a", "a", "b", "b"], ["a", "b", "b", "b"]], "nominal", draws=200)
    >>> round(est.value, 4), est.units, est.low <= est.value <= est.high
    (0.5333, 4, True)
    """
    label = name or (level if isinstance(level, str) else getattr(level, "__name__", "custom"))
    st = _strata(data, strata, order, level)
    sizes = [len(s.counts) for s in st]
    units = sum(sizes)
    n_values = int(sum(s.counts.sum() for s in st))
    if units == 0:
        return AlphaEstimate(None, None, None, 0, 0, label, "no unit has values from two coders")
    point = _alpha_from_weights(st, [np.ones((1, k)) for k in sizes])[0]
    if math.isnan(point):
        return AlphaEstimate(
            None,
            None,
            None,
            units,
            n_values,
            label,
            "no variation: every value coded is the same, so chance disagreement is 0",
        )
    if value is None:
        value = float(point)
    low = high = None
    if draws > 0:
        rng = np.random.default_rng(seed)
        picks = rng.integers(0, units, size=(draws, units))
        w = np.zeros((draws, units))
        np.add.at(w, (np.repeat(np.arange(draws), units), picks.ravel()), 1.0)
        bounds = np.cumsum([0, *sizes])
        boot = _alpha_from_weights(st, [w[:, bounds[i] : bounds[i + 1]] for i in range(len(st))])
        boot = boot[~np.isnan(boot)]
        if len(boot):
            tail = (1 - confidence) / 2 * 100
            lo, hi = np.percentile(boot, [tail, 100 - tail])
            low, high = float(lo), float(hi)
    return AlphaEstimate(float(value), low, high, units, n_values, label)
