"""Text from a case is never read as markup by a figure (issue 9, finding 3)."""

from __future__ import annotations

import engine
from reports.figures import style
from reports.figures.heatmap import alt_heatmap, heatmap_data, plot_heatmap, size_heatmap
from tests.conftest import CASES

NAMES = {"a": "$x^$", "b": r"$\frac{1}{2}$"}


def test_dollar_signs_in_names_are_drawn_as_written():
    case = engine.load_case(CASES / "tiny")
    names = {p.id: NAMES.get(p.id, p.name) for p in case.parties}
    data = heatmap_data(engine.overlap_matrix(case), kind="overlap", names=names)
    fig, ax = style.new_figure(*size_heatmap(data))
    plot_heatmap(data, ax=ax)
    svg = style.to_svg(fig, alt=alt_heatmap(data))  # "$x^$" made mathtext raise here
    labels = {t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()}
    assert {"$x^$", r"$\frac{1}{2}$"} <= labels, labels
    assert all(not t._preprocess_math(t.get_text())[1] for t in ax.texts)
    assert r"\frac" in svg or "frac" in svg
