"""The report as PDF, with reportlab (no browser, nothing downloaded at install time).

The PDF carries the same sections as the HTML report, with the figures as
high-resolution PNGs. reportlab's *invariant* mode fixes the creation date
and document id, so the same report gives the same bytes.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    Image,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

import engine
from reports.figures import style
from reports.render.content import MIN_PRINT_PT, Figure, Report, safe_url

__all__ = ["render_pdf"]

_W, _H = A4
_MARGIN = 1.8 * cm
_TEXT_W = _W - 2 * _MARGIN


def _fonts() -> tuple[str, str, str]:
    """DejaVu Sans (shipped with matplotlib): it has the glyphs of the formulas and of non-Latin names."""
    from pathlib import Path

    import matplotlib
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    names = {
        "ZopaSans": "DejaVuSans.ttf",
        "ZopaSans-Bold": "DejaVuSans-Bold.ttf",
        "ZopaSans-Oblique": "DejaVuSans-Oblique.ttf",
        "ZopaMono": "DejaVuSansMono.ttf",
    }
    registered = pdfmetrics.getRegisteredFontNames()
    for name, file in names.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    addMapping("ZopaSans", 0, 0, "ZopaSans")
    addMapping("ZopaSans", 1, 0, "ZopaSans-Bold")
    addMapping("ZopaSans", 0, 1, "ZopaSans-Oblique")
    addMapping("ZopaSans", 1, 1, "ZopaSans-Bold")
    return "ZopaSans", "ZopaSans-Bold", "ZopaMono"


def _styles() -> dict[str, ParagraphStyle]:
    sans, bold, mono = _fonts()
    base = getSampleStyleSheet()
    body = ParagraphStyle(
        "body", parent=base["BodyText"], fontName=sans, fontSize=9.5, leading=13, alignment=TA_LEFT
    )
    return {
        "title": ParagraphStyle(
            "title",
            parent=base["Title"],
            fontName=bold,
            fontSize=20,
            leading=24,
            alignment=TA_LEFT,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base["Heading2"],
            fontName=bold,
            fontSize=14,
            leading=18,
            spaceBefore=10,
            keepWithNext=1,
        ),
        "h3": ParagraphStyle(
            "h3",
            parent=base["Heading3"],
            fontName=bold,
            fontSize=11,
            leading=14,
            spaceBefore=8,
            keepWithNext=1,
        ),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10),
        "muted": ParagraphStyle(
            "muted", parent=body, fontSize=8.5, leading=11, textColor=colors.HexColor("#55606b")
        ),
        "cell": ParagraphStyle("cell", parent=body, fontSize=7, leading=8.5),
        "formula": ParagraphStyle(
            "formula", parent=body, fontName=mono, fontSize=8, leading=10, leftIndent=8
        ),
    }


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    """A paragraph of user text: escaped, so it can never be markup."""
    return Paragraph(escape(str(text)), style)


def _link(title: str, url: str, style: ParagraphStyle) -> Paragraph:
    target = safe_url(url)
    if target is None:
        return _p(f"{title} ({url})", style)
    return Paragraph(
        f'<link href="{escape(target, {chr(34): "&quot;"})}" color="#0b5394">{escape(title)}</link>',
        style,
    )


#: Room under a figure for its caption (points).
_CAPTION_H = 1.6 * cm
_PORTRAIT_BOX = (_TEXT_W, _H - 2 * _MARGIN - _CAPTION_H)
_LANDSCAPE_BOX = (_H - 2 * _MARGIN, _W - 2 * _MARGIN - _CAPTION_H)


#: The least a figure may be squeezed (drawn size / natural size) to print on a portrait page.
_SQUEEZE = 0.75


def figure_plan(
    width: float, height: float, min_font: float, reserve: float = 0.0
) -> tuple[str, tuple[float, float], float]:
    """Where and how to print a figure of ``width`` × ``height`` inches whose smallest text is
    ``min_font`` points, so that no text prints under :data:`MIN_PRINT_PT`.

    Returns the page orientation (``"portrait"`` or ``"landscape"``), the size to draw the
    figure at (inches) and the print scale (printed size / drawn size). ``reserve`` is the
    height (points) taken on the page by what goes above the figure.

    In order of preference: the natural size on a portrait page; on a portrait page, drawn
    smaller (to the page's box divided by the least legible scale: the layout gets tighter,
    the text keeps its size) down to :data:`_SQUEEZE` of its size; the natural size on a
    landscape page; drawn smaller on whichever page squeezes it less.

    Examples
    --------
    >>> figure_plan(6.0, 4.0, 8.0)
    ('portrait', (6.0, 4.0), 1.0)
    >>> figure_plan(11.2, 6.2, 7.0)
    ('landscape', (10.28, 6.2), 1.0)
    """
    legible = MIN_PRINT_PT / min_font if min_font < float("inf") else 0.0
    plans = {}
    for orientation, (bw, bh) in (("portrait", _PORTRAIT_BOX), ("landscape", _LANDSCAPE_BOX)):
        bh -= reserve
        natural = min(1.0, bw / (width * 72), bh / (height * 72))
        if natural >= legible - 1e-9:
            plans[orientation] = (1.0, (width, height), natural)
        else:
            size = (
                round(min(width, bw / 72 / legible), 2),
                round(min(height, bh / 72 / legible), 2),
            )
            plans[orientation] = (min(size[0] / width, size[1] / height), size, legible)
    squeeze, size, scale = plans["portrait"]
    if squeeze >= _SQUEEZE or squeeze >= plans["landscape"][0]:
        return "portrait", size, scale
    return "landscape", plans["landscape"][1], plans["landscape"][2]


def _figure(
    fig: Figure, st: dict[str, ParagraphStyle], lead: list[Any] | None = None
) -> list[Any]:
    """The figure (or its parts), each on a page that prints its smallest text at 7 pt or more;
    landscape pages where a figure needs them. ``lead`` (a heading, a sentence) goes on the
    figure's page, just above it."""
    out: list[Any] = []
    lead = list(lead or [])
    landscape = False
    for part in fig.parts or (None,):
        drawn, min_font = fig.draw(part=part)
        width, height = (float(x) for x in drawn.get_size_inches())
        reserve = sum(f.wrap(_TEXT_W, _H)[1] for f in lead)
        orientation, size, scale = figure_plan(width, height, min_font, reserve)
        if size == (width, height):
            png = style.to_png(drawn)
        else:
            style.to_png(drawn)  # closes it
            png = fig.png(size, part)
        if (orientation == "landscape") != landscape:
            landscape = orientation == "landscape"
            out += [NextPageTemplate(orientation), PageBreak()]
        img = Image(io.BytesIO(png), width=size[0] * 72 * scale, height=size[1] * 72 * scale)
        title = fig.title + (f" ({part.title})" if part is not None else "")
        caption = f"{title}. {fig.caption}".rstrip()
        out.append(KeepTogether([*lead, img, _p(caption, st["muted"]), Spacer(1, 6)]))
        lead = []
    if landscape:
        out += [NextPageTemplate("portrait"), PageBreak()]
    return out


def _table(
    rows: list[list[Any]],
    st: dict[str, ParagraphStyle],
    widths: list[float] | None = None,
    header: bool = True,
) -> Table:
    data = [[c if isinstance(c, Paragraph) else _p(c, st["cell"]) for c in row] for row in rows]
    t = Table(data, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#d5dbe1")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f5f7f9")))
    t.setStyle(TableStyle(style))
    return t


def render_pdf(rep: Report) -> bytes:
    """The report as PDF bytes (A4, deterministic)."""
    st = _styles()
    story: list[Any] = []
    for section in (
        _cover,
        _positions,
        _zones,
        _matrices,
        _graph,
        _settlement,
        _timeline,
        _scenario,
        _sources,
        _method,
    ):
        story += section(rep, st)
    return _build(rep, _tidy(story))


def _tidy(story: list[Any]) -> list[Any]:
    """Merge runs of page breaks and template switches: no blank page, the last template wins."""
    out: list[Any] = []
    pending: list[Any] = []
    for f in story:
        if isinstance(f, PageBreak | NextPageTemplate):
            pending.append(f)
            continue
        if pending:
            templates = [x for x in pending if isinstance(x, NextPageTemplate)]
            out += templates[-1:]
            if any(isinstance(x, PageBreak) for x in pending) and out:
                out.append(PageBreak())
            pending = []
        out.append(f)
    return out


def _cover(rep: Report, st: dict[str, ParagraphStyle]) -> list[Any]:
    s = rep.sections
    story: list[Any] = [
        _p("zopa conflict-matrix report", st["muted"]),
        _p(rep.case.title, st["title"]),
        _p(
            f"Positions in force on {rep.at.isoformat()}. Settlement search among {s['settlement']['negotiators']} ({s['settlement']['label']}).",
            st["body"],
        ),
    ]
    if rep.case.description:
        story.append(_p(rep.case.description, st["muted"]))
    story.append(_p("Headline findings", st["h2"]))
    for line in rep.headlines:
        story.append(_p(f"• {line}", st["body"]))
    return story


def _positions(rep: Report, st: dict[str, ParagraphStyle]) -> list[Any]:
    s = rep.sections
    story: list[Any] = [PageBreak()]
    heading = [_p("Position map", st["h2"])]
    if "position_map" in rep.figures:
        story += _figure(rep.figures["position_map"], st, heading)
    else:
        story += heading
    parties = s["positions"]["parties"]
    header = [_p("Issue", st["cell"])] + [_p(name, st["cell"]) for _, name in parties]
    rows: list[list[Any]] = [header]
    for row in s["positions"]["rows"]:
        rows.append(
            [_p(row["issue"].name, st["cell"])] + [_position_cell(c, st) for c in row["cells"]]
        )
    # the table gets landscape pages: eight party columns do not fit across portrait A4
    wide = _H - 2 * _MARGIN
    first = 3.2 * cm
    story += [
        NextPageTemplate("landscape"),
        PageBreak(),
        _p(f"Positions in force on {rep.at.isoformat()}", st["h3"]),
        _p(
            "Ideal in bold; acceptable set; “only if”: the acceptance holds only if the named "
            "outcome on another issue holds (linkage); salience (0–1); red line; reported or "
            "inferred (not stated officially); the date of the statement; sources in brackets. "
            "“—”: no position.",
            st["muted"],
        ),
        _table(rows, st, [first] + [(wide - first) / max(1, len(parties))] * len(parties)),
        NextPageTemplate("portrait"),
    ]
    return story


def _position_cell(c: dict[str, Any] | None, st: dict[str, ParagraphStyle]) -> Paragraph:
    """A party's position on an issue: ideal, acceptable set, salience, red line, sources."""
    if c is None:
        return _p("—", st["cell"])
    accepts = f"accepts {escape(c['acceptable'])}" if c["acceptable"] else "accepts only this"
    bits = [f"<b>{escape(c['ideal'])}</b>", accepts]
    bits += [f'<font color="#8a5a00">only if {escape(r)}</font>' for r in c["requires"]]
    meta = [f"salience {c['salience']}"]
    if c["red_line"]:
        meta.append('<font color="#b2182b"><b>RED LINE</b></font>')
    if c["confidence"] != "official":
        meta.append(f"<i>{escape(c['confidence'])}</i>")
    bits += [" · ".join(meta), escape(c["as_of"]), " ".join(f"[{n}]" for n in c["cites"])]
    return Paragraph("<br/>".join(bits), st["cell"])


def _zones(rep: Report, st: dict[str, ParagraphStyle]) -> list[Any]:
    story: list[Any] = [PageBreak(), _p("Agreement zones", st["h2"])]
    for z in rep.sections["zones"]:
        lead = [_p(z["issue"].name, st["h3"]), _p(z["text"], st["body"])]
        story += _figure(z["figure"], st, lead) if z["figure"] is not None else lead
    return story


def _matrices(rep: Report, st: dict[str, ParagraphStyle]) -> list[Any]:
    head = [_p("Overlap and conflict", st["h2"])]
    return [PageBreak(), *_figures(rep, st, "overlap", "conflict", lead=head)]


def _figures(
    rep: Report, st: dict[str, ParagraphStyle], *names: str, lead: list[Any] | None = None
) -> list[Any]:
    """The report's figures of these names, those it has, in this order; ``lead`` (a section's
    heading and opening) on the first figure's page."""
    out: list[Any] = []
    lead = list(lead or [])
    for name in names:
        if name in rep.figures:
            out += _figure(rep.figures[name], st, lead)
            lead = []
    return lead + out


def _graph(rep: Report, st: dict[str, ParagraphStyle]) -> list[Any]:
    g = rep.sections["graph"]
    head = [
        _p("Incompatibility graph", st["h2"]),
        _p(
            g["summary"],
            st["body"],
        ),
    ]
    story: list[Any] = [PageBreak(), *_figures(rep, st, "graph", lead=head)]
    r = g["relaxation"]
    if r["size"]:
        story.append(_p("Cheapest relaxation", st["h3"]))
        story.append(_p(g["relaxation_text"] + ":", st["body"]))
        for party, issues in r["by_party"]:
            story.append(_p(f"• {party}: {', '.join(issues)}", st["body"]))
    return story


def _settlement(rep: Report, st: dict[str, ParagraphStyle]) -> list[Any]:
    stl = rep.sections["settlement"]
    feasible = stl["views"]["total"]["feasible"]
    story: list[Any] = [PageBreak(), _p("Settlement packages", st["h2"])]
    if not feasible:
        story += _red_line_collisions(stl, st)
    story += _figures(rep, st, "settlement", "settlement_outcomes")
    shown = stl["views"] if feasible else stl["relaxed"]
    for obj, v in shown.items():
        story.append(_p(obj + ("" if feasible else " (red lines set aside)"), st["h3"]))
        story += _package(v, st)
    return story


def _red_line_collisions(stl: dict[str, Any], st: dict[str, ParagraphStyle]) -> list[Any]:
    """No package respects every red line: which collide, and that the packages set them aside."""
    story = [
        _p(
            "No package respects every red line. A minimal set of colliding red lines:",
            st["body"],
        )
    ]
    for rl in stl["views"]["total"]["red_lines"]:
        story.append(_p(f"• {rl['text']}", st["body"]))
    if stl["collisions"]:
        story.append(
            _p(
                "Issues on which red lines alone leave no common outcome: "
                + "; ".join(f"{c['issue']} ({c['parties']})" for c in stl["collisions"])
                + ".",
                st["body"],
            )
        )
    story.append(
        _p(f"The packages below set every red line of {stl['negotiators']} aside.", st["body"])
    )
    return story


def _package(v: dict[str, Any], st: dict[str, ParagraphStyle]) -> list[Any]:
    """One settlement package: its costs and status, outcomes, cost by party, concessions."""
    if not v["feasible"]:
        return [_p(f"{v['status']}: no package.", st["body"])]
    story: list[Any] = [
        _p(
            f"Total cost {v['total']}; largest party cost {v['max']}; {v['optimality']} (solver status: {v['status']}, bound gap {v['gap']}).",
            st["body"],
        ),
        _table(
            [["Issue", "Outcome"]] + [[o["issue"], o["outcome"]] for o in v["outcomes"]],
            st,
            [6 * cm, _TEXT_W - 6 * cm],
        ),
        _p(
            "Cost by party: " + "; ".join(f"{p} {c}" for p, c in v["party_costs"]) + ".",
            st["body"],
        ),
    ]
    story += [_p(f"• {c['text']}", st["small"]) for c in v["concessions"]]
    return story


def _timeline(rep: Report, st: dict[str, ParagraphStyle]) -> list[Any]:
    tl = rep.sections["timeline"]
    story: list[Any] = [
        PageBreak(),
        *_figures(rep, st, "timeline", lead=[_p("Timeline", st["h2"])]),
    ]
    head = [
        "Date",
        "Snapshot",
        "Issues with positions",
        "Open zones / compared",
        "Total conflict",
    ] + ([tl["pair"]] if tl["pair"] else [])
    body = [
        [r["date"], r["label"], r["with_positions"], f"{r['open']} / {r['compared']}", r["total"]]
        + ([r["pair"]] if tl["pair"] else [])
        for r in tl["rows"]
    ]
    story.append(_table([head, *body], st))
    if tl["moves"]:
        story.append(_p("Who hardened, who softened", st["h3"]))
        rows = [["Date", "Party", "Issue", "Change", "Before", "After"]] + [
            [m["date"], m["party"], m["issue"], m["kind"], m["before"], m["after"]]
            for m in tl["moves"]
        ]
        rest = (_TEXT_W - 8.5 * cm) / 2
        story.append(_table(rows, st, [1.7 * cm, 2.2 * cm, 2.8 * cm, 1.8 * cm, rest, rest]))
    return story


def _scenario(rep: Report, st: dict[str, ParagraphStyle]) -> list[Any]:
    if rep.scenario is None:
        return []
    sc = rep.sections["scenario"]
    story: list[Any] = [PageBreak(), _p(f"Before and after: {sc['title']}", st["h2"])]
    if sc["description"]:
        story.append(_p(sc["description"], st["body"]))
    for line in sc["summary"].splitlines():
        if line.strip():
            story.append(_p("• " + line.strip().lstrip("-• "), st["body"]))
    return story + _figures(rep, st, "delta", "delta_issues")


def _sources(rep: Report, st: dict[str, ParagraphStyle]) -> list[Any]:
    story: list[Any] = [PageBreak(), _p("Sources", st["h2"])]
    for n, src in rep.sources:
        para = _link(src.title, src.url, st["small"])
        story.append(
            Paragraph(
                f"{n}. {escape(src.publisher)}, “{para.text}” ({escape(src.date)})"
                + (f" [{escape(src.reliability)}]" if src.reliability else ""),
                st["small"],
            )
        )
    return story


def _method(rep: Report, st: dict[str, ParagraphStyle]) -> list[Any]:
    s = rep.sections
    story: list[Any] = [PageBreak(), _p("Method", st["h2"])]
    for term, words, formula in s["method"]["scales"] + s["method"]["terms"]:
        story.append(_p(term, st["h3"]))
        story.append(_p(words, st["body"]))
        if formula:
            story.append(_p(formula, st["formula"]))
    return story


def _build(rep: Report, story: list[Any]) -> bytes:
    """Lay the story out on A4 pages (portrait, landscape for wide tables), with a footer."""

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("ZopaSans", 7.5)
        canvas.setFillColor(colors.HexColor("#55606b"))
        width, height = canvas._pagesize  # this page's size (landscape pages are wider)
        canvas.drawString(
            _MARGIN,
            height - 1.0 * cm,
            f"zopa {engine.__version__} — {rep.case.title} — positions in force on {rep.at.isoformat()}",
        )
        canvas.drawCentredString(width / 2, 1.0 * cm, str(doc.page))
        canvas.restoreState()

    buf = io.BytesIO()
    old = rl_config.invariant
    rl_config.invariant = 1  # fixed creation date and document id: same input, same bytes
    try:
        doc = BaseDocTemplate(
            buf,
            pagesize=A4,
            leftMargin=_MARGIN,
            rightMargin=_MARGIN,
            topMargin=_MARGIN,
            bottomMargin=_MARGIN,
            title=f"{rep.case.title} — conflict-matrix report",
            author="zopa",
            creator=f"zopa {engine.__version__}",
            subject=f"Positions in force on {rep.at.isoformat()}",
        )
        portrait = Frame(_MARGIN, _MARGIN, _TEXT_W, _H - 2 * _MARGIN, id="portrait")
        landscape = Frame(_MARGIN, _MARGIN, _H - 2 * _MARGIN, _W - 2 * _MARGIN, id="landscape")
        doc.addPageTemplates(
            [
                PageTemplate("portrait", [portrait], onPage=footer, pagesize=A4),
                PageTemplate("landscape", [landscape], onPage=footer, pagesize=(_H, _W)),
            ]
        )
        doc.build(story)
    finally:
        rl_config.invariant = old
    return buf.getvalue()
