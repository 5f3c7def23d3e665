"""The coder-agreement page: one self-contained HTML file in the report's look.

:func:`render_agreement_html` turns an :class:`engine.Agreement` into HTML
with the report's stylesheet (``templates/report.css``) inline, no scripts,
and a strict Content-Security-Policy. The party × issue heatmap is an HTML
table with coloured cells (the colour and its text colour are computed
here, so the bytes are the same on every run).
"""

from __future__ import annotations

import math
from typing import Any

import jinja2
import markupsafe

import engine
from engine import Case
from engine.agreement import MEASURES, Agreement, reading

__all__ = ["heat_color", "render_agreement_html"]

_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("reports.render", "templates"),
    autoescape=jinja2.select_autoescape(
        enabled_extensions=("html", "html.j2"), default_for_string=False
    ),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)

#: Plain-words names of the measures.
MEASURE_NAMES = {
    "ideal": "Ideal outcome (all issues)",
    "ideal.ordinal": "Ideal — ordinal issues",
    "ideal.nominal": "Ideal — nominal issues",
    "ideal.interval": "Ideal — interval issues",
    "acceptable": "Acceptable set",
    "salience": "Salience",
    "red_line": "Red line",
    "confidence": "Confidence",
}


def heat_color(agreement: float) -> tuple[str, str]:
    """Background and text colour of a heatmap cell: white at full agreement, red at none.

    Examples
    --------
    >>> heat_color(1.0), heat_color(0.0)
    (('#ffffff', '#000000'), ('#b2182b', '#ffffff'))
    """
    t = max(0.0, min(1.0, 1.0 - agreement))
    r, g, b = (round(255 + (c - 255) * t) for c in (0xB2, 0x18, 0x2B))
    lum = 0.2126 * (r / 255) ** 2.2 + 0.7152 * (g / 255) ** 2.2 + 0.0722 * (b / 255) ** 2.2
    return f"#{r:02x}{g:02x}{b:02x}", ("#000000" if lum > 0.2 else "#ffffff")


def _num(x: Any, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{x:.{digits}f}"


def render_agreement_html(case: Case, agr: Agreement, *, draws: int, seed: int) -> str:
    """The agreement page for codings of ``case`` (the first coding), as HTML text."""
    alpha_rows = []
    for m in MEASURES:
        est = agr.alpha[m]
        if est.units == 0 and m.startswith("ideal."):
            continue
        alpha_rows.append(
            {
                "name": MEASURE_NAMES[m],
                "value": _num(est.value),
                "interval": "–" if est.low is None else f"{_num(est.low)} – {_num(est.high)}",
                "units": est.units,
                "level": est.level,
                "reading": reading(est.value) if est.value is not None else est.reason,
                "cls": {"reliable": "ok", "tentative conclusions only": "tentative"}.get(
                    reading(est.value), "bad"
                ),
            }
        )
    heat = []
    for p in case.party_ids:
        cells = []
        for i in case.issue_ids:
            v = agr.heat.loc[p, i]
            if v is None or (isinstance(v, float) and math.isnan(v)):
                cells.append({"text": "", "style": "", "title": "no unit"})
            else:
                bg, fg = heat_color(float(v))
                cells.append({"text": f"{v:.2f}", "style": f"background:{bg};color:{fg}",
                              "title": f"{p} × {i}: agreement {v:.2f}"})  # fmt: skip
        heat.append({"party": case.party(p).short_name, "cells": cells})
    disputed = agr.disputed[agr.disputed["disagreement"] > 0].head(40)
    rows = [
        {
            "unit": f"{case.party(r.party).short_name} × {case.issue(r.issue).short_name}",
            "date": r.date,
            "score": _num(r.disagreement, 2),
            "variables": r.variables,
            "differs": r.differs,
        }
        for r in disputed.itertuples()
    ]
    by_issue = [
        {
            "issue": case.issue(i).short_name,
            "scale": r.scale,
            "units": r.units,
            "ideal": _num(r.ideal_alpha),
            "acceptable": _num(r.acceptable_alpha),
            "agree": "–"
            if r.ideal_agree is None or math.isnan(r.ideal_agree)
            else f"{r.ideal_agree:.0%}",
        }
        for i, r in zip(agr.by_issue.index, agr.by_issue.itertuples(), strict=True)
    ]
    versus = []
    for coder in agr.versus.index:
        row = agr.versus.loc[coder]
        versus.append(
            {
                "coder": coder,
                "cells": [
                    (f"{row[f'{v}_agree']:.0%}" if row[f"{v}_agree"] == row[f"{v}_agree"] and row[f"{v}_agree"] is not None else "–",
                     _num(row[f"{v}_alpha"]))
                    for v in ("ideal", "acceptable", "salience", "red_line", "confidence")
                ],
            }
        )  # fmt: skip
    css = markupsafe.Markup(_TEMPLATES.loader.get_source(_TEMPLATES, "report.css")[0])  # type: ignore[union-attr]
    return _TEMPLATES.get_template("agree.html.j2").render(
        case=case,
        agr=agr,
        version=engine.__version__,
        css=css,
        alpha_rows=alpha_rows,
        issues=[case.issue(i).short_name for i in case.issue_ids],
        heat=heat,
        disputed=rows,
        n_disputed=int((agr.disputed["disagreement"] > 0).sum()),
        by_issue=by_issue,
        versus=versus,
        dates=", ".join(d.isoformat() for d in agr.dates),
        draws=draws,
        seed=seed,
    )
