"""GENIUS's non-linear ``10issues``: the published ``pareto.xml`` frontier, reproduced exactly.

``pareto.xml`` lists 10 utility pairs printed as 32-bit floats (8 significant
digits, e.g. ``0.67824775`` for 449/662 = 0.678247734…): their rounding error
is below 6·10⁻⁸, so a tolerance of 1e-6 separates every pair (the closest two
utilities of the file differ by 1.5·10⁻³) and proves nothing looser.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from engine.io.importers.genius import read_genius
from engine.solve.bargaining import nash_package, package_utilities, pareto_packages

KW = {"as_of": "2024-01-15", "source_url": "https://example.org/genius"}
PARTIES = ["profile-1", "profile-2"]


def _published(folder: Path) -> list[tuple[float, float]]:
    rows = (line.split(",") for line in (folder / "pareto.xml").read_text().splitlines())
    return [(float(a), float(b)) for a, b in (r for r in rows if len(r) == 2)]


def _genius_utility(profile: Path, bid: dict[str, int]) -> float:
    """GENIUS's NonlinearUtilitySpace: Σ weight · utility of the rectangles holding / maxutility."""
    root = ET.parse(profile).getroot()
    names = {i.get("index"): i.get("name") for i in root.iter("issue")}
    util = root.find(".//utility")
    assert util is not None
    total = 0.0
    for uf in util.iter("ufun"):
        for hr in uf.iter("hyperRectangle"):
            if all(
                int(b.get("min")) <= bid[names[b.get("index")]] <= int(b.get("max"))
                for b in hr.iter("INCLUDES")
            ):
                total += float(uf.get("weight", "1")) * float(hr.get("utility"))
    return total / float(util.get("maxutility"))


@pytest.mark.shared_data
def test_10issues_frontier_is_the_published_pareto_xml(shared_data: Path) -> None:
    folder = shared_data / "genius" / "10issues"
    case = read_genius(folder, **KW)
    assert [len(case.party(p).bonuses) for p in PARTIES] == [20, 20]
    front = pareto_packages(case, PARTIES)
    published = _published(folder)
    assert len(published) == 10
    ours = sorted(zip(front["U(profile-1)"], front["U(profile-2)"], strict=True))
    assert len(ours) == len(published)
    for (a, b), (pa, pb) in zip(ours, sorted(published), strict=True):
        assert a == pytest.approx(pa, abs=1e-6)
        assert b == pytest.approx(pb, abs=1e-6)
    # each point's package is worth its utilities, evaluated straight from the XML
    for _, row in front.iterrows():
        package = {iid: row[iid] for iid in case.issue_ids}
        bid = {
            case.issue(iid).name: int(case.issue(iid).option(o).label)
            for iid, o in package.items()
        }
        u = package_utilities(case, package, PARTIES)
        for n, p in enumerate(PARTIES):
            want = _genius_utility(folder / f"profile-{n + 1}.xml", bid)
            assert u[p] == pytest.approx(want, abs=1e-12)
            assert row[f"U({p})"] == pytest.approx(want, abs=1e-12)


@pytest.mark.shared_data
def test_10issues_nash_package_lies_on_the_published_frontier(shared_data: Path) -> None:
    folder = shared_data / "genius" / "10issues"
    case = read_genius(folder, **KW)
    nash = nash_package(case, PARTIES)
    assert nash.found
    # no reservation in the profiles: d = (0, 0), so the product is U₁ · U₂ over pareto.xml
    best = max(_published(folder), key=lambda ab: ab[0] * ab[1])
    assert (nash.utilities["profile-1"], nash.utilities["profile-2"]) == pytest.approx(
        best, abs=1e-6
    )
    assert nash.utilities["profile-1"] == 502 / 662
    assert nash.utilities["profile-2"] == 811 / 885
