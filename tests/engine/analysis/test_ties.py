"""Rankings that name their ties."""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from engine.analysis.ties import RankGroup, ranked


def test_ranked_by_hand() -> None:
    s = pd.Series({"x": 0.5, "y": 0.0, "z": 0.5, "w": float("nan"), "v": 0.25})
    assert ranked(s) == (
        RankGroup(1, 0.5, ("x", "z")),
        RankGroup(3, 0.25, ("v",)),
        RankGroup(4, 0.0, ("y",)),
    )
    assert ranked(s, ascending=True)[0] == RankGroup(1, 0.0, ("y",))
    assert ranked({}) == ()


def test_tolerance_compares_with_the_group_first() -> None:
    # 0, 0.6e-9, 1.2e-9: the last is within tol of the second, not of the first
    groups = ranked({"a": 0.0, "b": 0.6e-9, "c": 1.2e-9}, ascending=True, tol=1e-9)
    assert [g.items for g in groups] == [("a", "b"), ("c",)]
    assert [g.rank for g in groups] == [1, 3]


values = st.dictionaries(
    st.text(min_size=1, max_size=3),
    st.one_of(st.sampled_from([0.0, 0.5, 1.0]), st.floats(0, 1)),
    max_size=12,
)


@given(values, st.booleans())
def test_groups_partition_the_finite_values_in_order(d: dict[str, float], asc: bool) -> None:
    groups = ranked(d, ascending=asc)
    flat = [x for g in groups for x in g.items]
    assert sorted(flat) == sorted(k for k, v in d.items() if not math.isnan(v))
    seen = 0
    for g in groups:
        assert g.rank == seen + 1
        seen += len(g.items)
        assert all(abs(d[x] - g.value) <= 1e-9 for x in g.items)
        # within a group: the input's order
        keys = list(d)
        assert list(g.items) == sorted(g.items, key=keys.index)
    vals = [g.value for g in groups]
    assert vals == sorted(vals, reverse=not asc)
    # exact equal values are always in one group
    for k1, v1 in d.items():
        for k2, v2 in d.items():
            if v1 == v2:
                assert any(k1 in g.items and k2 in g.items for g in groups)
