"""The leximin stages by dynamic programming (engine.solve.cost_vectors) against the MILP and brute force.

The stages' values must be exactly those the MILP stages of the tie rule reach
(:func:`engine.solve.ties._tie_first`), and those of the definition written
out over every package; when the enumeration is refused (too large), settle
solves the stages and reports the same package.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings

from engine import Case, settle
from engine.solve import cost_vectors
from engine.solve.cost_vectors import leximin_values
from engine.solve.programme import _programme
from engine.solve.results import COST_TOLERANCE, _evaluate
from engine.solve.ties import MAX_OPTIMA, _leximin_stages
from tests.engine.solve.test_settle import (
    _positions,
    evaluate,
    make_case,
    nominal,
    opts,
    ordinal,
    packages,
    pos,
)
from tests.strategies import cases

FEW = settings(max_examples=max(10, settings().max_examples // 2))


def brute_stages(case: Case) -> list[float] | None:
    """The leximin stages among the cheapest packages, from every package (definition)."""
    positions = _positions(case)
    parties = sorted({p.party for p in positions}, key=case.party_ids.index)
    rows = []
    for pkg in packages(case, positions):
        ok, costs = evaluate(case, positions, pkg)
        if ok:
            rows.append([costs.get(p, 0.0) for p in parties])
    if not rows:
        return None
    best = min(math.fsum(r) for r in rows)
    vectors = [r for r in rows if math.fsum(r) <= best + COST_TOLERANCE]
    out = []
    for k in range(1, len(parties) + 1):
        top = [math.fsum(sorted(v, reverse=True)[:k]) for v in vectors]
        out.append(min(top))
        vectors = [v for v, s in zip(vectors, top, strict=True) if s <= out[-1] + COST_TOLERANCE]
    return out


def milp_stages(case: Case) -> tuple[list[float], list[float] | None] | None:
    """The MILP stages of the tie rule under ``total``, and the enumeration's values."""
    prog = _programme(case, case.as_of, case.party_ids, segments=False)
    total = prog.total_cost()
    res = prog.solve(total)
    if res.x is None:
        return None
    opt = sum(_evaluate(prog, prog.package(res.x)).costs.values())
    held = [(total, -math.inf, opt + COST_TOLERANCE)]
    values = []
    for expr, aux in _leximin_stages(prog):
        held.extend(aux)
        r = prog.solve(expr, held)
        assert r.value is not None
        values.append(r.value)
        held.append((expr, -math.inf, r.value + COST_TOLERANCE))
    return values, leximin_values(prog, opt + COST_TOLERANCE)


@FEW
@given(
    cases(
        max_parties=4, max_issues=4, scales=("ordinal", "nominal", "interval"),
        max_options=4, with_requires=True,
    )
)  # fmt: skip
def test_stages_match_the_milp_and_brute_force(case: Case) -> None:
    assume(_positions(case))  # (nothing to settle)
    got = milp_stages(case)
    expected = brute_stages(case)
    if got is None:
        assert expected is None
        return
    milp, exact = got
    assert expected is not None and exact is not None
    assert exact == pytest.approx(expected, abs=1e-9)
    assert milp == pytest.approx(expected, abs=1e-6)


def test_partition_by_hand() -> None:
    # Two parties, three nominal issues; on each, a's ideal and b's ideal cost the same total
    # (salience s to whoever loses): the cheapest packages split 2 + 3 + 4 = 9 between them.
    # Max cost: {2, 3, 4} cannot be split 4.5 / 4.5; the best is 5 / 4 (2+3 vs 4).
    case = make_case(
        [nominal(f"n{j}", ["x", "y"]) for j in range(3)],
        [
            *(pos("a", f"n{j}", "x", salience=s / 10) for j, s in enumerate((2, 3, 4))),
            *(pos("b", f"n{j}", "y", salience=s / 10) for j, s in enumerate((2, 3, 4))),
        ],
    )
    got = milp_stages(case)
    assert got is not None
    milp, exact = got
    assert exact == pytest.approx([0.5, 0.5 + 0.4])
    assert milp == pytest.approx(exact)
    s = settle(case)
    assert max(s.party_costs.values()) == pytest.approx(0.5)


def test_linked_issues_form_one_group() -> None:
    # b accepts y on n1 only if n0 = x; the two issues are enumerated together.
    case = make_case(
        [nominal("n0", ["x", "y"]), ordinal("n1", 3)],
        [
            pos("a", "n0", "x", salience=0.5),
            pos("b", "n0", "y", salience=0.5),
            pos("a", "n1", "o0", opts("o0", "o1"), salience=0.5),
            pos("b", "n1", "o2", opts("o1", "o2"), salience=0.5, requires=(("n0", opts("x")),)),
        ],
    )
    prog = _programme(case, case.as_of, case.party_ids, segments=False)
    assert cost_vectors._groups(prog) == [["n0", "n1"]]
    got = milp_stages(case)
    assert got is not None and got[1] == pytest.approx(brute_stages(case))


@FEW
@given(cases(max_parties=3, max_issues=3, scales=("ordinal", "nominal"), max_options=4))
def test_settle_is_the_same_when_the_enumeration_is_refused(case: Case) -> None:
    with_dp = settle(case, alternatives=MAX_OPTIMA)
    old = cost_vectors.MAX_COMBINATIONS
    cost_vectors.MAX_COMBINATIONS = 0  # every group too large: the MILP stages run
    try:
        without = settle(case, alternatives=MAX_OPTIMA)
    finally:
        cost_vectors.MAX_COMBINATIONS = old
    assert dict(with_dp.outcomes) == dict(without.outcomes)
    assert [dict(a.outcomes) for a in with_dp.alternatives] == [
        dict(a.outcomes) for a in without.alternatives
    ]


def test_refused_when_too_large() -> None:
    case = make_case(
        [ordinal(f"o{j}", 3) for j in range(2)],
        [pos("a", "o0", "o0"), pos("b", "o1", "o2"), pos("b", "o0", "o2")],
    )
    prog = _programme(case, case.as_of, case.party_ids, segments=False)
    assert leximin_values(prog, 10.0) is not None
    old = cost_vectors.MAX_VECTORS
    cost_vectors.MAX_VECTORS = 0
    try:
        assert leximin_values(prog, 10.0) is None
    finally:
        cost_vectors.MAX_VECTORS = old
