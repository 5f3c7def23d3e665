"""Rankings that name their ties.

Whenever zopa reports "the most …" or "the least …", several items can share
the value; :func:`ranked` groups them so that a sentence can say "nine pairs
tie at 0.00: …" instead of naming one of them as if it were alone.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

__all__ = ["RANK_TOLERANCE", "RankGroup", "ranked"]

#: Values closer than this (absolute) tie by default: far below any printed precision.
RANK_TOLERANCE = 1e-9


@dataclass(frozen=True)
class RankGroup:
    """Items that share one place in a ranking.

    Attributes
    ----------
    rank : int
        1 + the number of items ranked strictly before the group (standard
        competition ranking: 1, 1, 3, …).
    value : float
        The value of the group's first item (every item is within the
        tolerance of it).
    items : tuple
        The tied labels, in the order of the input.
    """

    rank: int
    value: float
    items: tuple[Hashable, ...]

    @property
    def tied(self) -> bool:
        """True when more than one item shares the place."""
        return len(self.items) > 1


def ranked(
    values: pd.Series | Mapping[Hashable, Any],
    *,
    ascending: bool = False,
    tol: float = RANK_TOLERANCE,
) -> tuple[RankGroup, ...]:
    """Rank values and group the ties.

    Parameters
    ----------
    values : Series or mapping
        Label → number. NaN values are left out (they have no rank).
    ascending : bool
        False (default): the largest value first; True: the smallest first.
    tol : float
        Absolute tolerance: an item joins the current group when its value
        is within ``tol`` of the group's first value.

    Returns
    -------
    tuple of RankGroup
        Best first. Within a group, items keep the input's order (so the
        result does not depend on the sort algorithm).

    Notes
    -----
    Sort the finite values (stable, so equal values keep input order); walk
    them, starting a new group when ``|v − v_first| > tol`` where ``v_first``
    is the first value of the current group (the best, in sorted order). Comparing with the group's first
    value, not the previous item, keeps a chain of small steps from merging
    into one group. A group's rank is 1 + the number of items in the groups
    before it. O(n log n).

    Examples
    --------
    >>> groups = ranked({"a-b": 0.0, "a-c": 0.5, "b-c": 0.0, "c-d": float("nan")}, ascending=True)
    >>> [(g.rank, g.value, g.items) for g in groups]
    [(1, 0.0, ('a-b', 'b-c')), (3, 0.5, ('a-c',))]
    >>> groups[0].tied
    True
    """
    s = pd.Series(values, dtype=float) if not isinstance(values, pd.Series) else values
    values_ = s.to_numpy(dtype=float)
    pairs = [(k, float(v)) for k, v in enumerate(values_) if not math.isnan(v)]
    pairs.sort(key=lambda kv: kv[1] if ascending else -kv[1])
    groups: list[RankGroup] = []
    start = 0
    while start < len(pairs):
        first = pairs[start][1]
        end = start + 1
        while end < len(pairs) and abs(pairs[end][1] - first) <= tol:
            end += 1
        items = tuple(s.index[k] for k in sorted(k for k, _ in pairs[start:end]))
        groups.append(RankGroup(rank=start + 1, value=first, items=items))
        start = end
    return tuple(groups)
