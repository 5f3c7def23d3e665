"""GENIUS's additive domains: zopa's frontier is the exact one, and why other counts differ.

The reference is brute force in exact rational arithmetic straight from the
XML: every package of the domain, each weight and evaluation read as the
decimal written in the file (:class:`fractions.Fraction`), with GENIUS's
reading of an additive profile::

    U = Σ_i w_i · e_i(o_i) / max_v e_i(v) / Σ_i w_i

(its discrete evaluator divides each evaluation by the issue's largest). zopa
reads a negative evaluation as 0 (docs/import.md); the reference does too.

Earlier notes had **Car-A** at zopa 56 points against "GENIUS/NegMAS 55",
and **EnglandZimbabwe** at zopa 25 against 23. Exactly:

- *Car-A* has **53** points (75 packages). zopa's 56 came from its importer:
  saliences were weight / the largest weight (0.16 / 0.17 = 16/17), which no
  decimal holds, so the rounded saliences moved every utility by ~10⁻¹⁷ and
  broke exact ties; three packages that tie exactly on one party with a
  frontier point and are worse for the other survived. Saliences are now the
  weights as written (exact decimals): 53. NegMAS 0.16's 55 are the same 53
  plus two packages of the same kind: it sums ``w · e`` in doubles, issue by
  issue, and for two packages that tie exactly with a frontier point on
  prof1 (0.9403 and 0.9267; one of them is also among the three above) the
  sum comes out one ulp above the partner's (94.03000000000002 against
  94.03, in its units). A Pareto filter on those doubles, reproduced here,
  keeps exactly NegMAS's 55 points (bitwise, checked against NegMAS in the
  benchmark's environment when this was written).
- *EnglandZimbabwe* has **25** points with GENIUS's reading, zopa's 25.
  NegMAS 0.16's ``Scenario.from_genius_folder`` does not divide evaluations
  by the issue's largest (its utilities reach Σ w · max e, not 1), and the
  issues' largest evaluations differ (England 9, 8, 12, 10, 10), so it
  weighs the issues differently: that utility's exact frontier has the 23
  points NegMAS lists. No rounding is involved there. (For Car-A every
  issue's largest evaluation is 100, so the two readings agree.)

GENIUS itself was not run here (no GENIUS jar): the counts above attributed
to it came with NegMAS's and are NegMAS's.
"""

from __future__ import annotations

import itertools
import math
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import pytest

from engine.io.importers.genius import read_genius
from engine.solve.bargaining import package_utilities, pareto_packages

KW = {"as_of": "2024-01-15", "source_url": "https://example.org/genius"}

#: the additive domains: folder, profile files in zopa's party order, parties
DOMAINS = {
    "Car-A-domain": (("Car-A-prof1.xml", "Car-A-prof2.xml"), ("car-a-prof1", "car-a-prof2")),
    "EnglandZimbabwe": (("England.xml", "Zimbabwe.xml"), ("england", "zimbabwe")),
    "ItexvsCypress": (("Cypress.xml", "Itex.xml"), ("cypress", "itex")),
    "Laptop": (("Laptop-C-prof1.xml", "Laptop-C-prof2.xml"), ("laptop-c-prof1", "laptop-c-prof2")),
    "Travel": (("travel_chox.xml", "travel_fanny.xml"), ("travel_chox", "travel_fanny")),
}

Profile = tuple[list[Fraction], list[dict[str, Fraction]]]  # weights, evaluations by issue


def _profile(path: Path) -> Profile:
    """Weights and evaluations, issue by issue in index order, exactly as written."""
    root = ET.parse(path).getroot()
    weights = {w.get("index"): Fraction(w.get("value", "")) for w in root.iter("weight")}
    issues = sorted(root.iter("issue"), key=lambda i: int(i.get("index", "0")))
    evals = [
        {it.get("value", ""): Fraction(it.get("evaluation", "")) for it in i.findall("item")}
        for i in issues
    ]
    return [weights[i.get("index")] for i in issues], evals


def _genius(profile: Profile) -> tuple[list[dict[str, Fraction]], Fraction]:
    """GENIUS's reading: per issue, label -> w · max(e, 0) / max e; and Σ w (the divisor)."""
    weights, evals = profile
    parts = []
    for w, table in zip(weights, evals, strict=True):
        top = max(table.values())
        parts.append({v: w * max(e, Fraction(0)) / top for v, e in table.items()})
    return parts, sum(weights, Fraction(0))


def _raw(profile: Profile) -> tuple[list[dict[str, Fraction]], Fraction]:
    """NegMAS 0.16's reading: label -> w · e, undivided (its utilities are Σ w · e)."""
    weights, evals = profile
    return [
        {v: w * e for v, e in t.items()} for w, t in zip(weights, evals, strict=True)
    ], Fraction(1)


def _old_zopa(profile: Profile) -> tuple[list[dict[str, Fraction]], Fraction]:
    """The earlier import: saliences float(w / max w), read back as their shortest decimals."""
    weights, evals = profile
    top = max(weights)
    sal = [Fraction(repr(float(w / top))) for w in weights]
    parts = [
        {v: s * max(e, Fraction(0)) / max(t.values()) for v, e in t.items()}
        for s, t in zip(sal, evals, strict=True)
    ]
    return parts, sum(sal, Fraction(0))


def _frontier(parts: list[tuple[list[dict[str, Fraction]], Fraction]]) -> dict:
    """Brute force: exact non-dominated vector -> (packages, first package in label order)."""
    labels = [list(t) for t in parts[0][0]]
    scale = [  # integers: each party's contributions over their common denominator
        math.lcm(*(x.denominator for table in p for x in table.values())) for p, _ in parts
    ]
    ints = [
        [{v: int(x * s) for v, x in t.items()} for t in p]
        for (p, _), s in zip(parts, scale, strict=True)
    ]
    seen: dict[tuple[int, ...], list] = {}
    for package in itertools.product(*labels):
        key = tuple(sum(t[v] for t, v in zip(p, package, strict=True)) for p in ints)
        if key in seen:
            seen[key][0] += 1
        else:
            seen[key] = [1, package]
    front, best = [], None
    for key in sorted(seen, reverse=True):  # two parties: a sweep
        if best is None or key[1] > best:
            front.append(key)
            best = key[1]
    return {
        tuple(Fraction(k, s) / d for k, s, (_, d) in zip(key, scale, parts, strict=True)): (
            seen[key][0],
            seen[key][1],
        )
        for key in front
    }


def _reference(folder: Path, reading) -> dict:  # type: ignore[no-untyped-def]
    files, _ = DOMAINS[folder.name]
    return _frontier([reading(_profile(folder / f)) for f in files])


@pytest.mark.shared_data
@pytest.mark.parametrize("name", sorted(DOMAINS))
def test_zopa_frontier_is_the_exact_frontier(shared_data: Path, name: str) -> None:
    """Same points, the same number of packages at each, and a package that attains it.

    Points agree to 1e-12: the saliences are now exact, but a value e / max e
    that is no decimal (7/9 in EnglandZimbabwe) is the nearest double.
    """
    folder = shared_data / "genius" / name
    exact = _reference(folder, _genius)
    case = read_genius(folder, **KW)
    _, parties = DOMAINS[name]
    front = pareto_packages(case, list(parties), respect_red_lines=False)
    assert len(front) == len(exact)
    ordered = sorted(exact.items(), key=lambda kv: kv[0], reverse=True)
    labels = {iid: {o.id: o.label for o in case.issue(iid).options} for iid in case.issue_ids}
    for (_, row), (point, (count, _)) in zip(front.iterrows(), ordered, strict=True):
        got = [row[f"U({p})"] for p in parties]
        assert got == pytest.approx([float(u) for u in point], abs=1e-12)
        assert row["#packages"] == count
        package = {iid: row[iid] for iid in case.issue_ids}
        assert [package_utilities(case, package)[p] for p in parties] == pytest.approx(
            got, abs=1e-12
        )
        assert all(labels[i][package[i]] for i in package)


@pytest.mark.shared_data
def test_car_a_has_53_points_and_the_old_56_and_negmas_55_are_broken_ties(
    shared_data: Path,
) -> None:
    folder = shared_data / "genius" / "Car-A-domain"
    exact = _reference(folder, _genius)
    assert len(exact) == 53 and sum(c for c, _ in exact.values()) == 75
    # every issue's largest evaluation is 100: NegMAS's undivided reading has the same frontier
    assert sorted(tuple(x * 100 for x in u) for u in exact) == sorted(
        _reference(folder, _raw)
    )  # Σ w = 1
    assert len(pareto_packages(read_genius(folder, **KW), ["car-a-prof1", "car-a-prof2"])) == 53

    # the earlier saliences (w / max w, rounded): 56 points, the exact 53 and three broken ties
    old = _reference(folder, _old_zopa)
    assert len(old) == 56
    genius_parts = [_genius(_profile(folder / f)) for f in DOMAINS["Car-A-domain"][0]]

    def exact_utility(package: tuple[str, ...]) -> tuple[Fraction, ...]:
        return tuple(
            sum((t[v] for t, v in zip(p, package, strict=True)), Fraction(0)) / d
            for p, d in genius_parts
        )

    extra = {exact_utility(pkg) for _, pkg in old.values()} - set(exact)
    assert sorted(extra, reverse=True) == [
        (Fraction(9267, 10000), Fraction(2334, 2500)),
        (Fraction(4709, 10000), Fraction(992, 1000)),
        (Fraction(323, 1000), Fraction(996, 1000)),
    ]
    for u in extra:  # each ties exactly, on one party, with a frontier point better for the other
        partner = [
            p for p in exact if (p[0] == u[0] and p[1] > u[1]) or (p[1] == u[1] and p[0] > u[0])
        ]
        assert len(partner) == 1, u

    # NegMAS 0.16: Σ w · e in doubles, issue by issue (LinearAdditiveUtilityFunction.eval),
    # filtered as floats: 55 points, two exact ties on prof1 broken by one ulp
    floats = _float_frontier(folder)
    assert len(floats) == 55
    scaled = {tuple(x * 100 for x in u) for u in exact}  # NegMAS's units: Σ w · e
    near = [
        p
        for p in floats
        if not any(max(abs(p[0] - q[0]), abs(p[1] - q[1])) < 1e-9 for q in scaled)
    ]
    assert near == [(94.03000000000002, 91.75999999999999), (92.67000000000002, 93.35999999999999)]
    # each is a package worth a/100 to prof1 exactly, as much as a frontier point that gives
    # prof2 more: dominated in exact arithmetic, kept by one ulp in doubles
    for (x, y), (a, b, partner) in zip(
        near, ((9403, 9176, 9296), (9267, 9336, 9388)), strict=True
    ):
        assert (x, y) == pytest.approx((a / 100, b / 100), abs=1e-12) and x > a / 100
        assert (Fraction(a, 100), Fraction(partner, 100)) in scaled


def _float_frontier(folder: Path) -> list[tuple[float, float]]:
    """Every package's Σ w · e summed in doubles issue by issue, then a float Pareto filter."""
    tables = []
    for f in DOMAINS[folder.name][0]:
        weights, evals = _profile(folder / f)
        tables.append(
            [
                {v: float(w) * float(e) for v, e in t.items()}
                for w, t in zip(weights, evals, strict=True)
            ]
        )
    seen = set()
    for package in itertools.product(*(list(t) for t in tables[0])):
        u = []
        for table in tables:
            total = 0.0
            for t, v in zip(table, package, strict=True):
                total += t[v]
            u.append(total)
        seen.add(tuple(u))
    front, best = [], None
    for p in sorted(seen, reverse=True):
        if best is None or p[1] > best:
            front.append(p)
            best = p[1]
    return front


@pytest.mark.shared_data
def test_england_zimbabwe_25_and_negmas_23_read_the_evaluations_differently(
    shared_data: Path,
) -> None:
    folder = shared_data / "genius" / "EnglandZimbabwe"
    exact = _reference(folder, _genius)
    assert len(exact) == 25 and all(c == 1 for c, _ in exact.values())
    case = read_genius(folder, **KW)
    assert len(pareto_packages(case, ["england", "zimbabwe"])) == 25
    # the issues' largest evaluations differ, so leaving them undivided reweights the issues
    tops = [max(t.values()) for t in _profile(folder / "England.xml")[1]]
    assert tops == [9, 8, 12, 10, 10]
    undivided = _reference(folder, _raw)  # NegMAS 0.16's reading, in exact arithmetic
    assert len(undivided) == 23
    # the two frontiers are of two different utilities: a package on one need not be on the other
    packages = {pkg for _, pkg in exact.values()}
    assert packages != {pkg for _, pkg in undivided.values()}
