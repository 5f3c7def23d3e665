"""Per-party ``values`` and ``reservation``: loading, and one test per validation rule."""

from __future__ import annotations

import shutil
from fractions import Fraction
from pathlib import Path

import pytest

import engine
from engine.model.errors import CaseError
from engine.model.values import value_of
from tests.conftest import CASES


def _case(tmp_path: Path, a_positions: str, *, party_extra: str = "", scenario: str = "") -> Path:
    """The tiny case with party a's file replaced by one statement of ``a_positions``."""
    folder = tmp_path / "tiny"
    shutil.copytree(CASES / "tiny", folder)
    if party_extra:
        text = (folder / "case.yaml").read_text()
        text = text.replace(
            "{id: a, name: Party A, role: belligerent}",
            "{id: a, name: Party A, role: belligerent" + party_extra + "}",
        )
        (folder / "case.yaml").write_text(text)
    (folder / "parties" / "a.yaml").write_text(
        "party: a\nstatements:\n  - as_of: 2023-06-01\n    sources: [s1]\n    positions:\n"
        + "".join(f"      {line}\n" for line in a_positions.strip().splitlines())
    )
    if scenario:
        (folder / "scenarios").mkdir(exist_ok=True)
        (folder / "scenarios" / "v.yaml").write_text(scenario)
    return folder


def _problems(folder: Path) -> list[str]:
    with pytest.raises(CaseError) as info:
        engine.load_case(folder)
    return [str(p) for p in info.value.problems]


def test_values_load_on_every_scale(tmp_path: Path) -> None:
    folder = _case(
        tmp_path,
        """
ord: {ideal: o1, acceptable: [o1, o2], values: {o1: 1, o2: 0.75, o3: 0.5}}
nom: {ideal: x, values: {x: 1.0, z: 0.3}}
num: {ideal: 20, acceptable: {min: 10, max: 40}, values: [[10, 0.8], [20, 1], [40, 0.8], [100, 0]]}
""",
        party_extra=", reservation: 0.35",
    )
    case = engine.load_case(folder)
    pos = case.at()
    assert pos[("a", "ord")].values == (("o1", 1.0), ("o2", 0.75), ("o3", 0.5))
    assert pos[("a", "nom")].values == (("x", 1.0), ("z", 0.3))
    assert case.party("a").reservation == 0.35 and case.party("b").reservation is None
    num = case.issue("num")
    values = pos[("a", "num")].values
    # between (40, 0.8) and (100, 0): 70 is half-way, so 0.8 − 0.8 · 30/60 = 0.4
    assert value_of(num, values, 70.0) == Fraction(2, 5)
    assert value_of(num, values, 0.0) == Fraction(4, 5)  # flat before the first point
    # unlisted options are worth 0
    assert value_of(case.issue("nom"), pos[("a", "nom")].values, "y") == 0


def test_without_values_nothing_changes(tiny: engine.Case) -> None:
    assert all(pos.values == () for pos in tiny.at().values())
    assert all(p.reservation is None for p in tiny.parties)


def test_unknown_option_has_a_did_you_mean(tmp_path: Path) -> None:
    problems = _problems(_case(tmp_path, "nom: {ideal: x, values: {x: 1, yy: 0.5}}"))
    assert len(problems) == 1
    assert "a.yaml:" in problems[0] and "positions.nom.values.yy" in problems[0]
    assert "'yy' is not an option of issue 'nom' (did you mean 'y'?)" in problems[0]


@pytest.mark.parametrize("bad", ["1.5", "-0.1"])
def test_values_outside_0_1(tmp_path: Path, bad: str) -> None:
    problems = _problems(_case(tmp_path, f"nom: {{ideal: x, values: {{x: 1, y: {bad}}}}}"))
    assert any("positions.nom.values.y" in p for p in problems)
    assert any("0 to 1" in p or "minimum" in p or "maximum" in p for p in problems)


def test_interval_value_outside_0_1(tmp_path: Path) -> None:
    problems = _problems(_case(tmp_path, "num: {ideal: 20, values: [[20, 1], [60, 2]]}"))
    assert any("positions.num.values" in p and "1" in p for p in problems)


def test_ideal_must_be_worth_1(tmp_path: Path) -> None:
    problems = _problems(_case(tmp_path, "nom: {ideal: x, values: {x: 0.9, y: 0.5}}"))
    assert len(problems) == 1
    assert "positions.nom.values" in problems[0]
    assert "the ideal 'x' is worth 0.9" in problems[0] and "must be worth 1" in problems[0]


def test_unlisted_ideal_is_worth_0(tmp_path: Path) -> None:
    problems = _problems(_case(tmp_path, "nom: {ideal: x, values: {y: 1}}"))
    assert "the ideal 'x' is worth 0 (not listed)" in problems[0]


def test_interval_ideal_must_be_worth_1(tmp_path: Path) -> None:
    # the ideal 30 lies between (20, 1) and (40, 0): worth 0.5
    problems = _problems(_case(tmp_path, "num: {ideal: 30, values: [[20, 1], [40, 0]]}"))
    assert any("the ideal '30' is worth 0.5" in p for p in problems)


def test_acceptable_worth_less_than_unacceptable(tmp_path: Path) -> None:
    problems = _problems(
        _case(
            tmp_path, "ord: {ideal: o1, acceptable: [o1, o2], values: {o1: 1, o2: 0.4, o3: 0.6}}"
        )
    )
    assert len(problems) == 1
    assert (
        "'o2' is acceptable but worth 0.4, less than 'o3' (0.6), which is not acceptable"
        in (problems[0])
    )
    assert "add 'o3' to acceptable" in problems[0]


def test_acceptable_ties_with_unacceptable_are_allowed(tmp_path: Path) -> None:
    folder = _case(
        tmp_path, "ord: {ideal: o1, acceptable: [o1, o2], values: {o1: 1, o2: 0.5, o3: 0.5}}"
    )
    assert engine.load_case(folder).at()[("a", "ord")].values[1] == ("o2", 0.5)


def test_interval_acceptable_contradicting_values(tmp_path: Path) -> None:
    # acceptable [10, 40] holds 40, worth 0.5 (between (20, 1) and (60, 0)), while 0 is worth 1
    problems = _problems(
        _case(
            tmp_path,
            "num: {ideal: 20, acceptable: {min: 10, max: 40}, values: [[0, 1], [20, 1], [60, 0]]}",
        )
    )
    assert any("which is outside the acceptable" in p for p in problems)


def test_interval_tent_around_acceptable_is_fine(tmp_path: Path) -> None:
    folder = _case(
        tmp_path,
        "num: {ideal: 50, acceptable: {min: 40, max: 60}, values: [[0, 0], [50, 1], [100, 0]]}",
    )
    assert engine.load_case(folder).at()[("a", "num")].values[1] == (50.0, 1.0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("num: {ideal: 20, values: [[20, 1], [10, 0]]}", "x must increase from point to point"),
        ("num: {ideal: 20, values: [[20, 1], [120, 0]]}", "120 is outside issue 'num''s range"),
        (
            "num: {ideal: 20, values: {a: 1}}",
            "interval scale: write values as a list of [x, value]",
        ),
        ("nom: {ideal: x, values: [[1, 1]]}", "nominal: write values as a mapping"),
        ("nom: {ideal: x, values: {}}", ""),
    ],
)
def test_malformed_values(tmp_path: Path, text: str, message: str) -> None:
    problems = _problems(_case(tmp_path, text))
    assert problems and all("values" in p for p in problems)
    assert any(message in p for p in problems)


def test_reservation_outside_0_1(tmp_path: Path) -> None:
    folder = _case(tmp_path, "nom: {ideal: x}", party_extra=", reservation: 1.2")
    problems = _problems(folder)
    assert any("case.yaml" in p and "reservation" in p for p in problems)


def test_scenario_sets_and_drops_values(tmp_path: Path) -> None:
    folder = _case(
        tmp_path,
        "nom: {ideal: x, values: {x: 1, y: 0.5}}",
        scenario=(
            "title: V\nchanges:\n"
            "  - {party: a, issue: nom, values: {x: 1, y: 0.8, z: 0.1}}\n"
            "  - {party: b, issue: nom, values: {z: 1, x: 0.25}}\n"
        ),
    )
    case = engine.load_case(folder)
    new = engine.apply(case, case.scenario("v"))
    assert new.at()[("a", "nom")].values == (("x", 1.0), ("y", 0.8), ("z", 0.1))
    assert new.at()[("b", "nom")].values == (("x", 0.25), ("z", 1.0))
    drop = folder / "scenarios" / "v.yaml"
    drop.write_text("title: V\nchanges:\n  - {party: a, issue: nom, values: null}\n")
    case = engine.load_case(folder)
    assert engine.apply(case, case.scenario("v")).at()[("a", "nom")].values == ()


def test_scenario_values_are_checked(tmp_path: Path) -> None:
    folder = _case(
        tmp_path,
        "nom: {ideal: x}",
        scenario="title: V\nchanges:\n  - {party: a, issue: nom, values: {x: 1, yz: 0.8}}\n",
    )
    problems = _problems(folder)
    assert any("v.yaml" in p and "did you mean" in p for p in problems)


def test_scenario_values_contradicting_the_ideal(tmp_path: Path) -> None:
    folder = _case(
        tmp_path,
        "nom: {ideal: x}",
        scenario="title: V\nchanges:\n  - {party: a, issue: nom, values: {x: 0.5, y: 1}}\n",
    )
    problems = _problems(folder)  # scenarios are applied and checked when the case loads
    assert any(
        "v.yaml:3" in p and "a:nom.values" in p and "must be worth 1" in p for p in problems
    )


def test_values_round_trip_through_files(tmp_path: Path) -> None:
    from reports.export.caseio import write_case

    folder = _case(
        tmp_path,
        "nom: {ideal: x, values: {x: 1, z: 0.3}}\nnum: {ideal: 20, values: [[20, 1], [70, 0.25]]}",
        party_extra=", reservation: 0.2",
    )
    case = engine.load_case(folder)
    out = tmp_path / "again"
    write_case(case, out)
    again = engine.load_case(out)
    assert again.at()[("a", "nom")].values == case.at()[("a", "nom")].values
    assert again.at()[("a", "num")].values == ((20.0, 1.0), (70.0, 0.25))
    assert again.party("a").reservation == 0.2
