"""The party file's ``bonuses`` (docs/format.md, "Bonuses"): what loads, and one test per rule."""

from __future__ import annotations

import shutil
from fractions import Fraction
from pathlib import Path

import pytest

import engine
from engine import CaseError
from engine.model.case import OptionSet, Span
from reports.export.caseio import write_case
from tests.conftest import CASES

BONUSES = """bonuses:
  - {when: {ord: {from: o4, to: o5}, nom: [y, z]}, value: 0.6, note: both at once}
  - {when: {num: {min: 60, max: 100}}, value: '1/3'}
  - {when: {}, value: 0.1}
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    dest = tmp_path / "tiny"
    shutil.copytree(CASES / "tiny", dest)
    return dest


def with_bonuses(folder: Path, text: str = BONUSES) -> None:
    path = folder / "parties" / "b.yaml"
    old = path.read_text(encoding="utf-8")
    assert old.startswith("party: b\n")
    path.write_text(old.replace("party: b\n", "party: b\n" + text, 1), encoding="utf-8")


def problems(folder: Path) -> list[engine.Problem]:
    with pytest.raises(CaseError) as info:
        engine.load_case(folder)
    return list(info.value.problems)


def only(folder: Path) -> engine.Problem:
    found = problems(folder)
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


def test_bonuses_load_exactly(folder: Path) -> None:
    with_bonuses(folder)
    b = engine.load_case(folder).party("b").bonuses
    assert [x.value for x in b] == [Fraction(3, 5), Fraction(1, 3), Fraction(1, 10)]
    assert b[0].when == (
        ("ord", OptionSet(frozenset({"o4", "o5"}))),
        ("nom", OptionSet(frozenset({"y", "z"}))),
    )
    assert b[1].when == (("num", Span(60.0, 100.0)),)
    assert b[2].when == () and b[0].note == "both at once"
    assert engine.load_case(CASES / "tiny").party("b").bonuses == ()


def test_bonuses_are_the_utility(folder: Path) -> None:
    with_bonuses(folder)
    case = engine.load_case(folder)
    u = engine.package_utilities(case, {"ord": "o5", "nom": "y", "num": 70.0}, ["b"])
    assert u["b"] == float(Fraction(3, 5) + Fraction(1, 3) + Fraction(1, 10))
    u = engine.package_utilities(case, {"ord": "o3", "nom": "y", "num": 50.0}, ["b"])
    assert u["b"] == 0.1


def test_bonuses_survive_writing_and_loading(folder: Path, tmp_path: Path) -> None:
    with_bonuses(folder)
    case = engine.load_case(folder)
    write_case(case, tmp_path / "again")
    text = (tmp_path / "again" / "parties" / "b.yaml").read_text()
    assert "1/3" in text  # exact, as written
    assert engine.load_case(tmp_path / "again").party("b").bonuses == case.party("b").bonuses


def test_unknown_issue_in_when_has_did_you_mean(folder: Path) -> None:
    with_bonuses(folder, "bonuses:\n  - {when: {nomm: [y]}, value: 0.5}\n")
    p = only(folder)
    assert (p.line, p.field) == (3, "bonuses[0].when.nomm")
    assert "did you mean 'nom'" in p.message


def test_unknown_option_in_when_has_did_you_mean(folder: Path) -> None:
    with_bonuses(folder, "bonuses:\n  - {when: {nom: [yy]}, value: 0.5}\n")
    p = only(folder)
    assert p.line == 3 and p.field == "bonuses[0].when.nom[0]"
    assert "did you mean 'y'" in p.message


def test_interval_condition_outside_the_range(folder: Path) -> None:
    with_bonuses(folder, "bonuses:\n  - {when: {num: {min: 50, max: 150}}, value: 0.5}\n")
    p = only(folder)
    assert p.field.startswith("bonuses[0].when.num") and "100" in p.message


def test_ordinal_range_must_run_forwards(folder: Path) -> None:
    with_bonuses(folder, "bonuses:\n  - {when: {ord: {from: o4, to: o2}}, value: 0.5}\n")
    p = only(folder)
    assert p.field.startswith("bonuses[0].when.ord") and "o4" in p.message


@pytest.mark.parametrize("value", ["1.5", "-2"])
def test_number_value_outside_minus_one_to_one(folder: Path, value: str) -> None:
    with_bonuses(folder, f"bonuses:\n  - {{when: {{nom: [y]}}, value: {value}}}\n")
    p = only(folder)
    assert p.field == "bonuses[0].value" and "-1 to 1" in p.message


@pytest.mark.parametrize(
    ("value", "fragment"),
    [("'3/2'", "outside the range"), ("'1/0'", "divides by zero"), ("half", "p/q")],
)
def test_fraction_value_is_checked(folder: Path, value: str, fragment: str) -> None:
    with_bonuses(folder, f"bonuses:\n  - {{when: {{nom: [y]}}, value: {value}}}\n")
    p = only(folder)
    assert p.field == "bonuses[0].value" and fragment in p.message


def test_value_is_required_and_keys_are_closed(folder: Path) -> None:
    with_bonuses(folder, "bonuses:\n  - {when: {nom: [y]}, valeu: 0.5}\n")
    found = problems(folder)
    text = "\n".join(str(p) for p in found)
    assert "value" in text and "valeu" in text and all(p.line == 3 for p in found)


def test_no_position_values_beside_bonuses(folder: Path) -> None:
    with_bonuses(folder, "bonuses:\n  - {when: {nom: [y]}, value: 0.5}\n")
    path = folder / "parties" / "b.yaml"
    text = path.read_text()
    line = next(ln for ln in text.splitlines() if "nom:" in ln and "ideal" in ln)
    path.write_text(text.replace(line, line.rstrip("}") + ", values: {z: 1, y: 0.5}}", 1))
    p = only(folder)
    assert p.field.endswith("positions.nom.values") and "bonuses" in p.message
