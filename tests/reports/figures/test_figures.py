"""Smoke tests of the drawing, layout checks, and deterministic output.

What the figures show is tested on their data (tests/reports/figures/test_figdata.py); here
every figure is drawn for the tiny and the shipped case and for the edge
cases (an issue nobody holds a position on, a party without positions, a
case with one party, a NaN-only matrix, an empty graph, an infeasible
settlement), and the drawn figure is checked for what a reader would
notice: text cut off at the figure's edge, tick labels running into each
other, a legend over the axis labels, an axis without a label.
"""

from __future__ import annotations

import itertools
import re

import matplotlib

matplotlib.use("Agg")

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

import engine
from engine import Change, Party, scenario_from_changes
from engine.solve.settlement import settle
from engine.whatif.compare import compare
from reports.figures import style
from reports.figures.deltas import (
    delta_data,
    plot_delta,
    plot_delta_issues,
    size_delta,
    size_delta_issues,
)
from reports.figures.graph import alt_graph, graph_data, plot_graph, size_graph
from reports.figures.heatmap import alt_heatmap, heatmap_data, plot_heatmap, size_heatmap
from reports.figures.labels import party_names, wrap
from reports.figures.position_map import (
    alt_position_map,
    plot_position_map,
    position_map_data,
    size_position_map,
)
from reports.figures.settlement import (
    alt_settlement,
    plot_settlement,
    plot_settlement_outcomes,
    settlement_data,
    size_settlement,
    size_settlement_outcomes,
)
from reports.figures.timeline import (
    alt_timeline,
    plot_change_timeline,
    plot_conflict_timeline,
    plot_timeline,
    plot_zone_timeline,
    size_timeline,
    timeline_data,
)
from reports.figures.zones import alt_zone_chart, plot_zone_chart, size_zone_chart, zone_chart_data
from tests.conftest import CASES

# ----------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def tiny() -> engine.Case:
    return engine.load_case(CASES / "tiny")


@pytest.fixture(scope="module")
def shipped() -> engine.Case:
    return engine.load_case("ukraine-russia")


@pytest.fixture(scope="module")
def edgy(tiny: engine.Case) -> engine.Case:
    """Tiny, with nobody on "nom" any more and a party "d" without positions."""
    changes = [
        Change("position", party="a", issue="nom", withdraw=True),
        Change("position", party="b", issue="nom", withdraw=True),
        Change("add_party", party="d", new_party=Party("d", "Party D", "observer")),
    ]
    return engine.apply(tiny, scenario_from_changes(changes))


@pytest.fixture(scope="module")
def solo(tiny: engine.Case) -> engine.Case:
    changes = [Change("remove_party", party="b"), Change("remove_party", party="c")]
    return engine.apply(tiny, scenario_from_changes(changes))


def _no_red_lines(case: engine.Case) -> engine.Case:
    changes = [
        Change("position", party=p, issue=i, red_line=False)
        for (p, i), pos in case.at().items()
        if pos.red_line
    ]
    return engine.apply(case, scenario_from_changes(changes))


# ------------------------------------------------------------------ helpers


def _drawn_tick_labels(fig) -> tuple[set[int], set[int]]:
    drawn, every = set(), set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for tick in axis.get_major_ticks():
                every |= {id(tick.label1), id(tick.label2)}
            for tick in axis._update_ticks():
                drawn |= {id(tick.label1), id(tick.label2)}
    return drawn, every


def layout_problems(fig) -> list[str]:
    """What a reader would see as broken: clipped text, overlapping labels, a legend on labels."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    r = canvas.get_renderer()
    box = fig.bbox
    drawn, every = _drawn_tick_labels(fig)
    out = []
    for t in fig.findobj(Text):
        if not t.get_visible() or not t.get_text().strip():
            continue
        if id(t) in every and id(t) not in drawn:
            continue  # a tick outside the view limits: never drawn
        bb = t.get_window_extent(r)
        if bb.x0 < box.x0 - 1 or bb.x1 > box.x1 + 1 or bb.y0 < box.y0 - 1 or bb.y1 > box.y1 + 1:
            out.append(f"clipped: {t.get_text()[:40]!r}")
    for ax in fig.axes:
        labels = [
            t
            for t in ax.get_xticklabels() + ax.get_yticklabels()
            if t.get_visible() and t.get_text() and id(t) in drawn
        ]
        for t1, t2 in itertools.combinations(labels, 2):
            if t1.get_window_extent(r).overlaps(t2.get_window_extent(r)):
                out.append(f"tick labels overlap: {t1.get_text()[:20]!r} / {t2.get_text()[:20]!r}")
        legend = ax.get_legend()
        if legend is not None:
            lb = legend.get_window_extent(r)
            axis_box = ax.xaxis.get_tightbbox(r)
            if axis_box is not None and lb.overlaps(axis_box):
                out.append("legend over the x axis labels")
            for title in (ax.title, ax._left_title):
                if title.get_text() and lb.overlaps(title.get_window_extent(r)):
                    out.append("legend over the title")
    return out


def draw(plot, data, size, **kw) -> Axes:
    """Draw into a new figure of the recommended size, check the layout, return the Axes."""
    fig, ax = style.new_figure(*size(data))
    out = plot(data, ax=ax, **kw)
    assert isinstance(out, Axes)
    assert out.figure is fig
    problems = layout_problems(fig)
    assert not problems, problems
    return out


def words(ax: Axes) -> str:
    """Every text of an Axes (title, subtitle, annotations), on one line."""
    parts = [ax.get_title(loc="left"), *(t.get_text() for t in ax.texts)]
    return " ".join(parts).replace("\n", " ")


def assert_labelled(ax: Axes) -> None:
    """Both axes labelled and a title (bold title or subtitle) present."""
    assert ax.get_xlabel().strip(), "x axis has no label"
    assert ax.get_ylabel().strip(), "y axis has no label"
    assert ax.get_title(loc="left").strip()


# -------------------------------------------------------------------- style


def test_party_styles_beyond_eight_differ():
    seen = {(s.color, s.hatch, s.marker) for s in map(style.party_style, range(32))}
    assert len(seen) == 32
    assert len({style.party_style(i).color for i in range(8)}) == 8
    assert style.party_style(8).color == style.party_style(0).color
    assert style.party_style(8).hatch != style.party_style(0).hatch


def test_contrast_text():
    assert style.contrast_text("#FFF3B0") == "black"
    assert style.contrast_text("#000000") == "white"
    assert style.contrast_text((0.0, 0.13, 0.3)) == "white"


def _sample_figure():
    fig, ax = style.new_figure(4, 3)
    ax.plot([0, 1], [1, 0], label="a & <b>")
    ax.set_title("Déjà vu – 1")
    ax.legend()
    return fig


def test_svg_is_deterministic_and_clean():
    a, b = style.to_svg(_sample_figure()), style.to_svg(_sample_figure())
    assert a == b
    assert "<metadata>" not in a and "<!--" not in a
    assert "Matplotlib v" not in a and "dc:date" not in a
    assert "<text" in a and "DejaVu Sans" in a  # text stays text
    alt = style.to_svg(_sample_figure(), alt="x < y & z")
    assert "<title>x &lt; y &amp; z</title>" in alt


def test_png_and_pdf_are_deterministic_and_clean():
    a, b = style.to_png(_sample_figure()), style.to_png(_sample_figure())
    assert a == b and a.startswith(b"\x89PNG")
    assert b"Software" not in a and b"tEXt" not in a
    p, q = style.to_pdf(_sample_figure()), style.to_pdf(_sample_figure())
    assert p == q and p.startswith(b"%PDF")
    assert b"CreationDate" not in p and b"Matplotlib" not in p


def test_figure_svg_deterministic(tiny):
    data = position_map_data(tiny)

    def svg() -> str:
        fig, ax = style.new_figure(*size_position_map(data))
        plot_position_map(data, ax=ax)
        return style.to_svg(fig, alt=alt_position_map(data))

    first = svg()
    assert first == svg()
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d", first)  # no timestamps


def test_plot_without_ax_makes_its_own_figure(tiny):
    ax = plot_heatmap(heatmap_data(engine.overlap_matrix(tiny), kind="overlap"))
    assert isinstance(ax, Axes)
    assert tuple(ax.figure.get_size_inches()) == pytest.approx(
        size_heatmap(heatmap_data(engine.overlap_matrix(tiny), kind="overlap"))
    )


# -------------------------------------------------------------- tiny case


def test_tiny_position_map(tiny):
    data = position_map_data(tiny)
    ax = draw(plot_position_map, data, size_position_map)
    assert_labelled(ax)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Party A", "Party B", "Party C"]
    assert ax.get_legend() is not None


@pytest.mark.parametrize("issue", ["ord", "nom", "num"])
def test_tiny_zone_charts(tiny, issue):
    data = zone_chart_data(tiny, issue)
    ax = draw(plot_zone_chart, data, size_zone_chart)
    assert_labelled(ax)
    assert "blocked by Party A alone" in words(ax)  # the finding, as subtitle
    assert ax.get_legend() is not None


def test_tiny_heatmaps(tiny):
    names = party_names(tiny)
    for kind, m in (
        ("overlap", engine.overlap_matrix(tiny)),
        ("conflict", engine.conflict_matrix(tiny)),
    ):
        ax = draw(plot_heatmap, heatmap_data(m, kind=kind, names=names), size_heatmap)
        assert_labelled(ax)
        cell_texts = {t.get_text() for t in ax.texts}
        assert "1.00" in cell_texts if kind == "overlap" else "0.30" in cell_texts


def test_heatmap_draws_values_with_shared_issue_counts(tiny):
    from reports.figures.heatmap import SHARED_LEGEND

    data = heatmap_data(
        engine.conflict_matrix(tiny),
        kind="conflict",
        names=party_names(tiny),
        shared=engine.shared_issues_matrix(tiny),
    )
    ax = draw(plot_heatmap, data, size_heatmap)
    assert_labelled(ax)
    cell_texts = [t.get_text() for t in ax.texts]
    assert {"0.30 · 3", "0.03 · 2", "0.00 · 2"} <= set(cell_texts)
    assert len(cell_texts) == 9
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [SHARED_LEGEND] and "n = issues both parties state" in SHARED_LEGEND


def test_heatmap_text_contrast(tiny):
    data = heatmap_data(engine.overlap_matrix(tiny), kind="overlap")
    ax = draw(plot_heatmap, data, size_heatmap)
    colors = {t.get_text(): t.get_color() for t in ax.texts}
    # cividis is dark at 0 (white text) and bright at 1 (black text)
    assert colors["1.00"] == "black"
    low = data.cells.loc[data.cells["value"].idxmin(), "text"]
    assert colors[low] == "white"


def test_tiny_graph(tiny):
    ax = draw(plot_graph, graph_data(engine.incompatibility_graph(tiny)), size_graph)
    assert_labelled(ax)


def test_tiny_timeline_panels(tiny):
    data = timeline_data(tiny)
    ax = draw(plot_timeline, data, size_timeline)
    assert len(ax.figure.axes) == 3
    for a in ax.figure.axes:
        assert a.get_ylabel()
    assert ax.figure.axes[-1].get_xlabel()
    for plot in (plot_conflict_timeline, plot_zone_timeline, plot_change_timeline):
        assert_labelled(draw(plot, data, lambda d: (8, 4.5)))


def test_timeline_on_free_axes_falls_back_to_one_panel(tiny):
    fig = matplotlib.figure.Figure(figsize=(8, 4))
    ax = fig.add_axes((0.15, 0.2, 0.8, 0.65))
    out = plot_timeline(timeline_data(tiny), ax=ax)
    assert out is ax and len(fig.axes) == 1


def test_tiny_settlement(tiny):
    data = settlement_data({o: settle(tiny, o) for o in ("total", "fair", "nash")}, case=tiny)
    ax = draw(plot_settlement, data, size_settlement)
    assert_labelled(ax)
    assert {t.get_text() for t in ax.texts} >= {"0.20", "0.02"}
    draw(plot_settlement_outcomes, data, size_settlement_outcomes)


def test_tiny_delta(tiny):
    new = engine.apply(tiny, tiny.scenario("b-softens"))
    data = delta_data(compare(tiny, new), case=tiny)
    ax = draw(plot_delta, data, size_delta)
    assert_labelled(ax)
    assert "−0.13" in {t.get_text() for t in ax.texts}
    assert_labelled(draw(plot_delta_issues, data, size_delta_issues))


# ------------------------------------------------------------- edge cases


def test_issue_nobody_holds_and_party_without_positions(edgy):
    zone = zone_chart_data(edgy, "nom")
    ax = draw(plot_zone_chart, zone, size_zone_chart)
    assert "No party has a position" in words(ax)
    assert "no party has a position" in alt_zone_chart(zone)
    draw(plot_position_map, position_map_data(edgy), size_position_map)
    m = heatmap_data(engine.conflict_matrix(edgy), kind="conflict", names=party_names(edgy))
    ax = draw(plot_heatmap, m, size_heatmap)
    legend = ax.get_legend()
    assert legend is not None and "no position" in legend.get_texts()[0].get_text()


def test_one_party_case(solo):
    draw(plot_position_map, position_map_data(solo), size_position_map)
    zone = zone_chart_data(solo, "ord")
    draw(plot_zone_chart, zone, size_zone_chart)
    assert "only Party A has a position" in alt_zone_chart(zone)
    draw(
        plot_heatmap,
        heatmap_data(engine.overlap_matrix(solo), kind="overlap"),
        size_heatmap,
    )
    draw(plot_graph, graph_data(engine.incompatibility_graph(solo)), size_graph)
    draw(plot_timeline, timeline_data(solo), size_timeline)
    draw(
        plot_settlement,
        settlement_data({"total": settle(solo)}, case=solo),
        size_settlement,
    )
    draw(plot_delta, delta_data(compare(solo, solo), case=solo), size_delta)


def test_nan_only_matrix():
    nan = pd.DataFrame(np.nan, index=list("pq"), columns=list("pq"))
    for kind in ("overlap", "conflict_delta"):
        data = heatmap_data(nan, kind=kind)
        ax = draw(plot_heatmap, data, size_heatmap)
        assert {t.get_text() for t in ax.texts} == {"–"}
        assert "every cell is empty" in alt_heatmap(data)
    empty = heatmap_data(pd.DataFrame(), kind="overlap")
    draw(plot_heatmap, empty, size_heatmap)


def test_empty_graph():
    data = graph_data(nx.Graph())
    ax = draw(plot_graph, data, size_graph)
    assert "empty" in words(ax)
    assert alt_graph(data) == "Incompatibility graph: no positions, so no conflicts."


def test_infeasible_settlement(tiny):
    hard = engine.apply(
        tiny, scenario_from_changes([Change("position", party="a", issue="ord", red_line=True)])
    )
    only_bad = settlement_data({"total": settle(hard)}, case=tiny)
    ax = draw(plot_settlement, only_bad, size_settlement)
    text = words(ax)
    assert "no package respects every red line" in text
    assert "Party A on Ordinal issue and Party B on Ordinal issue" in text
    draw(plot_settlement_outcomes, only_bad, size_settlement_outcomes)
    assert "no package respects every red line" in alt_settlement(only_bad)
    mixed = settlement_data({"total": settle(hard), "fair": settle(tiny, "fair")}, case=tiny)
    draw(plot_settlement, mixed, size_settlement)


# ------------------------------------------------------------- shipped case


def test_shipped_position_map(shipped):
    data = position_map_data(shipped)
    width, _ = size_position_map(data)
    assert 10 <= width <= 12.5  # shown about 1100 px wide in the report
    ax = draw(plot_position_map, data, size_position_map)
    assert len(ax.get_yticklabels()) == len(shipped.issues)
    assert "red line" in alt_position_map(data)


@pytest.mark.parametrize("issue", ["army_cap", "znpp", "donetsk_luhansk", "nato"])
def test_shipped_zone_charts(shipped, issue):
    data = zone_chart_data(shipped, issue)
    ax = draw(plot_zone_chart, data, size_zone_chart)
    assert_labelled(ax)
    alt = alt_zone_chart(data)
    assert alt.startswith(f"Agreement-zone chart for {shipped.issue(issue).name}")


def test_shipped_matrices_graph_timeline(shipped):
    names = party_names(shipped)
    for kind, m in (
        ("overlap", engine.overlap_matrix(shipped)),
        ("conflict", engine.conflict_matrix(shipped)),
    ):
        draw(plot_heatmap, heatmap_data(m, kind=kind, names=names), size_heatmap)
    graph = graph_data(engine.incompatibility_graph(shipped), case=shipped)
    assert 10 <= size_graph(graph)[0] <= 12.5
    draw(plot_graph, graph, size_graph)
    assert "Relaxing" in alt_graph(graph)
    timeline = timeline_data(shipped)
    draw(plot_timeline, timeline, size_timeline)
    assert alt_timeline(timeline).startswith(f"Timeline over {len(timeline.snapshots)} snapshots")


def test_shipped_settlement_and_delta(shipped):
    pair = ["ukraine", "russia"]
    relaxed = _no_red_lines(shipped)
    results = {o: settle(shipped, o, parties=pair) for o in ("total", "nash")}
    results |= {
        f"{o} (red lines set aside)": settle(relaxed, o, parties=pair) for o in ("total", "fair")
    }
    data = settlement_data(results, case=shipped)
    draw(plot_settlement, data, size_settlement)
    draw(plot_settlement_outcomes, data, size_settlement_outcomes)
    sc = shipped.scenarios[0]
    new = engine.apply(shipped, sc)
    delta = delta_data(compare(shipped, new, at_before=new.as_of), case=shipped)
    draw(plot_delta, delta, size_delta)
    draw(plot_delta_issues, delta, size_delta_issues)


def test_sizes_grow_with_the_data(tiny, shipped):
    small, big = position_map_data(tiny), position_map_data(shipped)
    assert size_position_map(big) > size_position_map(small)
    assert size_position_map(big)[1] > size_position_map(small)[1]
    g_small = graph_data(engine.incompatibility_graph(tiny))
    g_big = graph_data(engine.incompatibility_graph(shipped))
    assert all(b > s for b, s in zip(size_graph(g_big), size_graph(g_small), strict=True))
    z3 = size_zone_chart(zone_chart_data(tiny, "nom"))
    z5 = size_zone_chart(zone_chart_data(tiny, "ord"))
    assert z5[1] > z3[1]


def test_wrap_balances_without_breaking_words():
    assert wrap("E3 and coalition", 13) == "E3 and\ncoalition"
    assert wrap("Special status within Ukraine (Minsk II)", 36) == (
        "Special status within\nUkraine (Minsk II)"
    )


def test_wrap_never_exceeds_its_lines():
    label = "Full Ukrainian withdrawal; recognised as Russian and many more words after that"
    out = wrap(label, 20, max_lines=2)
    assert out.count("\n") == 1 and out.endswith("…")
    assert all(len(line) <= 20 for line in out.split("\n"))
