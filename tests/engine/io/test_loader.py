"""The loader: one test per validation rule, each on a mutated copy of the tiny case.

Every problem must name the file, the 1-based line and column, the field path,
what is wrong and what is allowed.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings

import engine
from engine import CaseError
from engine.io.yamlsafe import MAX_BYTES, MAX_NODES
from tests.conftest import CASES
from tests.strategies import cases, write_case


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    dest = tmp_path / "tiny"
    shutil.copytree(CASES / "tiny", dest)
    return dest


def edit(folder: Path, rel: str, old: str, new: str) -> None:
    path = folder / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(folder: Path) -> list[engine.Problem]:
    with pytest.raises(CaseError) as info:
        engine.load_case(folder)
    return list(info.value.problems)


def only(folder: Path) -> engine.Problem:
    found = problems(folder)
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


def test_valid_tiny_case_loads(tiny: engine.Case) -> None:
    assert tiny.party_ids == ("a", "b", "c")
    assert tiny.issue_ids == ("ord", "nom", "num")
    assert [s.id for s in tiny.scenarios] == ["b-softens"]
    assert tiny.issue("num").min == 0 and tiny.issue("num").max == 100


# (file, old text, new text, expected line, field, message fragment)
RULES = [
    pytest.param(
        "parties/a.yaml",
        "ideal: o1, acceptable: {from: o1, to: o2}",
        "ideal: o1, acceptable: {from: o1, to: o2]",
        6,
        "",
        "YAML syntax error",
        id="yaml-syntax",
    ),
    pytest.param(
        "parties/a.yaml",
        "salience: 0.8}",
        "salience: high}",
        6,
        "statements[0].positions.ord.salience",
        "expected a number, got text ('high')",
        id="wrong-type",
    ),
    pytest.param(
        "case.yaml",
        "role: mediator",
        "role: 3",
        7,
        "parties[2].role",
        "'3' is not allowed",
        id="wrong-type-enum",
    ),
    pytest.param(
        "parties/b.yaml",
        "      nom: {ideal: z",
        "      nmo: {ideal: z",
        7,
        "statements[0].positions.nmo",
        "unknown issue 'nmo' (did you mean 'nom'?)",
        id="unknown-issue",
    ),
    pytest.param(
        "parties/b.yaml",
        "nom: {ideal: z,",
        "nom: {ideal: zz,",
        7,
        "statements[0].positions.nom.ideal",
        "'zz' is not an option of issue 'nom' (did you mean 'z'?)",
        id="unknown-option",
    ),
    pytest.param(
        "parties/b.yaml",
        "sources: [s1]",
        "sources: [s11]",
        4,
        "statements[0].sources[0]",
        "unknown source 's11' (did you mean 's1'?)",
        id="unknown-source",
    ),
    pytest.param(
        "scenarios/b-softens.yaml",
        "party: b, issue: ord",
        "party: bb, issue: ord",
        5,
        "changes[0].party",
        "unknown party 'bb' (did you mean 'b'?)",
        id="unknown-party",
    ),
    pytest.param(
        "parties/b.yaml",
        "ideal: o5, acceptable: {from: o4, to: o5}",
        "ideal: o3, acceptable: {from: o4, to: o5}",
        6,
        "statements[0].positions.ord.ideal",
        "is not inside the acceptable set",
        id="ideal-outside-acceptable",
    ),
    pytest.param(
        "parties/b.yaml",
        "salience: 1.0, red_line: true",
        "salience: 1.5, red_line: true",
        6,
        "statements[0].positions.ord.salience",
        "allowed: 0 to 1",
        id="salience-above-1",
    ),
    pytest.param(
        "parties/b.yaml",
        "salience: 0.2}",
        "salience: -0.1}",
        7,
        "statements[0].positions.nom.salience",
        "allowed: 0 to 1",
        id="salience-below-0",
    ),
    pytest.param(
        "parties/b.yaml",
        "acceptable: {min: 30, max: 90}",
        "acceptable: {min: 30, max: 190}",
        8,
        "statements[0].positions.num.acceptable.max",
        "190 is outside issue 'num''s range; allowed: 0 to 100",
        id="interval-outside-range",
    ),
    pytest.param(
        "parties/b.yaml",
        "acceptable: {min: 30, max: 90}",
        "acceptable: {min: 90, max: 30}",
        8,
        "statements[0].positions.num.acceptable",
        "min (90) is greater than max (30)",
        id="interval-reversed",
    ),
    pytest.param(
        "parties/b.yaml",
        "acceptable: {from: o4, to: o5}",
        "acceptable: {from: o5, to: o4}",
        6,
        "statements[0].positions.ord.acceptable",
        "range is reversed: 'o5' comes after 'o4'",
        id="ordinal-range-reversed",
    ),
    pytest.param(
        "case.yaml",
        "role: mediator}\n",
        "role: mediator}\n  - {id: a, name: Party A again, role: observer}\n",
        8,
        "parties[3].id",
        "duplicate party id 'a' (first at line 5)",
        id="duplicate-party-id",
    ),
    pytest.param(
        "case.yaml",
        "{id: z, label: Z}\n",
        "{id: z, label: Z}\n      - {id: x, label: X again}\n",
        26,
        "issues[1].options[3].id",
        "duplicate option id 'x' (first at line 23)",
        id="duplicate-option-id",
    ),
    pytest.param(
        "case.yaml",
        'url: "https://example.org/2"}\n',
        'url: "https://example.org/2"}\n  - {id: s1, title: Again, publisher: Test, date: 2023, url: "https://example.org/3"}\n',
        38,
        "sources[2].id",
        "duplicate source id 's1' (first at line 36)",
        id="duplicate-source-id",
    ),
    pytest.param(
        "parties/a.yaml",
        "requires: {nom: [x]}",
        "requires: {nmo: [x]}",
        13,
        "statements[1].positions.ord.requires.nmo",
        "unknown issue 'nmo' (did you mean 'nom'?)",
        id="requires-unknown-issue",
    ),
    pytest.param(
        "parties/a.yaml",
        "requires: {nom: [x]}",
        "requires: {nom: [w]}",
        13,
        "statements[1].positions.ord.requires.nom[0]",
        "'w' is not an option of issue 'nom'",
        id="requires-unknown-option",
    ),
    pytest.param(
        "parties/a.yaml",
        "requires: {nom: [x]}",
        "requires: {ord: [o1]}",
        13,
        "statements[1].positions.ord.requires.ord",
        "cannot require its own issue 'ord'",
        id="requires-own-issue",
    ),
    pytest.param(
        "parties/a.yaml",
        "as_of: 2023-12-01",
        "as_of: 2023-06-01",
        13,
        "statements[1].positions.ord",
        "also named by this party's statement at line 3 with the same date",
        id="ambiguous-same-date",
    ),
    pytest.param(
        "parties/a.yaml",
        "as_of: 2023-12-01",
        "as_of: 2023-12-32",
        9,
        "statements[1].as_of",
        "'2023-12-32' is not a valid date; use YYYY-MM-DD",
        id="date-does-not-parse",
    ),
    pytest.param(
        "case.yaml",
        "as_of: 2024-01-01",
        "as_of: 1st January 2024",
        3,
        "as_of",
        "is not a date; use YYYY-MM-DD",
        id="as-of-does-not-parse",
    ),
    pytest.param(
        "case.yaml",
        "date: 2023-12,",
        "date: 2023-13,",
        37,
        "sources[1].date",
        "'2023-13' is not a valid date",
        id="source-date",
    ),
    pytest.param(
        "case.yaml",
        "    scale: nominal\n",
        "    scale: nominal\n    colour: blue\n",
        22,
        "issues[1].colour",
        "unknown field 'colour'; allowed: id, name",
        id="unknown-field",
    ),
    pytest.param(
        "parties/c.yaml",
        "salience: 0.3}",
        "salence: 0.3}",
        6,
        "statements[0].positions.ord.salence",
        "unknown field 'salence' (did you mean 'salience'?)",
        id="unknown-field-did-you-mean",
    ),
    pytest.param(
        "case.yaml",
        "    min: 0\n",
        "    min: 100\n",
        33,
        "issues[2].max",
        "max (100) must be greater than min (100)",
        id="interval-min-max",
    ),
    pytest.param(
        "case.yaml",
        "status_quo: o2",
        "status_quo: o9",
        12,
        "issues[0].status_quo",
        "'o9' is not an option of issue 'ord'",
        id="status-quo",
    ),
    pytest.param(
        "case.yaml",
        'url: "https://example.org/1"',
        'url: "example.org/1"',
        36,
        "sources[0].url",
        "not a web address",
        id="url",
    ),
    pytest.param(
        "scenarios/b-softens.yaml",
        "add: [o3], red_line: false",
        "acceptable: [o3], red_line: false",
        5,
        "b:ord.ideal",
        "ideal 'o5' is not inside the acceptable set (o3)",
        id="scenario-breaks-rule",
    ),
]


@pytest.mark.parametrize(("rel", "old", "new", "line", "field", "fragment"), RULES)
def test_each_rule_is_reported_with_its_location(folder, rel, old, new, line, field, fragment):
    edit(folder, rel, old, new)
    p = only(folder)
    assert p.file == str(folder / rel)
    assert p.line == line, str(p)
    assert p.column >= 1
    assert p.field == field, str(p)
    assert fragment in p.message, str(p)
    assert str(p).startswith(f"{folder / rel}:{line}:{p.column}: ")


def test_party_file_name_must_match(folder):
    (folder / "parties" / "c.yaml").rename(folder / "parties" / "cc.yaml")
    p = only(folder)
    assert (Path(p.file).name, p.line, p.field) == ("cc.yaml", 1, "party")
    assert "party 'c' is in a file named 'cc.yaml'; name the file c.yaml" in p.message


def test_every_problem_is_reported_at_once(folder):
    edit(folder, "parties/b.yaml", "salience: 0.2}", "salience: 2}")
    edit(folder, "parties/c.yaml", "ideal: o3,", "ideal: o9,")
    edit(folder, "case.yaml", "role: mediator", "role: mediatr")
    found = problems(folder)
    assert len(found) == 3
    assert [Path(p.file).name for p in found] == [
        "case.yaml",
        "b.yaml",
        "c.yaml",
    ]  # sorted by file


def test_case_error_is_a_value_error_and_a_zopa_error(folder):
    edit(folder, "parties/b.yaml", "salience: 0.2}", "salience: 2}")
    with pytest.raises(ValueError):
        engine.load_case(folder)
    with pytest.raises(engine.ZopaError):
        engine.load_case(folder)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("", "file is empty"),
        ("# only a comment\n", "file is empty"),
        ("- a\n- b\n", "expected a mapping"),
        ("just text\n", "expected a mapping"),
        ("party: b\nstatements: {}\n", "expected a list, got a mapping"),
        ("party: b\n", "missing required field 'statements'"),
        ("party: b\nstatements: []\nparty: b\n", "duplicate key 'party'"),
        ("party: b\nstatements: []\n<<: {x: 1}\n", "merge keys ('<<') are not supported"),
        (
            "party: b\nstatements: !!python/object/apply:os.system ['echo no']\n",
            "YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",
        ),
        ("party: b\nstatements: !custom []\n", "YAML tag '!custom' is not allowed"),
        ("party: b\nstatements: &s [*s]\n", "recursive alias"),
        ("party: b\nstatements: " + "[" * 200 + "]" * 200 + "\n", "nest"),
        ("party: b\nstatements: []\n\x00\n", "YAML syntax error"),
    ],
    ids=[
        "empty",
        "comment-only",
        "list",
        "scalar",
        "wrong-type",
        "missing",
        "duplicate-key",
        "merge-key",
        "python-tag",
        "custom-tag",
        "recursive-alias",
        "too-deep",
        "nul-byte",
    ],
)
def test_malformed_files(folder, content, fragment):
    (folder / "parties" / "b.yaml").write_text(content, encoding="utf-8")
    found = problems(folder)
    assert any(
        fragment in p.message and p.file.endswith("b.yaml") and p.line >= 1 for p in found
    ), "\n".join(map(str, found))


def test_python_tag_is_never_run(folder, tmp_path):
    marker = tmp_path / "pwned"
    (folder / "parties" / "b.yaml").write_text(
        f"party: b\nstatements: !!python/object/apply:os.system ['touch {marker}']\n",
        encoding="utf-8",
    )
    problems(folder)
    assert not marker.exists()


def test_not_utf8(folder):
    (folder / "parties" / "b.yaml").write_bytes(b"party: b\nstatements: []\nnote: \xff\xfe\n")
    p = only(folder)
    assert "not valid UTF-8" in p.message and p.line == 3


def test_file_size_limit(folder):
    (folder / "parties" / "b.yaml").write_text(
        "party: b\nstatements: []\n#" + "x" * MAX_BYTES + "\n", encoding="utf-8"
    )
    p = only(folder)
    assert "the limit is 1,048,576 bytes" in p.message


def test_alias_bomb_is_rejected_with_bounded_work(folder):
    """A "billion laughs" document: 9^10 nodes once expanded; stopped after MAX_NODES."""
    lines = ["party: b", 'x0: &x0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        lines.append(f"x{i}: &x{i} [" + ",".join([f"*x{i - 1}"] * 9) + "]")
    lines.append("statements: *x9")
    (folder / "parties" / "b.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = problems(folder)
    assert any(f"expands to more than {MAX_NODES:,} nodes" in p.message for p in found)


def test_yaml_12_booleans_and_norway(folder):
    """``no``/``on``/``yes`` are text (YAML 1.2), so they can be ids."""
    edit(folder, "case.yaml", "{id: z, label: Z}", "{id: no, label: Norway}")
    edit(folder, "parties/b.yaml", "nom: {ideal: z,", "nom: {ideal: no,")
    edit(folder, "scenarios/b-softens.yaml", "acceptable: [y, z]", "acceptable: [y, no]")
    case = engine.load_case(folder)
    assert case.at()[("b", "nom")].ideal == "no"


def test_missing_case_yaml(tmp_path):
    with pytest.raises(CaseError, match=r"no case\.yaml in this folder"):
        engine.load_case(tmp_path)


def test_case_yaml_path_is_accepted():
    assert engine.load_case(CASES / "tiny" / "case.yaml").id == "tiny"


def test_loading_never_changes_the_files(folder):
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    engine.load_case(folder)
    edit(folder, "parties/b.yaml", "salience: 0.2}", "salience: 2}")
    before[folder / "parties/b.yaml"] = (folder / "parties/b.yaml").read_bytes()
    problems(folder)
    assert before == {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@settings(max_examples=40)
@given(cases(with_requires=True, n_dates=3))
def test_random_cases_round_trip_through_the_files(case):
    """Writing any valid case as YAML and loading it gives the same positions on every date."""
    with tempfile.TemporaryDirectory() as d:
        loaded = engine.load_case(write_case(case, Path(d)))
    for date in case.dates:
        a, b = case.at(date), loaded.at(date)
        assert list(a) == list(b)
        for key, pa in a.items():
            pb = b[key]
            assert (pa.ideal, pa.acceptable, pa.salience, pa.red_line, pa.requires) == (
                pb.ideal,
                pb.acceptable,
                pb.salience,
                pb.red_line,
                pb.requires,
            )
