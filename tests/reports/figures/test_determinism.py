"""Same input, same bytes: every figure of the shipped report, drawn twice in one process."""

from __future__ import annotations

import re

import pytest

import engine
from reports.figures.style import renumber_ids
from reports.render.content import build_report


def test_renumbered_ids_depend_only_on_the_drawing():
    a = '<svg><clipPath id="p1f0e"/><g clip-path="url(#p1f0e)"/><use xlink:href="#m9" fill="#1f77b4"/><path id="m9"/></svg>'
    b = a.replace("p1f0e", "p77aa").replace("m9", "m0")  # matplotlib hashed a float differently
    assert renumber_ids(a) == renumber_ids(b)
    out = renumber_ids(a)
    ids = re.findall(r'id="([^"]+)"', out)
    assert len(ids) == len(set(ids)) == 2
    assert f"url(#{ids[0]})" in out and f'href="#{ids[1]}"' in out
    assert 'fill="#1f77b4"' in out  # colours are not ids
    other = renumber_ids(a.replace("<path", "<rect"))
    assert set(re.findall(r'id="([^"]+)"', other)).isdisjoint(ids)  # another drawing, other ids


@pytest.mark.slow
@pytest.mark.usefixtures("forking_allowed")
def test_every_report_figure_is_byte_identical_when_drawn_again():
    case = engine.load_case("ukraine-russia")
    first = build_report(case)
    second = build_report(case, jobs=2)  # SVGs drawn by worker processes
    assert first.figures.keys() == second.figures.keys()
    for name, fig in first.figures.items():
        again = second.figures[name]
        assert fig.svg == again.svg, f"{name}.svg differs between this process and a worker"
        assert fig.png() == again.png(), f"{name}.png differs between two draws"
