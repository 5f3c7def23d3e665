"""GENIUS import keeps each profile's evaluations, weights and reservation value.

Reference figures for ItexvsCypress (the domain's 180 outcomes, its 17
frontier points and the Nash utilities) are GENIUS's, reproduced by NegMAS
0.16 from the same files; they are compared here within 1e-6.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from engine.io.importers.genius import read_genius
from engine.solve.bargaining import nash_package, package_utilities, pareto_packages
from reports.export.caseio import write_case

KW = {"as_of": "2024-01-15", "source_url": "https://example.org/genius"}


@pytest.mark.shared_data
def test_itex_vs_cypress_frontier_and_nash(shared_data: Path) -> None:
    case = read_genius(shared_data / "genius" / "ItexvsCypress", **KW)
    assert {p.id: p.reservation for p in case.parties} == {
        "cypress": -0.03555632534161568,
        "itex": -0.03864871609160703,
    }
    sizes = [case.issue(i).k for i in case.issue_ids]
    assert sizes == [5, 4, 3, 3] and 5 * 4 * 3 * 3 == 180
    front = pareto_packages(case, ["cypress", "itex"])
    assert len(front) == 17
    nash = nash_package(case, ["cypress", "itex"])
    assert nash.utilities["cypress"] == pytest.approx(0.771555, abs=1e-6)
    assert nash.utilities["itex"] == pytest.approx(0.677064, abs=1e-6)


@pytest.mark.shared_data
def test_itex_vs_cypress_utilities_are_genius_utilities(shared_data: Path) -> None:
    """Every one of the 180 outcomes: U = Σ w · eval / max eval / Σ w, read straight from the XML."""
    import xml.etree.ElementTree as ET

    folder = shared_data / "genius" / "ItexvsCypress"
    case = read_genius(folder, **KW)
    genius = {}
    for party, name in (("cypress", "Cypress.xml"), ("itex", "Itex.xml")):
        root = ET.parse(folder / name).getroot()
        weights = {w.get("index"): float(w.get("value")) for w in root.iter("weight")}
        tables = {
            i.get("index"): {it.get("value"): float(it.get("evaluation")) for it in i.iter("item")}
            for i in root.iter("issue")
        }
        genius[party] = (weights, tables)
    labels = [[o.label for o in case.issue(i).options] for i in case.issue_ids]
    for combo in itertools.product(*(range(len(x)) for x in labels)):
        package = {
            iid: case.issue(iid).option_ids[k]
            for iid, k in zip(case.issue_ids, combo, strict=True)
        }
        u = package_utilities(case, package)
        for party, (weights, tables) in genius.items():
            total = sum(weights.values())
            want = sum(
                weights[str(n + 1)]
                * tables[str(n + 1)][labels[n][k]]
                / max(tables[str(n + 1)].values())
                for n, k in enumerate(combo)
            )
            assert u[party] == pytest.approx(want / total, abs=1e-12)


@pytest.mark.shared_data
def test_imported_values_survive_writing_and_loading(shared_data: Path, tmp_path: Path) -> None:
    import engine

    case = read_genius(shared_data / "genius" / "ItexvsCypress", **KW)
    write_case(case, tmp_path / "itex")
    again = engine.load_case(tmp_path / "itex")
    assert len(pareto_packages(again, ["cypress", "itex"])) == 17
    assert again.party("itex").reservation == case.party("itex").reservation


def test_small_additive_profile_keeps_its_evaluations() -> None:
    case = read_genius("tests/data/import/genius/market", **KW)
    # Colour: Red 3, Blue 3, Green 1 → divided by the largest evaluation, 3
    assert case.at()[("buyer", "colour")].values == (("red", 1.0), ("blue", 1.0), ("green", 1 / 3))
    # Price: Low 10, Medium 6, High 1 → / 10
    assert case.at()[("buyer", "price")].values == (("low", 1.0), ("medium", 0.6), ("high", 0.1))
