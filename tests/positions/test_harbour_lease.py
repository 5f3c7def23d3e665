"""The shipped classroom case positions/harbour-lease: it loads, and its points add up."""

from __future__ import annotations

import pytest

import engine
from engine.solve.bargaining import nash_package, pareto_packages
from engine.solve.score import parse_package, score_package
from reports.cli.main import main

CASE = "positions/harbour-lease"


@pytest.fixture(scope="module")
def case() -> engine.Case:
    return engine.load_case(CASE)


def test_it_loads_with_values_and_reservations(case: engine.Case) -> None:
    assert case.party_ids == ("port", "ferries")
    assert 4 <= len(case.issues) <= 6
    assert all(pos.values for pos in case.at().values())
    assert (case.party("port").reservation, case.party("ferries").reservation) == (0.35, 0.3)


def test_frontier_and_nash(case: engine.Case) -> None:
    front = pareto_packages(case, ["port", "ferries"])
    assert (
        len(front) > 1 and (front["U(port)"] >= 0.35).all() and (front["U(ferries)"] >= 0.3).all()
    )
    nash = nash_package(case, ["port", "ferries"])
    assert nash.found and nash.point == front.attrs["nash_point"]
    assert nash.disagreement == {"port": 0.35, "ferries": 0.3}  # the reservations


def test_a_hand_worked_package_scores_the_points_table(case: engine.Case) -> None:
    pkg = parse_package(
        case, "term=15,rent=r400k,dredging=split,hiring=quarter,night_sailings=summer_only"
    )
    s = score_package(case, pkg)
    # port: term 15 → 0.8, r400k 0.75, split 0.6, quarter 0.7, summer_only 1 (saliences sum to 1)
    assert s.utilities["port"] == pytest.approx(
        0.15 * 0.8 + 0.4 * 0.75 + 0.2 * 0.6 + 0.15 * 0.7 + 0.1 * 1
    )
    # ferries: term 15 → 0.6, r400k 0.4, split 0.5, quarter 0.8, summer_only 0.4
    assert s.utilities["ferries"] == pytest.approx(
        0.3 * 0.6 + 0.2 * 0.4 + 0.15 * 0.5 + 0.05 * 0.8 + 0.3 * 0.4
    )
    assert s.rational and not s.on_frontier and s.distance > 0
    # the frontier point term 15, r400k, ferries_pay, half, allowed: (0.85, 0.575) beats (0.745, 0.495)
    # by (0.105, 0.08), the nearest in shortfall
    assert s.distance == pytest.approx((0.105**2 + 0.08**2) ** 0.5)


def test_the_nash_package_is_on_the_frontier(case: engine.Case) -> None:
    nash = nash_package(case, ["port", "ferries"])
    assert nash.package is not None
    s = score_package(case, nash.package)
    assert s.on_frontier and s.distance == 0.0 and s.nearest_point == s.nash_point


def test_cli_check_score_and_report(tmp_path, capsys) -> None:
    assert main(["check", CASE]) == 0
    pkg = "term=15,rent=r400k,dredging=split,hiring=quarter,night_sailings=summer_only"
    capsys.readouterr()
    assert main(["score", CASE, "--package", pkg]) == 0
    out = capsys.readouterr().out
    assert "0.745" in out and "0.495" in out and "below the Pareto frontier" in out
    assert main(["score", CASE, "--package", "term=15,rent=r4k"]) == 1
    assert "did you mean 'r400k'" in capsys.readouterr().err
    assert main(["report", CASE, "-o", str(tmp_path / "r")]) == 0
    assert (tmp_path / "r" / "report.html").is_file()
