"""The report: hostile text is inert, output is deterministic, content follows the definitions."""

from __future__ import annotations

import dataclasses
import re

import pytest

import engine
from engine import Case, Issue, Option, OptionSet, Party, Position, Source, Statement
from reports.render.content import build_report, md_escape, safe_url
from reports.render.markup import render_html, render_markdown
from reports.render.pdf import render_pdf
from tests.conftest import CASES
from tests.golden import assert_golden

XSS = "<script>alert(1)</script>"
HOSTILE = [
    XSS,
    '"><img src=x onerror=alert(2)>',
    "[click](javascript:alert(3))",
    "**bold** _it_ `code` | pipe # hash",
    "<svg onload=alert(4)>",
]


def hostile_case() -> Case:
    """A case whose every piece of user text is hostile (built without the loader, which would refuse some)."""
    issue = Issue(
        "i1",
        HOSTILE[1] + " issue",
        "ordinal",
        (Option("o1", XSS), Option("o2", HOSTILE[2]), Option("o3", HOSTILE[4])),
        description=HOSTILE[3],
    )
    parties = (
        Party("p1", XSS, "belligerent", note=HOSTILE[1]),
        Party("p2", HOSTILE[2], "belligerent"),
        Party("p3", HOSTILE[3], "mediator"),
    )
    sources = (
        Source("s1", XSS, HOSTILE[1], "2024-01-01", "javascript:alert(5)", reliability=HOSTILE[4]),
        Source("s2", HOSTILE[2], "pub", "2024", "https://example.org/ok?a=<b>"),
    )
    pos = [
        Position(
            "p1", "i1", "o1", OptionSet(frozenset({"o1"})), 0.9, False, note=XSS, sources=("s1",)
        ),
        Position(
            "p2",
            "i1",
            "o3",
            OptionSet(frozenset({"o3"})),
            0.7,
            False,
            note=HOSTILE[2],
            sources=("s2",),
        ),
        Position(
            "p3",
            "i1",
            "o2",
            OptionSet(frozenset({"o1", "o2", "o3"})),
            0.2,
            False,
            note=HOSTILE[3],
            sources=("s1", "s2"),
        ),
    ]
    import datetime as dt

    d = dt.date(2024, 1, 1)
    statements = tuple(
        Statement(p.party, d, p.sources, ((p.issue, dataclasses.replace(p, as_of=d)),))
        for p in pos
    )
    return Case(
        "hostile",
        XSS + " title",
        d,
        parties,
        (issue,),
        sources,
        statements,
        description=HOSTILE[1],
    )


@pytest.fixture(scope="module")
def hostile_report():
    return build_report(hostile_case(), figures_on=False)


def test_html_is_inert(hostile_report):
    html = render_html(hostile_report)
    assert "<script" not in html.lower()
    assert "onerror=" not in html.replace("onerror=alert(2)&gt;", "")  # only as escaped text
    assert "<svg onload" not in html.lower() and "<img src=x" not in html
    assert "javascript:" not in " ".join(re.findall(r'href="([^"]*)"', html))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="https://example.org/ok?a=%3Cb%3E"' in html
    assert (
        "Content-Security-Policy" in html
    )  # belt and braces: no script may run even if something slipped


def test_markdown_is_inert(hostile_report):
    text, _ = render_markdown(hostile_report)
    assert "<script" not in text.lower() and "<img" not in text and "<svg" not in text.lower()
    assert "](javascript" not in text
    assert "&lt;script&gt;" in text
    assert "\\*\\*bold\\*\\*" in text  # markup characters are escaped, not interpreted


def test_pdf_renders_hostile_text(hostile_report):
    data = render_pdf(hostile_report)
    assert data.startswith(b"%PDF") and b"javascript:" not in data


def test_safe_url_and_md_escape():
    assert safe_url("https://example.org/x") == "https://example.org/x"
    for bad in (
        "javascript:alert(1)",
        "data:text/html,<script>",
        "ftp://x",
        "//evil.org",
        " javascript:x",
    ):
        assert safe_url(bad) is None
    assert safe_url('https://x.org/"onmouseover=a') == "https://x.org/%22onmouseover=a"
    assert md_escape("a\nb") == "a b"
    assert md_escape("[x](y)") == "\\[x\\]\\(y\\)"


def test_report_text_is_deterministic(tiny):
    a = build_report(tiny, figures_on=False)
    b = build_report(tiny, figures_on=False)
    assert render_html(a) == render_html(b)
    assert render_markdown(a)[0] == render_markdown(b)[0]
    assert render_pdf(a) == render_pdf(b)


def test_headline_numbers_follow_the_definitions(tiny):
    """Every number in the headline is recomputed here from the engine functions."""
    rep = build_report(tiny, figures_on=False)
    zones = engine.agreement_zones(tiny, parties=["a", "b"])
    n_open = int((~zones["empty"]).sum())
    assert rep.headlines[0].startswith(
        f"Among the belligerents (Party A and Party B), {n_open} of the 3 issues"
    )
    ov = engine.overlap_matrix(tiny)
    hi = max(
        ((p, q, ov.loc[p, q]) for p in ov.index for q in ov.columns if p < q), key=lambda t: t[2]
    )
    line = next(h for h in rep.headlines if h.startswith("By pair overlap"))
    assert (
        f"the most compatible: Party {hi[0].upper()}–Party {hi[1].upper()} at {hi[2]:.2f}" in line
    )


# ----------------------------------------------------------------- golden files


def test_golden_report_text_of_the_tiny_case(tiny):
    """The report's text and structure (figures off, so a matplotlib upgrade cannot move them)."""
    rep = build_report(tiny, figures_on=False)
    assert_golden("report-tiny.html", render_html(rep))
    assert_golden("report-tiny.md", render_markdown(rep)[0])


def test_golden_report_with_a_scenario(tiny):
    rep = build_report(tiny, figures_on=False, scenario=tiny.scenario("b-softens"))
    assert_golden("report-tiny-scenario.md", render_markdown(rep)[0])


# ----------------------------------------------------------------- figures on


@pytest.fixture(scope="module")
def tiny_full():
    return build_report(engine.load_case(CASES / "tiny"), scenario=None)


def test_same_input_same_bytes_with_figures(tiny_full):
    again = build_report(engine.load_case(CASES / "tiny"))
    assert render_html(tiny_full) == render_html(again)
    md1, f1 = render_markdown(tiny_full)
    md2, f2 = render_markdown(again)
    assert md1 == md2 and f1 == f2
    assert render_pdf(tiny_full) == render_pdf(again)


def test_html_is_self_contained(tiny_full):
    html = render_html(tiny_full)
    assert "<script" not in html and "<link" not in html and "@import" not in html
    assert not re.search(r'src="(?!data:)', html), "every image must be inline"
    assert not re.search(r"url\((?!data:)", html)
    n_imgs = len(re.findall(r"<img ", html))
    zones = [k for k in tiny_full.figures if k.startswith("zone-")]
    assert len(zones) == 3
    # the agreement zones are tables drawn with CSS; every other figure is an inline picture
    assert html.count('<table class="zt-table') == len(zones)
    assert n_imgs == len(tiny_full.figures) - len(zones) >= 6
    assert all(f.alt for f in tiny_full.figures.values())
    assert len(re.findall(r'alt="[^"]{20,}"', html)) == n_imgs


def test_markdown_figures_are_files_beside_it(tiny_full):
    text, files = render_markdown(tiny_full)
    linked = re.findall(r"\]\((figures/[^)]+)\)", text)
    assert linked and sorted(linked) == sorted(files), "exactly the files the text shows"
    assert all(k.startswith("figures/") and k.endswith(".svg") for k in files)


# ----------------------------------------------------------------- end to end


@pytest.mark.slow
def test_zopa_report_on_the_shipped_case(tmp_path, monkeypatch, capsys):
    """No arguments: the HTML report on the shipped case in ./zopa-report; then every format."""
    from reports.cli.main import main

    monkeypatch.chdir(tmp_path)
    out = tmp_path / "zopa-report"
    assert main(["report"]) == 0
    assert "zopa-report/report.html" in capsys.readouterr().out
    assert main(["report", "--format", "html,md,pdf"]) == 0
    second = capsys.readouterr().out
    assert "replaced" not in second  # same input, same bytes: the HTML is unchanged
    html = (out / "report.html").read_text(encoding="utf-8")
    for section in (
        "findings",
        "positions",
        "zones",
        "matrices",
        "graph",
        "settlement",
        "timeline",
        "sources",
        "method",
    ):
        assert f'<section id="{section}">' in html
    case = engine.load_case("ukraine-russia")
    zones = engine.agreement_zones(case)
    n_zones = int((zones["n_parties"] >= 2).sum())
    assert html.count('<figure class="zt" id="fig-zone-') == n_zones
    assert html.count('<table class="zt-table') == n_zones
    assert (out / "report.pdf").read_bytes().startswith(b"%PDF")
    md = (out / "report.md").read_text(encoding="utf-8")
    assert md.startswith("# Russia–Ukraine peace talks")
    assert (out / "figures" / "position-map.svg").is_file()
    assert (out / "figures" / "zone-crimea.svg").is_file()  # Markdown keeps the zone charts


def test_report_usage_errors(capsys):
    from reports.cli.main import main

    assert main(["report", "tests/cases/tiny", "--format", "html,docx"]) == 2
    assert "docx is not a report format; allowed: html, md, pdf" in capsys.readouterr().err
    assert main(["report", "tests/cases/tiny", "--scenario", "nope"]) == 2
    assert "neither a scenario of case 'tiny'" in capsys.readouterr().err


def test_report_refuses_to_overwrite_a_users_file(tmp_path, capsys):
    from reports.cli.main import main

    (tmp_path / "report.html").write_text("my notes", encoding="utf-8")
    assert main(["report", "tests/cases/tiny", "-o", str(tmp_path)]) == 1
    assert "were not written by zopa" in capsys.readouterr().err
    assert (tmp_path / "report.html").read_text(encoding="utf-8") == "my notes"


# ----------------------------------------------------------------- export


def test_export_files(tmp_path):
    import io

    import networkx as nx
    import pandas as pd

    from reports.export.files import export_files

    case = engine.load_case(CASES / "tiny")
    files = export_files(case)
    assert files == export_files(case)  # byte-identical, XLSX included
    expected = {
        "positions.csv",
        "positions.json",
        "overlap_matrix.csv",
        "conflict_matrix.csv",
        "pairs.csv",
        "zones.csv",
        "contested_issues.csv",
        "timeline.csv",
        "issue_timeline.csv",
        "position_changes.csv",
        "sources.csv",
        "graph.graphml",
        "zopa-export.xlsx",
        "README.txt",
    }
    assert set(files) == expected
    book = pd.read_excel(io.BytesIO(files["zopa-export.xlsx"]), sheet_name=None)
    assert {"positions", "overlap_matrix", "conflict_matrix", "pairs", "zones"} <= set(book)
    pairs = pd.read_csv(io.BytesIO(files["pairs.csv"]))
    ab = pairs[(pairs.issue == "ord") & (pairs.party == "a") & (pairs.other == "b")].iloc[0]
    assert ab["gap"] == pytest.approx(1 / 4) and ab["conflict"] == pytest.approx(
        1 / 4 * (0.8 + 1.0) / 2
    )
    (tmp_path / "g.graphml").write_bytes(files["graph.graphml"])
    G = nx.read_graphml(tmp_path / "g.graphml")
    assert G.nodes["a:ord"]["party"] == "a"


@pytest.mark.parametrize(
    ("ext", "magic"), [(".svg", b"<?xml"), (".png", b"\x89PNG"), (".pdf", b"%PDF")]
)
def test_zopa_graph_draws_the_graph(tmp_path, capsys, ext, magic):
    from reports.cli.main import main

    path = tmp_path / f"g{ext}"
    assert main(["graph", "tests/cases/tiny", "-o", str(path)]) == 0
    data = path.read_bytes()
    assert data.startswith(magic)
    assert main(["graph", "tests/cases/tiny", "-o", str(path)]) == 0
    assert f"unchanged: {path}" in capsys.readouterr().out  # same bytes again
