"""The report's files as a reader gets them: same bytes twice, and no PDF text under 7 pt."""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from pathlib import Path

import pytest

import engine
from reports.render.content import MIN_PRINT_PT, build_report
from reports.render.figure import min_font_size
from reports.render.pdf import figure_plan, render_pdf
from tests.conftest import ROOT

CASES = ROOT / "tests" / "cases"


def _report(out: Path, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "reports.cli", "report", *args, "-o", str(out)],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )


@pytest.mark.slow
def test_two_runs_of_every_format_give_the_same_bytes(tmp_path):
    """Two processes, html, md and pdf of the shipped case: every file byte for byte."""
    a, b = tmp_path / "a", tmp_path / "b"
    _report(a, "--format", "html,md,pdf")
    _report(b, "--format", "html,md,pdf")
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b and len(files_a) > 10
    differ = [str(f) for f in files_a if (a / f).read_bytes() != (b / f).read_bytes()]
    assert not differ, f"files differ between two runs: {differ}"


def _placed_fonts(pdf: bytes) -> tuple[list[float], list[tuple[float, int]]]:
    """The size of every ``Tf`` font operator, and for every image drawn its printed width
    (points) with its width in pixels, read from the PDF's content streams."""
    pypdf = pytest.importorskip("pypdf")
    import io

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    sizes: list[float] = []
    images: list[tuple[float, int]] = []
    for page in reader.pages:
        content = pypdf.generic.ContentStream(page.get_contents(), reader)
        xobjects = page["/Resources"].get("/XObject", {})
        matrix = None
        for operands, op in content.operations:
            if op == b"Tf":
                sizes.append(float(operands[1]))
            elif op == b"cm":
                matrix = [float(x) for x in operands]
            elif op == b"Do" and matrix is not None:
                xo = xobjects[operands[0]].get_object()
                if xo.get("/Subtype") == "/Image":
                    images.append((abs(matrix[0]), int(xo["/Width"])))
    return sizes, images


def test_no_text_in_the_pdf_prints_under_7_pt():
    """Text set by reportlab (Tf operators) and text inside each figure (its smallest font
    times the scale it is printed at, from the image's placed width) are 7 pt or more."""
    case = engine.load_case("ukraine-russia")
    rep = build_report(case)
    pdf = render_pdf(rep)
    sizes, images = _placed_fonts(pdf)
    assert sizes and min(sizes) >= MIN_PRINT_PT
    # every figure (or part) in the order the PDF draws them: its smallest font and drawn width
    drawn = []
    for fig in rep.figures.values():
        for part in fig.parts or (None,):
            f, small = fig.draw(part=part)
            w, h = (float(x) for x in f.get_size_inches())
            _, size, _ = figure_plan(w, h, small)
            drawn.append((small, size[0]))
    from reports.figures import style

    assert len(images) == len(drawn)
    for (printed_w, px), (small, width_in) in zip(images, drawn, strict=True):
        assert px == round(width_in * style.DPI) or abs(px - width_in * style.DPI) <= 1
        scale = printed_w / (width_in * 72)
        assert small * scale >= MIN_PRINT_PT - 0.05, (small, scale)


def test_figure_plan_keeps_text_legible():
    for w, h, f in [(6, 4, 9), (10, 6, 9), (13.6, 6.7, 7.5), (11.2, 14.1, 8.5), (30, 30, 7)]:
        orientation, (dw, dh), scale = figure_plan(w, h, f)
        assert f * scale >= MIN_PRINT_PT - 1e-9
        assert dw <= w and dh <= h and orientation in ("portrait", "landscape")


def test_min_font_size_sees_tick_labels():
    from reports.figures import style

    fig, ax = style.new_figure(3, 2)
    ax.plot([0, 1], [0, 1])
    ax.tick_params(labelsize=5)
    assert min_font_size(fig) == 5
    ax.set_title("t", fontsize=4)
    assert min_font_size(fig) == 4


def test_pdf_page_numbers_sit_at_the_bottom_centre_of_each_page():
    pypdf = pytest.importorskip("pypdf")
    import io

    rep = build_report(engine.load_case(CASES / "tiny"), figures_on=False)
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(rep)))
    for n, page in enumerate(reader.pages, 1):
        width = float(page.mediabox.width)
        found = []

        def visit(text, cm, tm, fonts, size, found=found, n=n):
            if text.strip() == str(n):
                found.append(tm[4] + cm[4])

        page.extract_text(visitor_text=visit)
        assert found, f"page {n} has no page number"
        assert any(abs(x - width / 2) < 15 for x in found), (n, found, width)


def test_markdown_and_html_say_what_the_pdf_says_about_a_position():
    """Linkage, reported/inferred and the statement's date appear in the PDF as in the HTML."""
    pypdf = pytest.importorskip("pypdf")
    import io

    case = engine.load_case("ukraine-russia")
    rep = build_report(case, figures_on=False)
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(render_pdf(rep))).pages)
    text = re.sub(r"\s+", " ", text)
    cells = [c for row in rep.sections["positions"]["rows"] for c in row["cells"] if c]
    assert any(c["requires"] for c in cells) and "only if" in text
    assert any(c["confidence"] == "reported" for c in cells) and "reported" in text
    dates = {c["as_of"] for c in cells}
    assert all(d in text for d in dates)


def test_snapshot_labels_of_the_pdf_timeline_panels_do_not_overlap():
    """Each timeline panel drawn at the size the PDF gives it: no snapshot label (date and
    name, under its column) runs into the next one's."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    rep = build_report(engine.load_case("ukraine-russia"))
    timeline = rep.figures["timeline"]
    assert len(timeline.parts) == 3
    for part in timeline.parts:
        f, small = timeline.draw(part=part)
        w, h = (float(x) for x in f.get_size_inches())
        _, size, _ = figure_plan(w, h, small)
        fig, _ = timeline.draw(size=size, part=part)
        FigureCanvasAgg(fig)
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        boxes = [t.get_window_extent(renderer) for t in fig.axes[0].get_xticklabels()]
        assert len(boxes) == len(rep.case.snapshots)
        for a, b in itertools.pairwise(boxes):
            assert a.x1 <= b.x0, (part.title, a, b)
