"""Per-issue pairwise measures: hand-worked values, special cases, properties,
and agreement with a straightforward pure-Python reference implementation.

The reference (``reference_matrices``) is written from the definitions in
DESIGN.md "Measures", pair by pair, using the model's own distance functions;
it is the yardstick of the vectorised engine here and in the benchmark.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine import Case, Issue, Option, OptionSet, Party, Position, Source, Span, Statement
from engine.analysis.measures import MATRIX_KINDS, issue_matrices
from tests.strategies import cases

# example counts scale with the Hypothesis profile (tests/conftest.py): 30 and 20 by default
HALF = settings(max_examples=max(10, settings().max_examples // 2))
THIRD = settings(max_examples=max(10, settings().max_examples // 3))


NAN = float("nan")

# ------------------------------------------------------------ the reference


def reference_pair(issue: Issue, a: Position, b: Position) -> dict[str, float]:
    """Every measure for one pair, straight from the definitions."""
    w = (a.salience + b.salience) / 2
    if issue.is_interval:
        A, B = a.acceptable, b.acceptable
        assert isinstance(A, Span) and isinstance(B, Span)
        lo, hi = max(A.lo, B.lo), min(A.hi, B.hi)
        compatible = lo <= hi
        inter = max(0.0, hi - lo)
        union = A.length + B.length - inter
        if union > 0:
            overlap = inter / union
        else:  # two points
            overlap = 1.0 if compatible else 0.0
        gap = max(0.0, B.lo - A.hi, A.lo - B.hi) / issue.width
    else:
        SA, SB = a.acceptable.ids, b.acceptable.ids  # type: ignore[union-attr]
        compatible = bool(SA & SB)
        overlap = len(SA & SB) / len(SA | SB)
        gap = min(issue.distance_to_set(x, b.acceptable) for x in SA)
    return {
        "compatible": 1.0 if compatible else 0.0,
        "overlap": overlap,
        "gap": gap,
        "distance": issue.distance(a.ideal, b.ideal),
        "conflict": gap * w,
        "weight": w,
    }


def reference_matrices(
    case: Case, kind: str, at: Any = None, parties: Any = None
) -> dict[str, list[list[float]]]:
    """issue -> list-of-lists matrix of one measure, NaN for no position."""
    state = case.at(at)
    chosen = case.resolve_parties(parties)
    out = {}
    for issue in case.issues:
        rows = []
        for p in chosen:
            row = []
            for q in chosen:
                a, b = state.get((p, issue.id)), state.get((q, issue.id))
                row.append(NAN if a is None or b is None else reference_pair(issue, a, b)[kind])
            rows.append(row)
        out[issue.id] = rows
    return out


def reference_aggregate(
    case: Case, kind: str, at: Any = None, parties: Any = None, measure: str = "intensity"
) -> list[list[float]]:
    """A pair matrix, pair by pair, straight from its definition.

    ``kind`` is "overlap", "conflict", "coverage" or "shared"; ``measure``
    "intensity" (Σ_shared w·m / Σ_shared w) or "stake" (Σ_shared w·m /
    Σ_either w, a missing position counting as salience 0).
    """
    state = case.at(at)
    chosen = case.resolve_parties(parties)
    measure_of = {"overlap": "overlap", "conflict": "gap"}
    out = []
    for p in chosen:
        row = []
        for q in chosen:
            num = den = union = 0.0
            shared = 0
            for issue in case.issues:
                a, b = state.get((p, issue.id)), state.get((q, issue.id))
                union += ((a.salience if a else 0.0) + (b.salience if b else 0.0)) / 2
                if a is None or b is None:
                    continue
                r = reference_pair(issue, a, b)
                if kind in measure_of:
                    num += r["weight"] * r[measure_of[kind]]
                den += r["weight"]
                shared += 1
            any_pos = any((p, i) in state for i in case.issue_ids)
            both = any_pos and any((q, i) in state for i in case.issue_ids)
            if kind == "shared":
                row.append(shared)
            elif p == q:
                row.append((0.0 if kind == "conflict" else 1.0) if any_pos else NAN)
            elif kind == "coverage":
                row.append(den / union if both and union > 0 else NAN)
            elif measure == "stake":
                row.append(num / union if both and union > 0 else NAN)
            else:
                row.append(num / den if shared and den > 0 else NAN)
        out.append(row)
    return out


def assert_same(
    actual: pd.DataFrame | np.ndarray, expected: list[list[float]], tol: float = 1e-12
) -> None:
    a = np.asarray(actual, dtype=float)
    e = np.asarray(expected, dtype=float)
    if e.size == 0:  # no party selected: [] against a 0 × 0 frame
        e = e.reshape(a.shape)
    assert a.shape == e.shape
    assert np.array_equal(np.isnan(a), np.isnan(e)), (a, e)
    assert np.allclose(a[~np.isnan(a)], e[~np.isnan(e)], atol=tol, rtol=0)


# ---------------------------------------------------------- building cases


def make_case(
    issues: tuple[Issue, ...],
    positions: list[Position],
    parties: tuple[str, ...] = ("a", "b", "c"),
) -> Case:
    """A one-date case from positions (parties a, b, c by default)."""
    date = dt.date(2024, 1, 1)
    by_party: dict[str, list[tuple[str, Position | None]]] = {}
    for pos in positions:
        by_party.setdefault(pos.party, []).append(
            (pos.issue, dataclasses.replace(pos, as_of=date, sources=("s",)))
        )
    return Case(
        id="hand",
        title="Hand-built",
        as_of=date,
        parties=tuple(Party(p, p.upper(), "belligerent") for p in parties),
        issues=issues,
        sources=(Source("s", "S", "T", "2024", "https://example.org"),),
        statements=tuple(Statement(p, date, ("s",), tuple(e)) for p, e in by_party.items()),
    )


def opts(*ids: str) -> tuple[Option, ...]:
    return tuple(Option(i, i.upper()) for i in ids)


def S(*ids: str) -> OptionSet:
    return OptionSet(frozenset(ids))


ORD = Issue("ord", "Ordinal", "ordinal", opts("o1", "o2", "o3", "o4", "o5"))
NOM = Issue("nom", "Nominal", "nominal", opts("x", "y", "z"), distances=(("x", "y", 0.5),))
NUM = Issue("num", "Interval", "interval", unit="u", min=0.0, max=100.0)


# ---------------------------------------------------------- hand-worked: tiny


def test_tiny_ordinal_by_hand(tiny: Case) -> None:
    # a accepts o1..o3 (ideal o1, s .8); b o4..o5 (o5, s 1); c o2..o4 (o3, s .3); k = 5
    m = {k: issue_matrices(tiny, k)["ord"] for k in MATRIX_KINDS}
    assert_same(
        m["overlap"], [[3 / 3, 0 / 5, 2 / 4], [0 / 5, 2 / 2, 1 / 4], [2 / 4, 1 / 4, 3 / 3]]
    )
    assert_same(m["compatible"], [[1, 0, 1], [0, 1, 1], [1, 1, 1]])
    assert_same(m["gap"], [[0, (3 - 2) / 4, 0], [(3 - 2) / 4, 0, 0], [0, 0, 0]])
    assert_same(
        m["distance"], [[0, (4 - 0) / 4, (2 - 0) / 4], [4 / 4, 0, (4 - 2) / 4], [2 / 4, 2 / 4, 0]]
    )
    ab = 1 / 4 * (0.8 + 1.0) / 2
    assert_same(m["conflict"], [[0, ab, 0], [ab, 0, 0], [0, 0, 0]])


def test_tiny_nominal_by_hand(tiny: Case) -> None:
    # a accepts {x, y} (ideal x, s .4); b {z} (z, s .2); c no position; d(x, y) = 0.5
    m = {k: issue_matrices(tiny, k)["nom"] for k in MATRIX_KINDS}
    assert_same(m["overlap"], [[2 / 2, 0 / 3, NAN], [0 / 3, 1 / 1, NAN], [NAN, NAN, NAN]])
    assert_same(m["compatible"], [[1, 0, NAN], [0, 1, NAN], [NAN, NAN, NAN]])
    assert_same(m["gap"], [[0, min(1.0, 1.0), NAN], [1.0, 0, NAN], [NAN, NAN, NAN]])
    assert_same(m["distance"], [[0, 1.0, NAN], [1.0, 0, NAN], [NAN, NAN, NAN]])
    assert_same(
        m["conflict"],
        [[0, 1.0 * (0.4 + 0.2) / 2, NAN], [1.0 * (0.4 + 0.2) / 2, 0, NAN], [NAN] * 3],
    )


def test_tiny_interval_by_hand(tiny: Case) -> None:
    # a [10, 40] (ideal 20, s .6); b [30, 90] (80, s .5); c the point 50 (s .2); width 100
    m = {k: issue_matrices(tiny, k)["num"] for k in MATRIX_KINDS}
    ab = (40 - 30) / (30 + 60 - 10)
    # b–c: a point inside a longer interval has intersection length 0: overlap 0
    assert_same(m["overlap"], [[1, ab, 0], [ab, 1, 0 / 60], [0, 0 / 60, 1]])
    assert_same(m["compatible"], [[1, 1, 0], [1, 1, 1], [0, 1, 1]])
    assert_same(m["gap"], [[0, 0, (50 - 40) / 100], [0, 0, 0], [(50 - 40) / 100, 0, 0]])
    assert_same(
        m["distance"], [[0, 60 / 100, 30 / 100], [60 / 100, 0, 30 / 100], [30 / 100, 30 / 100, 0]]
    )
    ac = (50 - 40) / 100 * (0.6 + 0.2) / 2
    assert_same(m["conflict"], [[0, 0, ac], [0, 0, 0], [ac, 0, 0]])


def test_tiny_early_snapshot(tiny: Case) -> None:
    # at 2023-06-01 a still accepted only o1..o2: the ord gap to b is 2/4
    gap = issue_matrices(tiny, "gap", at="2023-06-01")["ord"]
    assert gap.loc["a", "b"] == pytest.approx((3 - 1) / 4)


def test_frame_layout(tiny: Case) -> None:
    m = issue_matrices(tiny, "overlap", parties=["c", "a"])
    assert list(m) == ["ord", "nom", "num"]
    df = m["ord"]
    assert list(df.index) == ["a", "c"] and list(df.columns) == ["a", "c"]  # case order
    assert df.index.name == "party" and df.columns.name == "other"
    assert df.dtypes.map(lambda d: d == np.float64).all()


def test_unknown_kind_and_party(tiny: Case) -> None:
    with pytest.raises(engine.UnknownIdError, match="did you mean 'overlap'"):
        issue_matrices(tiny, "overlpa")
    with pytest.raises(engine.UnknownIdError, match="unknown party 'd'"):
        issue_matrices(tiny, "gap", parties=["a", "d"])


# -------------------------------------------------------------- special cases


def test_nominal_zero_distance_gap_without_intersection() -> None:
    nom = Issue("nom", "N", "nominal", opts("x", "y", "z"), distances=(("x", "y", 0.0),))
    case = make_case(
        (nom,),
        [Position("a", "nom", "x", S("x"), 0.5), Position("b", "nom", "y", S("y"), 0.5)],
        ("a", "b"),
    )
    assert issue_matrices(case, "gap")["nom"].loc["a", "b"] == 0.0
    assert (
        issue_matrices(case, "compatible")["nom"].loc["a", "b"] == 0.0
    )  # about intersection only
    assert issue_matrices(case, "conflict")["nom"].loc["a", "b"] == 0.0
    assert issue_matrices(case, "overlap")["nom"].loc["a", "b"] == 0.0


def test_interval_points_and_touching() -> None:
    ps = [
        Position("a", "num", 50.0, Span(50.0, 50.0), 0.5),
        Position("b", "num", 50.0, Span(50.0, 50.0), 0.5),  # the same point as a
        Position("c", "num", 60.0, Span(60.0, 60.0), 0.5),  # another point
        Position("d", "num", 20.0, Span(20.0, 50.0), 0.5),  # ends where a is
        Position("e", "num", 50.0, Span(50.0, 80.0), 0.5),  # starts where d ends
    ]
    case = make_case((NUM,), ps, ("a", "b", "c", "d", "e"))
    ov = issue_matrices(case, "overlap")["num"]
    cp = issue_matrices(case, "compatible")["num"]
    gap = issue_matrices(case, "gap")["num"]
    assert ov.loc["a", "b"] == 1.0 and cp.loc["a", "b"] == 1.0  # identical points
    assert ov.loc["a", "c"] == 0.0 and cp.loc["a", "c"] == 0.0
    assert gap.loc["a", "c"] == pytest.approx((60 - 50) / 100)
    assert ov.loc["a", "d"] == 0.0 and cp.loc["a", "d"] == 1.0  # a point at the end of an interval
    assert ov.loc["d", "e"] == 0.0 / (30 + 30) and cp.loc["d", "e"] == 1.0  # touching intervals
    assert gap.loc["d", "e"] == 0.0


def test_widening_can_lower_overlap() -> None:
    """The counterexample documented in issue_matrices' Notes: Jaccard is not monotone."""
    before = make_case(
        (NOM,), [Position("a", "nom", "x", S("x")), Position("b", "nom", "x", S("x"))], ("a", "b")
    )
    after = make_case(
        (NOM,),
        [Position("a", "nom", "x", S("x", "y")), Position("b", "nom", "x", S("x"))],
        ("a", "b"),
    )
    assert issue_matrices(before, "overlap")["nom"].loc["a", "b"] == 1 / 1
    assert issue_matrices(after, "overlap")["nom"].loc["a", "b"] == 1 / 2
    span_before = make_case(
        (NUM,),
        [Position("a", "num", 5.0, Span(0, 10)), Position("b", "num", 5.0, Span(0, 10))],
        ("a", "b"),
    )
    span_after = make_case(
        (NUM,),
        [Position("a", "num", 5.0, Span(0, 20)), Position("b", "num", 5.0, Span(0, 10))],
        ("a", "b"),
    )
    assert issue_matrices(span_before, "overlap")["num"].loc["a", "b"] == 1.0
    assert issue_matrices(span_after, "overlap")["num"].loc["a", "b"] == 10 / 20


# ---------------------------------------------------------------- properties


@HALF
@given(cases(max_parties=5, max_issues=4, with_requires=True))
def test_vectorised_matches_reference(case: Case) -> None:
    for kind in MATRIX_KINDS:
        fast = issue_matrices(case, kind)
        slow = reference_matrices(case, kind)
        for issue_id in case.issue_ids:
            assert_same(fast[issue_id], slow[issue_id])


@THIRD
@given(cases(n_dates=3, max_parties=4), st.data())
def test_vectorised_matches_reference_over_time_and_subsets(
    case: Case, data: st.DataObject
) -> None:
    date = data.draw(st.sampled_from(case.dates))
    chosen = data.draw(st.lists(st.sampled_from(case.party_ids), unique=True))
    for kind in ("gap", "overlap"):
        fast = issue_matrices(case, kind, at=date, parties=chosen)
        slow = reference_matrices(case, kind, at=date, parties=chosen)
        for issue_id in case.issue_ids:
            assert_same(fast[issue_id], slow[issue_id])


@HALF
@given(cases())
def test_symmetry_bounds_diagonal_and_nan(case: Case) -> None:
    state = case.at()
    for kind in MATRIX_KINDS:
        for issue_id, df in issue_matrices(case, kind).items():
            m = df.to_numpy()
            assert np.array_equal(m, m.T, equal_nan=True)
            vals = m[~np.isnan(m)]
            assert ((vals >= 0) & (vals <= 1)).all()
            for r, p in enumerate(case.party_ids):
                has = (p, issue_id) in state
                # no position: NaN in the whole row, never zero
                assert bool(np.isnan(m[r]).all()) == (not has)
                if has:
                    assert m[r, r] == (1.0 if kind in ("overlap", "compatible") else 0.0)
                else:
                    assert np.isnan(m[r]).all() and np.isnan(m[:, r]).all()


@THIRD
@given(cases())
def test_gap_zero_iff_compatible_except_zero_distance(case: Case) -> None:
    gap = issue_matrices(case, "gap")
    comp = issue_matrices(case, "compatible")
    for issue in case.issues:
        g, c = gap[issue.id].to_numpy(), comp[issue.id].to_numpy()
        defined = ~np.isnan(g)
        assert (g[defined & (c == 1)] == 0).all()  # compatible -> gap 0
        if issue.is_interval or not any(d == 0 for *_, d in issue.distances):
            assert (g[defined & (c == 0)] > 0).all()  # incompatible -> gap > 0


def _widen(issue: Issue, pos: Position, draw: Any) -> Position:
    acc = pos.acceptable
    if isinstance(acc, Span):
        assert issue.min is not None and issue.max is not None
        lo = draw(st.integers(int(issue.min), int(acc.lo)))
        hi = draw(st.integers(int(acc.hi), int(issue.max)))
        return dataclasses.replace(pos, acceptable=Span(float(lo), float(hi)))
    extra = draw(st.sets(st.sampled_from(issue.option_ids)))
    return dataclasses.replace(pos, acceptable=OptionSet(acc.ids | frozenset(extra)))


def _intersection_size(issue: Issue, a: Position, b: Position) -> float:
    if issue.is_interval:
        A, B = a.acceptable, b.acceptable
        return (
            max(0.0, min(A.hi, B.hi) - max(A.lo, B.lo))
            if min(A.hi, B.hi) >= max(A.lo, B.lo)
            else -1.0
        )  # type: ignore[union-attr]
    return float(len(a.acceptable.ids & b.acceptable.ids))  # type: ignore[union-attr]


def _replace_position(case: Case, new: Position) -> Case:
    statements = tuple(
        dataclasses.replace(
            st_,
            positions=tuple(
                (i, new if (st_.party, i) == (new.party, new.issue) and p is not None else p)
                for i, p in st_.positions
            ),
        )
        for st_ in case.statements
    )
    return dataclasses.replace(case, statements=statements)


@HALF
@given(cases(allow_missing=False), st.data())
def test_widening_never_raises_gap_nor_loses_compatibility(
    case: Case, data: st.DataObject
) -> None:
    """The property that does hold (overlap may drop: see test_widening_can_lower_overlap)."""
    (party, issue_id), pos = data.draw(
        st.sampled_from(sorted(case.at().items(), key=lambda kv: kv[0]))
    )
    issue = case.issue(issue_id)
    wider = _widen(issue, pos, data.draw)
    new = _replace_position(case, wider)
    assert new.at()[(party, issue_id)] == wider
    r = case.party_ids.index(party)
    for kind in ("gap", "conflict"):
        before = issue_matrices(case, kind)[issue_id].to_numpy()[r]
        after = issue_matrices(new, kind)[issue_id].to_numpy()[r]
        assert (after <= before + 1e-12).all()
    cb = issue_matrices(case, "compatible")[issue_id].to_numpy()[r]
    ca = issue_matrices(new, "compatible")[issue_id].to_numpy()[r]
    assert (ca >= cb).all()
    state_b, state_a = case.at(), new.at()
    for q in case.party_ids:
        if q != party:
            assert _intersection_size(
                issue, state_a[(party, issue_id)], state_a[(q, issue_id)]
            ) >= _intersection_size(issue, state_b[(party, issue_id)], state_b[(q, issue_id)])
    # the aggregate conflict and the total conflict never rise either
    cm_b = engine.conflict_matrix(case).to_numpy()
    cm_a = engine.conflict_matrix(new).to_numpy()
    ok = ~np.isnan(cm_b)
    assert (cm_a[ok] <= cm_b[ok] + 1e-12).all()
    assert engine.total_conflict(new) <= engine.total_conflict(case) + 1e-12


def test_arrays_are_cached_and_read_only(tiny: Case) -> None:
    from engine.analysis.arrays import case_arrays

    a1 = case_arrays(tiny)
    assert case_arrays(tiny, tiny.as_of) is a1
    assert case_arrays(tiny, parties=["a"]) is not a1
    with pytest.raises(ValueError, match="read-only"):
        a1.issues[0].salience[0] = 0.0


def test_case_not_mutated(tiny: Case) -> None:
    before = (tiny.parties, tiny.issues, tiny.statements, dict(tiny.at()))
    for kind in MATRIX_KINDS:
        issue_matrices(tiny, kind)
    assert (tiny.parties, tiny.issues, tiny.statements, dict(tiny.at())) == before


def test_reference_pair_is_exact_on_tiny(tiny: Case) -> None:
    """The reference itself, checked against two numbers worked by hand."""
    st_ = tiny.at()
    r = reference_pair(tiny.issue("num"), st_[("a", "num")], st_[("c", "num")])
    assert math.isclose(r["conflict"], 0.1 * 0.4)
    r = reference_pair(tiny.issue("ord"), st_[("a", "ord")], st_[("c", "ord")])
    assert r["overlap"] == 0.5
