"""Importers of the field's formats (KTAB, Decide, GENIUS) and the case writer.

Hand-made fixtures in ``tests/data/import/`` with every expected value written
out; the real files of ``../shared/data/`` (skipped when absent); mutations of
the fixtures (success or located problems, nothing else); the exact
non-linear GENIUS analysis against brute force; and round trips of cases
through :func:`reports.export.caseio.case_files`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import random
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import engine
from engine import CaseError, OptionSet, Snapshot, Span
from engine.io.importers import (
    MAX_BYTES,
    find_genius_files,
    read_decide,
    read_genius,
    read_ktab,
    slugify,
)
from reports.export.caseio import dump_yaml, write_case
from tests.conftest import ROOT
from tests.strategies import cases

DATA = ROOT / "tests" / "data" / "import"
KW = {"as_of": "2024-05-01", "source_url": "https://example.org/data"}


def located(exc: CaseError) -> list[tuple[int, int, str]]:
    return [(p.line, p.column, p.field) for p in exc.problems]


def reload(case: engine.Case) -> engine.Case:
    """Write a case with caseio and load it back."""
    with tempfile.TemporaryDirectory() as d:
        return engine.load_case(write_case(case, Path(d) / case.id))


def same(a: engine.Case, b: engine.Case) -> bool:
    """Equal cases, but for the id and the order of statements among parties.

    The loader reads the party files in name order; a party's own statements keep their order.
    """

    def norm(c: engine.Case) -> engine.Case:
        order = sorted(c.statements, key=lambda s: s.party)  # stable: a party's order is kept
        return dataclasses.replace(c, id="x", statements=tuple(order))

    return norm(a) == norm(b)


# ------------------------------------------------------------------------- KTAB


def test_ktab_fixture_every_value():
    case = read_ktab(DATA / "ktab" / "coalition.csv", **KW)
    assert case.id == "coalition" and case.title == "Coalition talks"
    assert case.as_of == dt.date(2024, 5, 1)
    assert [(i.id, i.name, i.scale, i.unit, i.min, i.max) for i in case.issues] == [
        ("tax", "Tax", "interval", "points", 0.0, 100.0),
        ("spending", "Spending", "interval", "points", 0.0, 100.0),
    ]
    # descriptions are distinct, so they name the parties and the keys are the short names
    assert [(p.id, p.name, p.short, p.role, p.weight) for p in case.parties] == [
        ("grn", "Green Party", "GRN", "observer", 40.0),
        ("lib", "Liberal Party", "LIB", "observer", 25.0),
        ("soc", "Social Democrats, left", "SOC", "observer", 35.0),
    ]
    expected = {  # (ideal, KTAB salience / 100)
        ("grn", "tax"): (20.0, 0.6),
        ("grn", "spending"): (70.0, 0.3),
        ("lib", "tax"): (80.0, 0.495),
        ("lib", "spending"): (40.0, 0.4525),
        ("soc", "tax"): (35.0, 0.3),
        ("soc", "spending"): (90.0, 0.7),
    }
    at = case.at()
    assert set(at) == set(expected)
    for key, (ideal, salience) in expected.items():
        pos = at[key]
        assert (pos.ideal, pos.salience) == (ideal, salience)
        assert pos.acceptable == Span(ideal, ideal)  # ideal points only
        assert (pos.red_line, pos.confidence, pos.sources) == (
            False,
            "inferred",
            ("coalition_csv",),
        )
    (src,) = case.sources
    assert (src.url, src.publisher, src.date) == (
        "https://example.org/data",
        "example.org",
        "2024-05-01",
    )
    assert "coalition.csv" in src.title and "SHA-256" in src.note
    assert "ideal points alone" in case.description


def test_ktab_tolerance_widens_and_clips_and_is_stated():
    case = read_ktab(DATA / "ktab" / "coalition.csv", tolerance=15, **KW)
    at = case.at()
    assert at[("grn", "tax")].acceptable == Span(5.0, 35.0)
    assert at[("soc", "spending")].acceptable == Span(75.0, 100.0)  # 90 + 15 clipped to 100
    assert "ideal ± 15" in case.description


def test_ktab_real_layouts_parse(tmp_path):
    # KTAB's own sample: leading blanks, trailing commas, identical descriptions
    text = (
        'DummyData_3Dim ,"Dummy scenario",2,2,\n'
        "Actor,Description,Power,Pstn1,Sal1,Pstn2,Sal2,\n"
        "SActor-00, Random Spatial Actor, 102.543, 75.79, 49.53,  6.37,  5.91,\n"
        "SActor-01, Random Spatial Actor,  53.393, 82.72, 30.33, 73.50, 21.22,\n"
    )
    f = tmp_path / "dummy.csv"
    f.write_text(text)
    case = read_ktab(f, **KW)
    assert [(p.id, p.name, p.note) for p in case.parties] == [
        ("sactor-00", "SActor-00", "Random Spatial Actor"),
        ("sactor-01", "SActor-01", "Random Spatial Actor"),
    ]
    assert [i.id for i in case.issues] == ["pstn1", "pstn2"]
    assert case.at()[("sactor-00", "pstn1")].salience == 0.4953  # exact, from the decimal


def test_ktab_problems_are_located(tmp_path):
    text = (
        "Bad,desc,4,2,\n"
        "Actor,Description,Power,P1 Position,P1 Salience,P2 Position,P2 Salience\n"
        "A,a,-1,50,50,101,10\n"
        "B,b,1,x,40,50,50\n"
        "C,c,1,50,60,50,50\n"
        "A,c,1,50,50,50,50\n"
        "D,d,1,50\n"
    )
    f = tmp_path / "bad.csv"
    f.write_text(text)
    with pytest.raises(CaseError) as info:
        read_ktab(f, **KW)
    assert located(info.value) == [
        (3, 5, "Power"),  # -1
        (3, 14, "P2 Position"),  # 101
        (4, 7, "P1 Position"),  # x
        (5, 10, "P1 Salience"),  # 60 + 50 > 100
        (6, 1, "Actor"),  # A again
        (7, 1, ""),  # a fifth actor line, 4 declared
    ]
    msgs = [p.message for p in info.value.problems]
    assert msgs[0] == "expected a number >= 0 (power), got '-1'"
    assert "add up to 110; KTAB allows at most 100" in msgs[3]
    assert "already on line 3" in msgs[4]


def test_ktab_header_and_counts(tmp_path):
    f = tmp_path / "k.csv"
    f.write_text("name,desc,two,1\n")
    with pytest.raises(CaseError) as info:
        read_ktab(f, **KW)
    assert located(info.value) == [(1, 11, "number of actors")]
    f.write_text("name,desc,1,2\nActor,Description,Power,P1,S1\nA,a,1,1,1,1,1\n")
    with pytest.raises(CaseError) as info:
        read_ktab(f, **KW)
    assert located(info.value) == [(2, 30, "")]
    assert "2 dimensions need 7" in info.value.problems[0].message
    f.write_text("name,desc,2,1\nActor,Description,Power,P1,S1\nA,a,1,1,1\n")
    with pytest.raises(CaseError) as info:
        read_ktab(f, **KW)
    assert "declares 2 actors but the file has 1" in str(info.value)


# ----------------------------------------------------------------------- Decide


def test_decide_fixture_every_value():
    case = read_decide(DATA / "decide" / "summit.csv", **KW)
    assert case.title == "Climate summit (a made-up example)"
    legal, finance, mrv = case.issues
    assert (legal.id, legal.name, legal.scale) == ("legal", "Legal form", "ordinal")
    assert [(o.id, o.label, o.description) for o in legal.options] == [
        ("p0", "No agreement", "Decide scale point 0"),
        ("p50", "Non-binding pledges", "Decide scale point 50"),
        ("p100", "Binding targets", "Decide scale point 100"),
    ]
    assert legal.description.startswith("How binding the agreement is. Ordinal")
    # 20 and 80 are not #M points: an interval on the #M range, the labels kept in the description
    assert (finance.scale, finance.min, finance.max) == ("interval", 0.0, 100.0)
    assert "0 = Nothing new; 100 = Double today's" in finance.description
    assert (mrv.scale, mrv.min, mrv.max) == ("interval", 0.0, 100.0)  # no #M: Decide's default
    assert "default" in mrv.description
    assert [(p.id, p.name, p.weight, p.note) for p in case.parties] == [
        ("north", "Northern bloc", 0.6, "the rich economies"),
        ("south", "Southern bloc", 0.3, ""),
        ("isles", "Island states", 0.1, ""),
    ]
    expected = {  # (ideal, acceptable, salience)
        ("north", "legal"): ("p50", OptionSet(frozenset({"p50"})), 0.8),
        ("north", "finance"): (20.0, Span(20, 20), 0.7),
        ("north", "mrv"): (90.0, Span(90, 90), 0.5),
        ("south", "legal"): ("p100", OptionSet(frozenset({"p100"})), 0.6),
        ("south", "finance"): (100.0, Span(100, 100), 0.9),
        ("south", "mrv"): (10.0, Span(10, 10), 0.4),
        ("isles", "legal"): ("p100", OptionSet(frozenset({"p100"})), 0.9),
        ("isles", "finance"): (80.0, Span(80, 80), 0.5),
    }
    at = case.at()
    assert {k: (p.ideal, p.acceptable, p.salience) for k, p in at.items()} == expected
    assert ("isles", "mrv") not in at  # no #D row: no position, never a made-up one
    assert at[("north", "legal")].note == "Decide position 50."


def test_decide_quoted_dialect_varying_power_and_ordinal_tolerance(tmp_path):
    case = read_decide(DATA / "decide" / "quoted.csv", **KW)
    alpha, beta = case.parties
    assert (beta.id, beta.name, beta.short) == ("b2", "Beta's group", "B2")  # '' is a quote
    assert alpha.weight == pytest.approx(0.6)  # power 0.5 and 0.7: their mean, and said so
    assert "differs by issue: x 0.5, y 0.7" in alpha.note
    x, y = case.issues
    assert (x.scale, [o.label for o in x.options]) == ("ordinal", ["0", "10"])
    assert (y.scale, y.min, y.max) == ("interval", 0.0, 100.0)
    wide = read_decide(DATA / "decide" / "quoted.csv", tolerance=10, **KW).at()
    assert wide[("a1", "x")].acceptable == OptionSet(frozenset({"p0", "p10"}))  # 0 ± 10
    assert wide[("b2", "y")].acceptable == Span(65.0, 85.0)


def test_decide_semicolons_and_commas(tmp_path):
    for sep in (";", ","):
        f = tmp_path / "s.csv"
        f.write_text(
            f"#A{sep}x{sep}X\n#A{sep}y{sep}Y\n#P{sep}i{sep}I\n"
            f'#D{sep}x{sep}i{sep}10{sep}0.5{sep}1\n#D{sep}y{sep}i{sep}"90"{sep}0.5{sep}1\n'
        )
        case = read_decide(f, **KW)
        assert [p.ideal for p in case.at().values()] == [10.0, 90.0]


def test_decide_errors_are_every_one_located():
    with pytest.raises(CaseError) as info:
        read_decide(DATA / "decide" / "errors.csv", **KW)
    assert located(info.value) == [
        (3, 4, "#A.actor"),  # 'a' defined twice
        (7, 4, "#M.issue"),  # unknown issue 'q'
        (9, 4, "#D.actor"),  # unknown actor 'c'
        (10, 6, "#D.issue"),  # unknown issue 'pp' (did you mean 'p'?)
        (11, 8, "#D.position"),  # 12 outside the #M range 0–10
        (11, 11, "#D.salience"),  # 1.5
        (11, 15, "#D.power"),  # 'x'
        (12, 4, "#D"),  # a second row for a × p
        (13, 1, ""),  # '#X' is no row kind
        (14, 9, "#D.salience"),  # salience and power missing
    ]
    msgs = [p.message for p in info.value.problems]
    assert "did you mean 'p'" in msgs[3]
    assert "allowed: 0 to 10 (its #M points)" in msgs[4]


def test_decide_single_point_and_not_decide(tmp_path):
    f = tmp_path / "d.csv"
    f.write_text("#A\ta\tA\n#P\tp\tP\n#M\tp\t5\n")
    with pytest.raises(CaseError) as info:
        read_decide(f, **KW)
    assert located(info.value) == [(3, 6, "#M.position")]
    f.write_text("hello, world\n")
    with pytest.raises(CaseError, match="not a Decide file"):
        read_decide(f, **KW)


# ----------------------------------------------------------------------- GENIUS


def test_genius_additive_fixture_every_value():
    case = read_genius(DATA / "genius" / "market", **KW)
    assert case.id == "market" and case.title == "domain (GENIUS)"
    assert [(i.id, i.scale, [o.label for o in i.options]) for i in case.issues] == [
        ("price", "nominal", ["Low", "Medium", "High"]),
        ("delivery", "nominal", ["1 week", "1 month"]),
        ("colour", "nominal", ["Red", "Blue", "Green"]),
    ]
    assert [(p.id, p.name, p.weight) for p in case.parties] == [
        ("buyer", "buyer", None),
        ("seller", "seller", None),
    ]
    assert case.party("buyer").reservation == 0.4  # imported, no longer only in the note
    expected = {  # ideal, acceptable, salience = the weight as written (an exact decimal)
        ("buyer", "price"): ("low", {"low"}, 0.5),
        ("buyer", "delivery"): ("v_1_week", {"v_1_week"}, 0.3),
        ("buyer", "colour"): ("red", {"red", "blue"}, 0.2),  # red and blue tie at 3
        ("seller", "price"): ("high", {"high"}, 0.6),
        ("seller", "delivery"): ("v_1_month", {"v_1_month"}, 0.1),  # not 0.1 / 0.6 = 1/6
        ("seller", "colour"): ("green", {"green"}, 0.3),
    }
    at = case.at()
    got = {k: (p.ideal, set(p.acceptable), p.salience) for k, p in at.items()}
    assert got.keys() == expected.keys()
    for key, (ideal, acc, sal) in expected.items():
        assert got[key][:2] == (ideal, acc)
        assert got[key][2] == sal
    assert at[("buyer", "price")].note.startswith("GENIUS evaluations: Low 10; Medium 6; High 1.")
    assert at[("seller", "price")].sources == ("domain_xml", "seller_xml")
    assert at[("seller", "price")].confidence == "official"
    # the similarity function's own items ("unspecified") are not read as values
    assert "frontier.xml (not an XML document)" in case.description


def test_genius_explicit_files_equal_the_folder_form():
    folder = DATA / "genius" / "market"
    a = read_genius(folder, **KW)
    b = read_genius(folder / "domain.xml", [folder / "buyer.xml", folder / "seller.xml"], **KW)
    assert (a.parties, a.issues, a.statements, a.sources) == (
        b.parties,
        b.issues,
        b.statements,
        b.sources,
    )


def test_genius_folder_needs_one_domain_and_a_profile(tmp_path):
    domain, profiles, skipped = find_genius_files(DATA / "genius" / "grid")
    assert (domain.name, [p.name for p in profiles], skipped) == (
        "domain.xml",
        ["p1.xml", "p2.xml"],
        [],
    )
    shutil.copy(DATA / "genius" / "grid" / "p1.xml", tmp_path)
    with pytest.raises(CaseError, match="no domain file"):
        find_genius_files(tmp_path)
    shutil.copy(DATA / "genius" / "grid" / "domain.xml", tmp_path / "d1.xml")
    shutil.copy(DATA / "genius" / "grid" / "domain.xml", tmp_path / "d2.xml")
    with pytest.raises(CaseError, match="2 domain files"):
        find_genius_files(tmp_path)
    with pytest.raises(CaseError, match="give the profile files"):
        read_genius(tmp_path / "d1.xml", **KW)


def _hyper_utility(path: Path):
    """An independent reading of a hyperRectangle profile: bid -> utility (brute force)."""
    root = ET.parse(path).getroot()
    rects = []
    for hr in root.iter("hyperRectangle"):
        bounds = {int(b.get("index")): (int(b.get("min")), int(b.get("max"))) for b in hr}
        rects.append((float(hr.get("utility")), bounds))

    def utility(bid: dict[int, int]) -> float:
        return sum(u for u, b in rects if all(lo <= bid[i] <= hi for i, (lo, hi) in b.items()))

    return utility


def test_genius_nonlinear_fixture_against_brute_force():
    case = read_genius(DATA / "genius" / "grid", **KW)
    assert [(i.id, i.scale, i.option_ids) for i in case.issues] == [
        (n, "ordinal", ("v_0", "v_1", "v_2")) for n in "abc"
    ]
    at = case.at()
    # written out by hand from p1.xml: U = 3 + 10[a=0, b>=1] + 6[c=2] - 4[a=0, c=2]
    assert {
        (k[1], p.ideal, frozenset(p.acceptable), p.salience) for k, p in at.items() if k[0] == "p1"
    } == {
        ("a", "v_0", frozenset({"v_0"}), 1.0),  # best reachable 15 | 9 | 9: swing 6
        ("b", "v_1", frozenset({"v_1", "v_2"}), 1.0),  # 9 | 15 | 15: swing 6
        ("c", "v_2", frozenset({"v_2"}), 2 / 6),  # 13 | 13 | 15: swing 2
    }
    for party in ("p1", "p2"):
        utility = _hyper_utility(DATA / "genius" / "grid" / f"{party}.xml")
        bids = [
            dict(zip((1, 2, 3), xs, strict=True)) for xs in itertools.product(range(3), repeat=3)
        ]
        top = max(utility(b) for b in bids)
        swings = {}
        for k, name in enumerate("abc", 1):
            reach = [max(utility(b) for b in bids if b[k] == v) for v in range(3)]
            best = {f"v_{v}" for v in range(3) if reach[v] == top}
            pos = at[(party, name)]
            assert set(pos.acceptable) == best and pos.ideal == min(best)
            swings[name] = top - min(reach)
        for name in "abc":
            assert at[(party, name)].salience == pytest.approx(swings[name] / max(swings.values()))


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_genius_profile_problems_are_located(tmp_path):
    src = DATA / "genius" / "market"
    domain = src / "domain.xml"
    text = (src / "buyer.xml").read_text()
    bad = (
        text.replace('name="Colour"', 'name="Color"')
        .replace('value="Low" evaluation="10"', 'value="Lo" evaluation="10"')
        .replace('<weight index="2" value="0.3"/>', '<weight index="2" value="-0.3"/>')
    )
    prof = _write(tmp_path, "bad.xml", bad)
    with pytest.raises(CaseError) as info:
        read_genius(domain, [prof], **KW)
    assert [(p.line, p.field) for p in info.value.problems] == [
        (4, "issue 'Price'.item"),  # a value the domain does not have
        (12, "issue@name"),  # index 3 is 'Colour' in the domain
        (18, "weight@value"),
    ]
    assert "did you mean 'Low'" in info.value.problems[0].message
    unknown = _write(tmp_path, "unknown.xml", text.replace('index="3" etype', 'index="7" etype'))
    with pytest.raises(CaseError, match="which the domain does not have"):
        read_genius(domain, [unknown], **KW)


def test_genius_xml_syntax_error_has_its_line(tmp_path):
    prof = _write(
        tmp_path, "p.xml", "<utility_space>\n<objective>\n<issue index='1'\n</objective>"
    )
    with pytest.raises(CaseError) as info:
        read_genius(DATA / "genius" / "market" / "domain.xml", [prof], **KW)
    (p,) = info.value.problems
    assert (p.file, p.line) == (str(prof), 4) and p.message.startswith("XML syntax error")


@pytest.mark.parametrize(
    "text",
    [
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>\n<utility_space>&lol2;</utility_space>',
        '<!DOCTYPE x SYSTEM "file:///etc/passwd">\n<utility_space/>',
        "<a>" * 100 + "</a>" * 100,
    ],
    ids=["billion-laughs", "external-entity", "deep-nesting"],
)
def test_genius_refuses_dtds_and_deep_nesting(tmp_path, text):
    prof = _write(tmp_path, "p.xml", text)
    with pytest.raises(CaseError) as info:
        read_genius(DATA / "genius" / "market" / "domain.xml", [prof], **KW)
    (p,) = info.value.problems
    assert p.line >= 1 and ("refused" in p.message or "nested deeper" in p.message)


def test_size_limit_and_encoding(tmp_path):
    big = tmp_path / "big.csv"
    big.write_bytes(b"#A\ta\tA\n" * (MAX_BYTES // 7 + 1))
    with pytest.raises(CaseError, match="at most"):
        read_decide(big, **KW)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("#A\ta\tCôte d'Ivoire\n#P\tp\tP\n#D\ta\tp\t1\t1\t1\n".encode("latin-1"))
    with pytest.raises(CaseError) as info:
        read_decide(latin, **KW)
    assert located(info.value) == [(1, 7, "")]  # the byte of ô
    case = read_decide(latin, encoding="latin-1", **KW)
    assert case.party("a").name == "Côte d'Ivoire"


def test_arguments_are_checked():
    with pytest.raises(CaseError) as info:
        read_ktab(
            DATA / "ktab" / "coalition.csv",
            as_of="2024-13-01",
            source_url="ftp://x",
            tolerance=-1,
            source_date="May 2024",
        )
    assert sorted(p.field for p in info.value.problems) == [
        "as_of",
        "source_date",
        "source_url",
        "tolerance",
    ]
    with pytest.raises(CaseError) as info:
        read_ktab(DATA / "nope.csv", **KW)
    assert "cannot read" in str(info.value)


def test_slugify_and_unique_ids(tmp_path):
    assert slugify("  ") == "x" and slugify("12 monkeys", "p") == "p_12_monkeys"
    assert len(slugify("a" * 100)) == 64
    f = tmp_path / "d.csv"
    f.write_text("#A\tEU 27\tEU\n#A\tEU-27\tEU too\n#P\tp\tP\n#D\tEU 27\tp\t1\t1\t1\n")
    assert read_decide(f, **KW).party_ids == ("eu_27", "eu-27")
    f.write_text("#A\tEU_27\tEU\n#A\teu 27\tEU too\n#P\tp\tP\n")
    assert read_decide(f, **KW).party_ids == ("eu_27", "eu_27-2")


# ------------------------------------------------------------- round trips


@pytest.mark.parametrize(
    "read",
    [
        lambda: read_ktab(DATA / "ktab" / "coalition.csv", tolerance=5, **KW),
        lambda: read_decide(DATA / "decide" / "summit.csv", **KW),
        lambda: read_decide(DATA / "decide" / "quoted.csv", **KW),
        lambda: read_genius(DATA / "genius" / "market", **KW),
        lambda: read_genius(DATA / "genius" / "grid", **KW),
    ],
    ids=["ktab", "decide", "decide-quoted", "genius", "genius-nonlinear"],
)
def test_imported_cases_round_trip_through_the_files(read):
    case = read()
    assert same(reload(case), case)  # every field, every position, note and source


def test_shipped_case_round_trips_with_its_scenarios():
    case = engine.load_case("ukraine-russia")
    assert case.scenarios and reload(case) == case  # loaded: the very same order


def test_dump_quotes_what_yaml_12_would_not_read_as_text():
    tricky = ["1e3", "0o17", "0x1F", "+1", ".5", "1.", "true", "null", "~", "", "2024-01-01", "no"]
    text = dump_yaml({"labels": tricky})
    from engine.io.yamlsafe import read_yaml

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "x.yaml"
        p.write_text(text)
        assert read_yaml(p, str(p)).data == {"labels": tricky}


_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=12
).filter(lambda s: s.strip() == s and s)


@st.composite
def decorated_cases(draw: st.DrawFn) -> engine.Case:
    """Random valid cases with every optional field of the format filled in at random."""
    case = draw(cases(with_requires=True, n_dates=2))
    opt = lambda s: draw(st.just("") | s)  # noqa: E731
    parties = tuple(
        dataclasses.replace(
            p,
            short=opt(_TEXT),
            note=opt(_TEXT),
            weight=draw(st.none() | st.integers(0, 40).map(lambda k: k / 4)),
        )
        for p in case.parties
    )
    issues = tuple(
        dataclasses.replace(
            i,
            short=opt(_TEXT),
            description=opt(_TEXT),
            options=tuple(dataclasses.replace(o, description=opt(_TEXT)) for o in i.options),
        )
        for i in case.issues
    )
    sources = tuple(
        dataclasses.replace(s, reliability=opt(_TEXT), note=opt(_TEXT)) for s in case.sources
    )
    statements = []
    for s in case.statements:
        conf = draw(st.sampled_from(engine.model.case.CONFIDENCES))
        positions = tuple(
            (
                iid,
                None
                if pos is None
                else dataclasses.replace(
                    pos,
                    confidence=draw(st.sampled_from([conf, *engine.model.case.CONFIDENCES])),
                    note=opt(_TEXT),
                ),
            )
            for iid, pos in s.positions
        )
        statements.append(
            dataclasses.replace(s, confidence=conf, note=opt(_TEXT), positions=positions)
        )
    snapshots = tuple(
        Snapshot(f"snap{k}", dt.date(2020, 1, 1) + dt.timedelta(days=k), draw(_TEXT))
        for k in range(draw(st.integers(0, 2)))
    )
    return dataclasses.replace(
        case,
        title=draw(_TEXT),
        description=opt(_TEXT),
        parties=parties,
        issues=issues,
        sources=sources,
        statements=tuple(statements),
        snapshots=snapshots,
    )


@given(decorated_cases())
def test_every_field_round_trips_through_the_files(case):
    """caseio writes every field of the format: loading its files gives the same case."""
    assert same(reload(case), case)


def test_write_case_removes_its_own_stale_files_and_keeps_the_users(tmp_path):
    out = tmp_path / "case"
    write_case(read_decide(DATA / "decide" / "summit.csv", **KW), out)
    assert (out / "parties" / "north.yaml").is_file()
    write_case(read_ktab(DATA / "ktab" / "coalition.csv", **KW), out, force=True)
    assert not (out / "parties" / "north.yaml").exists()  # zopa wrote it: removed
    assert engine.load_case(out).party_ids == ("grn", "lib", "soc")
    (out / "parties" / "mine.yaml").write_text("party: mine\nstatements: []\n")
    from reports.export.output import OutputExistsError

    with pytest.raises(OutputExistsError, match=r"mine\.yaml"):
        write_case(read_decide(DATA / "decide" / "summit.csv", **KW), out, force=True)
    assert (out / "parties" / "grn.yaml").is_file()  # nothing was written


# -------------------------------------------------------------------- fuzzing

_TOKENS = [
    ",",
    "\t",
    ";",
    "'",
    '"',
    "#D",
    "#M",
    "#A",
    "-1",
    "1e999",
    "nan",
    "inf",
    "abc",
    "",
    "\n",
    "0",
    "100",
    "0.5",
    "<",
    ">",
    "/>",
    "</issue>",
    '<issue index="9" name="Z">',
    '<item value="Low" evaluation="x"/>',
    '<weight index="1" value="2"/>',
    "<!DOCTYPE x>",
    "&foo;",
    "&amp;",
    "\x00",
    "é",
    'index="1"',
    'value="Red"',
    'evaluation="-5"',
    '<INCLUDES index="2" min="3" max="1"/>',
    '<hyperRectangle utility="7"></hyperRectangle>',
]


def _mutate(text: str, rng: random.Random) -> str:
    op = rng.randrange(6)
    if not text:
        return rng.choice(_TOKENS)
    a = rng.randrange(len(text))
    if op == 0:  # delete a span
        return text[:a] + text[a + rng.randint(1, 12) :]
    if op == 1:  # insert a token
        return text[:a] + rng.choice(_TOKENS) + text[a:]
    if op == 2:  # replace a number
        nums = [m.span() for m in re.finditer(r"\d+(\.\d+)?", text)]
        if nums:
            s, e = rng.choice(nums)
            return text[:s] + rng.choice(["-3", "1e400", "250", "0", "x", "", "0.999"]) + text[e:]
        return text
    lines = text.split("\n")
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    if op == 3:  # duplicate a line
        lines.insert(j, lines[i])
    elif op == 4:  # delete a line
        del lines[i]
    else:  # swap two lines
        lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


FUZZ = [
    ("ktab", "ktab/coalition.csv"),
    ("decide", "decide/summit.csv"),
    ("decide", "decide/quoted.csv"),
    ("genius", "genius/market/domain.xml"),
    ("genius", "genius/market/buyer.xml"),
    ("genius", "genius/market/seller.xml"),
    ("genius", "genius/grid/domain.xml"),
    ("genius", "genius/grid/p1.xml"),
]


def test_mutated_inputs_import_or_fail_with_located_problems(tmp_path):
    """400 random mutations of the fixtures: a valid case, or problems with file, line and column."""
    rng = random.Random(20261129)
    outcomes = {"imported": 0, "rejected": 0}
    for n in range(400):
        fmt, rel = FUZZ[n % len(FUZZ)]
        src = DATA / rel
        work = tmp_path / f"m{n}"
        shutil.copytree(src.parent, work)
        text = src.read_text(encoding="utf-8")
        for _ in range(rng.choice([1, 1, 2, 3])):
            text = _mutate(text, rng)
        target = work / src.name
        if rng.randrange(15) == 0:
            data = bytearray(text.encode("utf-8"))
            if data:
                data[rng.randrange(len(data))] = rng.randrange(256)
            target.write_bytes(bytes(data))
        else:
            target.write_text(text, encoding="utf-8")
        try:
            if fmt == "ktab":
                case = read_ktab(target, **KW)
            elif fmt == "decide":
                case = read_decide(target, **KW)
            else:
                profiles = sorted(
                    p for p in work.glob("*.xml") if p.name not in ("domain.xml", "frontier.xml")
                )
                case = read_genius(work / "domain.xml", profiles, **KW)
            outcomes["imported"] += 1
            if outcomes["imported"] % 4 == 1:  # what was imported is a valid case
                assert engine.load_case(write_case(case, work / "out")).party_ids == case.party_ids
        except CaseError as exc:
            outcomes["rejected"] += 1
            for p in exc.problems:
                assert p.file and p.line >= 1 and p.column >= 1 and p.message, (
                    f"mutation {n} of {rel}: problem without a location: {p!r}"
                )
        except Exception as exc:  # anything else is a bug
            pytest.fail(f"mutation {n} of {rel}: {type(exc).__name__}: {exc}\n{text}")
    assert outcomes["imported"] > 40 and outcomes["rejected"] > 150, outcomes


# ----------------------------------------------------------------- shared data


def _shared(shared_data: Path, pattern: str) -> list[Path]:
    return sorted(shared_data.glob(pattern))


@pytest.mark.shared_data
def test_shared_ktab_and_decide_files_import(shared_data):
    expected = {
        "ktab/SOE-Policy.csv": (26, 1),
        "ktab/dummyData-a080.csv": (80, 1),
        "ktab/dummyData_3Dim.csv": (7, 3),
        "ktab/dummyData_6Dim.csv": (27, 6),
        "decide/cop21.csv": (15, 13),
        "decide/copenhagen.csv": (11, 7),
    }
    for rel, (n_parties, n_issues) in expected.items():
        read = read_ktab if rel.startswith("ktab") else read_decide
        case = read(shared_data / rel, **KW)
        assert (len(case.parties), len(case.issues)) == (n_parties, n_issues), rel
        assert same(reload(case), case), rel
    soe = read_ktab(shared_data / "ktab/SOE-Policy.csv", **KW)
    xj = soe.party("xj")
    assert (xj.name, xj.short, xj.weight) == ("Xi Jinping", "XJ", 100.0)
    assert (soe.at()[("xj", "policy")].ideal, soe.at()[("xj", "policy")].salience) == (30.0, 0.3)
    cop = read_decide(shared_data / "decide/copenhagen.csv", **KW)
    usa = cop.at()[("usa", "mrvdecrease")]
    assert (usa.ideal, usa.salience, cop.party("usa").weight) == (90.0, 1.0, 0.26)
    assert ("russia", "commitments") not in cop.at()  # Russia has no #D row there


@pytest.mark.shared_data
def test_shared_copenhagen_with_errors_is_rejected_with_located_problems(shared_data):
    with pytest.raises(CaseError) as info:
        read_decide(shared_data / "decide/copenhagen_with_errors.csv", **KW)
    assert located(info.value) == [(86, 19, "#D.position"), (87, 32, "#D.power")]
    position, power = (p.message for p in info.value.problems)
    assert position.startswith("160 is outside issue 'Control''s range; allowed: 0 to 100")
    assert power.startswith("power -0.247 is outside Decide's range")


@pytest.mark.shared_data
def test_shared_genius_domains_import(shared_data):
    expected = {
        "10issues": (2, 10, "ordinal"),
        "Car-A-domain": (2, 6, "nominal"),
        "EnglandZimbabwe": (2, 5, "nominal"),
        "ItexvsCypress": (2, 4, "nominal"),
        "Laptop": (2, 3, "nominal"),
        "Travel": (2, 7, "nominal"),
    }
    for name, (n_parties, n_issues, scale) in expected.items():
        case = read_genius(shared_data / "genius" / name, **KW)
        assert (len(case.parties), len(case.issues)) == (n_parties, n_issues), name
        assert {i.scale for i in case.issues} == {scale}, name
        assert same(reload(case), case), name
    laptop = read_genius(shared_data / "genius/Laptop", **KW).at()
    assert laptop[("laptop-c-prof1", "laptop")].ideal == "hp"  # evaluation 30 of 12, 20, 30
    # the weight as written: the ratios of the saliences are the weights' ratios, exactly
    assert laptop[("laptop-c-prof1", "external_monitor")].salience == 0.1767567099260568


def _best_by_subsets(rects: list[tuple[int, dict[int, tuple[int, int]]]], fixed=None) -> int:
    """Max Σ u over sets of mutually compatible rectangles (all u > 0): an independent oracle.

    With positive utilities the best bid's utility is the best such sum: the
    rectangles of a compatible set share a bid, and a bid earns at least the
    sum of any compatible set it lies in.
    """
    rects = sorted(rects, key=lambda r: -r[0])
    suffix = [sum(u for u, _ in rects[k:]) for k in range(len(rects) + 1)]  # suffix sums
    best = 0

    def go(k: int, total: int, box: dict[int, tuple[int, int]]) -> None:
        nonlocal best
        best = max(best, total)
        if k == len(rects) or total + suffix[k] <= best:
            return
        u, bounds = rects[k]
        new = dict(box)
        ok = True
        for i, (lo, hi) in bounds.items():
            a, b = new.get(i, (0, 9))
            a, b = max(a, lo), min(b, hi)
            if a > b:
                ok = False
                break
            new[i] = (a, b)
        if ok:
            go(k + 1, total + u, new)
        go(k + 1, total, box)

    go(0, 0, dict(fixed or {}))
    return best


@pytest.mark.shared_data
def test_shared_10issues_ideals_are_each_profiles_best_values(shared_data):
    """The imported ideals and acceptable sets are exactly the values of each issue through
    which the profile's maximum utility is reachable (checked with an independent search).

    The profiles' rectangles are kept as bonuses, so zopa's utilities are GENIUS's and its
    frontier is the published ``pareto.xml`` (tests/engine/io/test_genius_nonlinear_frontier.py).
    Here: each party's best package (U = 1) is on the frontier and takes, on every issue, a value
    through which the maximum is reachable (its acceptable set).
    """
    folder = shared_data / "genius" / "10issues"
    case = read_genius(folder, **KW)
    at = case.at()
    domain_issues = [i.get("name") for i in ET.parse(folder / "10issues-domain.xml").iter("issue")]
    for party in ("profile-1", "profile-2"):
        root = ET.parse(folder / f"{party}.xml").getroot()
        rects = [
            (
                int(hr.get("utility")),
                {int(b.get("index")): (int(b.get("min")), int(b.get("max"))) for b in hr},
            )
            for hr in root.iter("hyperRectangle")
        ]
        assert all(u > 0 for u, _ in rects)
        top = _best_by_subsets(rects)
        # the file's own maxutility agrees with both searches (the note states zopa's)
        assert top == int(root.find(".//utility").get("maxutility"))
        assert all(f"(of {top} at most)" in p.note for (q, _), p in at.items() if q == party)
        for k, name in enumerate(domain_issues, 1):
            reach = [_best_by_subsets(rects, {k: (v, v)}) for v in range(10)]
            pos = at[(party, slugify(name, "issue"))]
            best = {f"v_{v}" for v in range(10) if reach[v] == top}
            assert set(pos.acceptable) == best and pos.ideal in best, (party, name)
    front = engine.pareto_packages(case, ["profile-1", "profile-2"])
    for party, row in (("profile-1", front.iloc[0]), ("profile-2", front.iloc[-1])):
        assert row[f"U({party})"] == 1.0
        for (p, iid), pos in at.items():
            if p == party:
                assert row[iid] in pos.acceptable
