"""The packages-against-the-frontier figure: its data checked by hand on harbour-lease, its drawing smoke-tested."""

from __future__ import annotations

import pytest

import engine
from engine.solve.score import parse_package, score_package
from reports.figures import style
from reports.figures.packages import alt_packages, packages_data, plot_packages, size_packages

SPLIT = "term=15,rent=r400k,dredging=split,hiring=quarter,night_sailings=summer_only"
NASH = "term=25,rent=r500k,dredging=split,hiring=half,night_sailings=allowed"


@pytest.fixture(scope="module")
def harbour():
    return engine.load_case("harbour-lease")


@pytest.fixture(scope="module")
def data(harbour):
    front = engine.pareto_packages(harbour, harbour.party_ids)
    scores = {
        label: score_package(harbour, parse_package(harbour, text))
        for label, text in (("1", SPLIT), ("2", NASH), ("3", NASH))
    }
    return packages_data(front, scores, case=harbour)


def test_packages_data_by_hand(data):
    assert data.parties.to_dict("records") == [
        {"party": "port", "party_name": "Port", "axis": "x", "reservation": 0.35},
        {"party": "ferries", "party_name": "Ferries", "axis": "y", "reservation": 0.3},
    ]
    p = data.packages
    assert p["label"].tolist() == ["1", "2, 3"]  # the same point: one mark, both labels
    # Port: 0.15×0.8 + 0.4×0.75 + 0.2×0.6 + 0.15×0.7 + 0.1×1; Ferries: 0.3×0.6 + 0.2×0.4 + 0.15×0.5 + 0.05×0.8 + 0.3×0.4
    assert p.loc[0, "x"] == pytest.approx(0.15 * 0.8 + 0.4 * 0.75 + 0.2 * 0.6 + 0.15 * 0.7 + 0.1)
    assert p.loc[0, "y"] == pytest.approx(
        0.3 * 0.6 + 0.2 * 0.4 + 0.15 * 0.5 + 0.05 * 0.8 + 0.3 * 0.4
    )
    assert p["on_frontier"].tolist() == [False, True]
    nash = data.frontier[data.frontier["nash"]]
    # Port: 0.15×0 + 0.4×1 + 0.2×0.6 + 0.15×1 + 0.1×0.8; Ferries: 0.3×1 + 0 + 0.15×0.5 + 0.05×0.3 + 0.3×1
    assert len(nash) == 1
    assert nash["x"].iloc[0] == pytest.approx(0.4 + 0.2 * 0.6 + 0.15 + 0.1 * 0.8)
    assert nash["y"].iloc[0] == pytest.approx(0.3 + 0.15 * 0.5 + 0.05 * 0.3 + 0.3)
    assert data.frontier["x"].is_monotonic_increasing and len(data.frontier) == 20


def test_packages_data_needs_two_parties():
    tiny = engine.load_case("tests/cases/tiny")
    with pytest.raises(ValueError, match="two parties, not 3"):
        packages_data(engine.pareto_packages(tiny, ["a", "b", "c"]), {})


def test_packages_plot_draws_and_says_it_in_words(data):
    fig, ax = style.new_figure(*size_packages(data))
    assert plot_packages(data, ax=ax) is ax
    assert ax.get_xlabel() == "Points for Port" and ax.get_ylabel() == "Points for Ferries"
    labels = [t.get_text() for t in ax.texts]
    assert "1" in labels and "2, 3" in labels
    assert "Port walk-away 0.35" in labels
    svg = style.to_svg(fig, alt=alt_packages(data))
    assert svg == style.to_svg(plot_packages(data).figure, alt=alt_packages(data))  # deterministic
    alt = alt_packages(data)
    assert "20 efficient points" in alt and "Nash package: Port 0.75, Ferries 0.69." in alt
    assert "Package 1: Port 0.745, Ferries 0.495, below the frontier by 0.132." in alt
    assert "Package 2, 3: Port 0.75, Ferries 0.69, on the frontier." in alt
