"""The HTML report's agreement-zone tables: cells worked out by hand on tiny cases, the shipped
case against its chart data, hostile text escaped, and no matplotlib zone chart drawn for HTML.

The tiny case (tests/cases/tiny, as of 2024-01-01; status quo: ord o2, num 50):

=====  ======================================  ==========================  ======================
party  ord (One … Five = o1 … o5, ordinal)     nom (X, Y, Z)               num (0–100 units)
=====  ======================================  ==========================  ======================
a      ideal o1, accepts o1–o3, s 0.8          ideal x, accepts x y, s .4  ideal 20, 10–40, s 0.6
b      ideal o5, accepts o4–o5, s 1.0, red     ideal z, accepts z, s 0.2   ideal 80, 30–90, s 0.5
c      ideal o3, accepts o2 o3 o4, s 0.3       no position                 ideal 50, 50–50, s 0.2
=====  ======================================  ==========================  ======================
"""

from __future__ import annotations

import datetime as dt
import html
import re
from types import SimpleNamespace

import pytest

import engine
from engine import Case, Issue, Option, OptionSet, Party, Position, Source, Span, Statement
from reports.figures.layout import red_line_handles
from reports.figures.zone_text import ZONE_LEGEND
from reports.figures.zones import zone_chart_data
from reports.render.content import build_report
from reports.render.markup import render_html, render_markdown, template
from reports.render.zone_table import zone_table
from tests.conftest import CASES

BLUE, VERMILLION, GREEN = "#0072B2", "#D55E00", "#009E73"


@pytest.fixture(scope="module")
def tiny() -> engine.Case:
    return engine.load_case(CASES / "tiny")


def codes(t: dict) -> list[list[str]]:
    """Each option row's cells as short codes: · not acceptable, A acceptable, R red line,
    ◆ or ✕ the ideal, – no position."""
    out = []
    for r in t["rows"]:
        row = []
        for c in r["cells"]:
            if not c["has_position"]:
                row.append("–")
            elif not c["accepts"]:
                row.append("·")
            else:
                mark = ("✕" if c["red_line"] else "◆") if c["ideal"] else ""
                row.append(("R" if c["red_line"] else "A") + mark)
        out.append(row)
    return out


# ------------------------------------------------------------------ option scales


def test_ordinal_cells_counts_runs_and_status_quo(tiny):
    t = zone_table(zone_chart_data(tiny, "ord"))
    assert not t["interval"] and t["ordered"] and t["n"] == 3
    assert [r["label"] for r in t["rows"]] == ["One", "Two", "Three", "Four", "Five"]
    #            a      b      c
    assert codes(t) == [
        ["A◆", "·", "·"],  # One: a's ideal
        ["A", "·", "A"],  # Two
        ["A", "·", "A◆"],  # Three: c's ideal
        ["·", "R", "A"],  # Four: b's red line
        ["·", "R✕", "·"],  # Five: b's red-line ideal
    ]
    assert [r["count"] for r in t["rows"]] == ["1 of 3", "2 of 3", "2 of 3", "2 of 3", "1 of 3"]
    # runs: a o1–o3, b o4–o5, c o2–o4 (start at the first option of each, end at the last)
    starts = [[c.get("start", False) for c in r["cells"]] for r in t["rows"]]
    ends = [[c.get("end", False) for c in r["cells"]] for r in t["rows"]]
    assert [i for i, r in enumerate(starts) if r[0]] == [0] and [
        i for i, r in enumerate(ends) if r[0]
    ] == [2]
    assert [i for i, r in enumerate(starts) if r[1]] == [3] and [
        i for i, r in enumerate(ends) if r[1]
    ] == [4]
    assert [i for i, r in enumerate(starts) if r[2]] == [1] and [
        i for i, r in enumerate(ends) if r[2]
    ] == [3]
    assert [r["status_quo"] for r in t["rows"]] == [False, True, False, False, False]
    assert not any(r["in_zone"] for r in t["rows"])  # blocked by a alone, or by b alone
    assert t["rows"][4]["cells"][1]["text"] == "acceptable, its ideal, red line"
    assert t["rows"][0]["cells"][1]["text"] == "not acceptable"
    assert t["rows"][2]["cells"][2]["text"] == "acceptable, its ideal"


def test_party_heads_are_labelled_as_in_the_chart(tiny):
    t = zone_table(zone_chart_data(tiny, "ord"))
    heads = [(p["name"], p["salience"], p["red_line"], p["color"]) for p in t["parties"]]
    assert heads == [
        ("Party A", "salience 0.80", False, BLUE),
        ("Party B", "salience 1.00", True, VERMILLION),
        ("Party C", "salience 0.30", False, GREEN),
    ]
    assert t["title"] == "Agreement zone — Ordinal issue"
    assert t["finding"] == "No agreement zone; blocked by Party A alone, or by Party B alone."


def test_zone_rows_among_a_and_c(tiny):
    """a accepts o1–o3, c o2–o4: the zone is Two … Three, accepted by both."""
    t = zone_table(zone_chart_data(tiny, "ord", parties=["a", "c"]))
    assert [r["in_zone"] for r in t["rows"]] == [False, True, True, False, False]
    assert [r["zone_start"] for r in t["rows"]] == [False, True, False, False, False]
    assert [r["zone_end"] for r in t["rows"]] == [False, False, True, False, False]
    assert [r["count"] for r in t["rows"]] == ["1 of 2", "2 of 2", "2 of 2", "1 of 2", "0 of 2"]
    assert t["finding"].startswith("Agreement zone: Two … Three")
    # c keeps its place among the selected parties: the second colour
    assert [p["color"] for p in t["parties"]] == [BLUE, VERMILLION]


def test_nominal_chips_and_a_party_without_a_position(tiny):
    t = zone_table(zone_chart_data(tiny, "nom"))  # show_missing: c gets a column
    assert not t["ordered"]
    assert codes(t) == [["A◆", "·", "–"], ["A", "·", "–"], ["·", "A◆", "–"]]
    assert [r["count"] for r in t["rows"]] == ["1 of 2", "1 of 2", "1 of 2"]
    # no order: every acceptable option is a chip of its own
    x, y = t["rows"][0]["cells"][0], t["rows"][1]["cells"][0]
    assert x["start"] and x["end"] and y["start"] and y["end"]
    assert t["parties"][2] | {"color": None} == {
        "party": "c",
        "name": "Party C",
        "full": "Party C",
        "color": None,
        "has_position": False,
        "salience": "",
        "red_line": False,
    }
    assert t["rows"][0]["cells"][2]["text"] == "no position"
    assert [k for k, _ in t["legend"]][-1] == "no_position"
    assert "Options of this issue have no order" in t["finding"]
    left_out = zone_table(zone_chart_data(tiny, "nom", show_missing=False))
    assert [p["party"] for p in left_out["parties"]] == ["a", "b"]
    assert "no_position" not in [k for k, _ in left_out["legend"]]


def test_legend_entries_are_the_charts(tiny):
    t = zone_table(zone_chart_data(tiny, "ord"))
    assert t["legend"] == [
        ("acceptable", "acceptable to the party"),
        ("ideal", "its ideal"),
        ("red_line", "red line (will not move)"),
        ("red_line_ideal", "ideal of a red-line position"),
        ("zone", "agreement zone (all accept)"),
        ("status_quo", "status quo: Two"),
    ]
    # the red-line words are the shared legend handles' words
    assert [h.get_label() for h in red_line_handles()] == [
        ZONE_LEGEND["red_line"],
        ZONE_LEGEND["red_line_ideal"],
    ]


# ------------------------------------------------------------------ interval scales


def test_interval_bars_zone_and_status_quo_in_percent(tiny):
    """On 0–100 a number is its own percentage: a 10–40 → left 10, width 30; the zone of a and
    b is 30–40 → left 30, width 10; the status quo 50 → 50."""
    t = zone_table(zone_chart_data(tiny, "num", parties=["a", "b"]))
    s = t["scale"]
    assert t["interval"] and "rows" not in t
    assert s["axis"] == "Interval issue (units)"
    assert [(k["label"], k["pct"], k["align"]) for k in s["ticks"]] == [
        ("0", 0.0, "start"),
        ("20", 20.0, "mid"),
        ("40", 40.0, "mid"),
        ("60", 60.0, "mid"),
        ("80", 80.0, "mid"),
        ("100", 100.0, "end"),
    ]
    assert [r["bars"] for r in s["rows"]] == [
        [{"left": 10.0, "width": 30.0, "point": False}],
        [{"left": 30.0, "width": 60.0, "point": False}],
    ]
    assert [r["ideal"] for r in s["rows"]] == [20.0, 80.0]
    assert s["zone"] == [{"left": 30.0, "width": 10.0, "point": False}]
    assert s["status_quo"] == 50.0
    assert s["rows"][0]["text"] == "accepts 10–40 units; ideal 20 units"


def test_a_single_number_is_a_point_bar_and_a_point_zone(tiny):
    """b accepts 30–90, c only 50: the zone is the single number 50."""
    s = zone_table(zone_chart_data(tiny, "num", parties=["b", "c"]))["scale"]
    assert s["rows"][1]["bars"] == [{"left": 50.0, "width": 0.0, "point": True}]
    assert s["zone"] == [{"left": 50.0, "width": 0.0, "point": True}]


HOSTILE = '<b>&"x"</b>'


def hand_case() -> Case:
    """Two parties on an interval issue (0–1000 troops, status quo 1000) and on an ordinal
    issue whose every name is hostile text."""
    cap = Issue("cap", "Troop cap", "interval", unit="troops", min=0, max=1000, status_quo=1000)
    opts = (Option("o1", HOSTILE + " one"), Option("o2", "two"), Option("o3", "three"))
    ordinal = Issue("ord", HOSTILE + " issue", "ordinal", opts)
    parties = (Party("p", HOSTILE + " party", "belligerent"), Party("q", "Q", "belligerent"))
    d = dt.date(2024, 1, 1)
    pos = {
        "p": (
            Position("p", "cap", 250.0, Span(200.0, 500.0), 0.5, False, as_of=d),
            Position("p", "ord", "o1", OptionSet(frozenset({"o1", "o2"})), 0.5, False, as_of=d),
        ),
        "q": (
            Position("q", "cap", 450.0, Span(450.0, 450.0), 0.9, True, as_of=d),
            Position("q", "ord", "o2", OptionSet(frozenset({"o2", "o3"})), 0.5, False, as_of=d),
        ),
    }
    statements = tuple(
        Statement(p, d, ("s",), tuple((x.issue, x) for x in xs)) for p, xs in pos.items()
    )
    source = Source("s", "t", "pub", "2024", "https://example.org")
    return Case("hand", "Hand", d, parties, (cap, ordinal), (source,), statements)


def test_hand_built_interval_in_percent():
    """0–1000: 200 → 20 %, 500 → 50 % (width 30), ideal 250 → 25 %; q's 450 → 45 %, width 0;
    the zone is 450 alone; the status quo 1000 → 100 %; ticks every 200."""
    s = zone_table(zone_chart_data(hand_case(), "cap"))["scale"]
    assert s["rows"][0]["bars"] == [{"left": 20.0, "width": 30.0, "point": False}]
    assert s["rows"][0]["ideal"] == 25.0
    assert s["rows"][1]["bars"] == [{"left": 45.0, "width": 0.0, "point": True}]
    assert s["rows"][1]["red_line"] and s["rows"][1]["text"].endswith("; red line")
    assert s["zone"] == [{"left": 45.0, "width": 0.0, "point": True}]
    assert s["status_quo"] == 100.0
    assert [k["label"] for k in s["ticks"]] == ["0", "200", "400", "600", "800", "1000"]
    assert (s["min"], s["max"]) == ("0", "1000")


def render_figure(data) -> str:
    """One zone table as the report's template writes it."""
    macro = template("_zone_table.html.j2").module.zone_figure
    fig = SimpleNamespace(name=f"zone-{data.issue}", caption="No position: " + HOSTILE)
    return str(macro(fig, zone_table(data)))


def test_hostile_names_are_escaped():
    out = render_figure(zone_chart_data(hand_case(), "ord"))
    safe = html.escape(HOSTILE, quote=True).replace("&quot;", "&#34;")
    assert "<b>" not in out and out.count(safe) == 4  # title, option, party, caption
    assert f"<caption><strong>Agreement zone — {safe} issue</strong>" in out
    assert f'<th scope="row">{safe} one' in out
    assert f'<span class="zt-pname">{safe} party</span>' in out
    assert f"<figcaption>No position: {safe}</figcaption>" in out
    assert '<table class="zt-table zt-options zt-few" style="--n: 2">' in out


def test_the_markup_has_table_headers_and_words_for_every_cell(tiny):
    out = render_figure(zone_chart_data(tiny, "ord"))
    assert out.count('<th scope="col"') == 1 + 3 + 1  # option, three parties, count
    assert out.count('<th scope="row">') == 5
    assert out.count('<td class="zt-cell">') == 15
    assert out.count('<span class="sr-only">') == 15
    assert "Parties accepting it (of 3)" in out
    assert '<span class="zt-rl"><span aria-hidden="true">✕ </span>red line</span>' in out
    assert 'aria-hidden="true">✕</span>' in out and 'aria-hidden="true">◆</span>' in out
    assert out.count("zt-sq") == 1 and '<span class="zt-tag">status quo</span>' in out


# ------------------------------------------------------------------ the report


@pytest.fixture(scope="module")
def shipped():
    rep = build_report(engine.load_case("ukraine-russia"))
    return rep, render_html(rep)


def figure_html(page: str, issue: str) -> str:
    m = re.search(rf'<figure class="zt" id="fig-zone-{issue}".*?</figure>', page, re.S)
    assert m, f"no zone table for {issue}"
    return m.group(0)


def parse_rows(fig: str) -> tuple[list[str], list[tuple[str, list[str], str]]]:
    """Party names, and each row's option label, cell words and count, read back from the HTML."""
    names = [html.unescape(n) for n in re.findall(r'<span class="zt-pname">(.*?)</span>', fig)]
    rows = []
    for tr in re.findall(r'<tr class="zt-row[^"]*">(.*?)</tr>', fig, re.S):
        label = re.search(r'<th scope="row">(.*?)(?:<span|</th>)', tr).group(1).strip()
        cells = re.findall(r'<td class="zt-cell">.*?<span class="sr-only">(.*?)</span></td>', tr)
        count = re.search(r'<td class="zt-n">(?:<strong>)?(.*?)(?:</strong>)?</td>', tr).group(1)
        rows.append((html.unescape(label), cells, count))
    return names, rows


def test_crimea_table_shows_what_the_chart_data_holds(shipped):
    rep, page = shipped
    data = rep.figures["zone-crimea"].data
    names, rows = parse_rows(figure_html(page, "crimea"))
    assert names == list(data.parties["party_name"])
    assert [r[0] for r in rows] == list(data.options["label"])
    labels = list(data.options["label"])
    for c, party in enumerate(data.parties["party"]):
        spans = data.spans[data.spans["party"] == party]
        expected = {
            labels[j]
            for lo, hi in zip(spans["lo"], spans["hi"], strict=True)
            for j in range(int(lo), int(hi) + 1)
        }
        shown = {label for label, cells, _ in rows if cells[c].startswith("acceptable")}
        assert shown == expected, party
    for (label, cells, count), n in zip(rows, data.options["n_accept"], strict=True):
        k = sum(cell.startswith("acceptable") for cell in cells)
        assert count == f"{k} of {data.n_parties}" and k == n, label


def test_one_zone_table_per_issue_with_two_parties_and_no_zone_chart_drawn(shipped):
    rep, page = shipped
    zones = engine.agreement_zones(rep.case)
    n = int((zones["n_parties"] >= 2).sum())
    assert (
        page.count('<table class="zt-table')
        == n
        == sum(k.startswith("zone-") for k in rep.figures)
    )
    assert page.count("<img ") == len(rep.figures) - n  # the other figures are still pictures
    assert all(f._svg is None for k, f in rep.figures.items() if k.startswith("zone-"))


def test_html_never_draws_a_zone_chart_but_markdown_does(tiny, monkeypatch):
    import reports.render.content as content

    def refuse(*args, **kwargs):
        raise AssertionError("plot_zone_chart called")

    monkeypatch.setattr(content, "plot_zone_chart", refuse)
    rep = build_report(tiny)
    page = render_html(rep)
    assert page.count('<table class="zt-table') == 3
    with pytest.raises(AssertionError, match="plot_zone_chart called"):
        render_markdown(rep)  # the Markdown's zone charts are still matplotlib SVGs
