"""The one-pass layout (reports/figures/fit.py): where it applies, and that it lays out as
constrained layout does."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine

import engine
from reports.figures import style
from reports.figures.fit import ColumnFit, fit_column
from reports.figures.heatmap import heatmap_data, plot_heatmap, size_heatmap
from reports.figures.position_map import plot_position_map, position_map_data, size_position_map
from reports.figures.timeline import plot_timeline, size_timeline, timeline_data
from tests.conftest import CASES


@pytest.fixture(scope="module")
def tiny() -> engine.Case:
    return engine.load_case(CASES / "tiny")


def _positions(fig) -> list[tuple[float, ...]]:
    """Each Axes' box in inches (x0, y0, x1, y1), after a draw."""
    FigureCanvasAgg(fig).draw()
    w, h = fig.get_size_inches()
    return [
        (b.x0 * w, b.y0 * h, b.x1 * w, b.y1 * h) for b in (ax.get_position() for ax in fig.axes)
    ]


def _constrained(fig) -> list[tuple[float, ...]]:
    """The same figure laid out by matplotlib's constrained layout instead."""
    for a in [a for a in fig.artists if isinstance(a, ColumnFit)]:
        a.remove()
    fig.set_layout_engine("constrained", h_pad=0.06, w_pad=0.06)
    return _positions(fig)


def _figures(case):
    pm = position_map_data(case)
    tl = timeline_data(case)
    hm = heatmap_data(engine.overlap_matrix(case), kind="overlap")
    return [
        (plot_position_map, pm, size_position_map(pm)),
        (plot_timeline, tl, size_timeline(tl)),
        (plot_heatmap, hm, size_heatmap(hm)),
    ]


@pytest.mark.parametrize("which", [0, 1, 2], ids=["position_map", "timeline", "heatmap"])
def test_fit_lays_out_as_constrained_layout(tiny, which):
    plot, data, size = _figures(tiny)[which]
    fig, ax = style.new_figure(*size)
    plot(data, ax=ax)
    assert fig.get_layout_engine() is None
    assert sum(isinstance(a, ColumnFit) for a in fig.artists) == 1
    fitted = _positions(fig)
    expected = _constrained(fig)
    assert len(fitted) == len(expected)
    for got, want in zip(fitted, expected, strict=True):
        assert got == pytest.approx(want, abs=0.02)  # inches


def test_heatmap_colour_bar_is_an_inset(tiny):
    data = heatmap_data(engine.overlap_matrix(tiny), kind="overlap")
    fig, ax = style.new_figure(*size_heatmap(data))
    plot_heatmap(data, ax=ax)
    assert fig.axes == [ax] and len(ax.child_axes) == 1


def test_fit_leaves_figures_it_was_not_made_for_alone():
    fig = Figure(figsize=(6, 4), layout="constrained")
    left, right = fig.subplots(1, 2)
    assert not fit_column(left)  # another Axes shares the figure
    assert not fit_column([left, right])  # side by side, not one column
    assert isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine)
    plain = Figure(figsize=(6, 4))
    assert not fit_column(plain.add_subplot())  # no constrained layout to replace


def test_fit_steps_aside_when_the_figure_gains_axes(tiny):
    data = position_map_data(tiny)
    fig, ax = style.new_figure(*size_position_map(data))
    plot_position_map(data, ax=ax)
    before = _positions(fig)
    fig.add_axes((0.0, 0.0, 0.1, 0.1))
    assert _positions(fig)[0] == pytest.approx(before[0])
