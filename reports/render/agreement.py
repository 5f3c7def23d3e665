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

import engine
from engine import Case
from engine.agreement import MEASURES, Agreement, reading
from reports.render.markup import stylesheet, template
from reports.render.text import num

__all__ = ["heat_color", "render_agreement_html"]

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


def render_agreement_html(case: Case, agr: Agreement, *, draws: int, seed: int) -> str:
    """The agreement page for codings of ``case`` (the first coding), as HTML text."""
    return template("agree.html.j2").render(
        case=case,
        agr=agr,
        version=engine.__version__,
        css=stylesheet(),
        alpha_rows=_alpha_rows(agr),
        issues=[case.issue(i).short_name for i in case.issue_ids],
        heat=_heat_rows(case, agr),
        disputed=_disputed_rows(case, agr),
        n_disputed=int((agr.disputed["disagreement"] > 0).sum()),
        by_issue=_by_issue_rows(case, agr),
        versus=_versus_rows(agr),
        dates=", ".join(d.isoformat() for d in agr.dates),
        draws=draws,
        seed=seed,
    )


def _share(x: Any) -> str:
    """A share as a whole percentage; a dash when missing."""
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.0%}"


def _alpha_rows(agr: Agreement) -> list[dict[str, Any]]:
    """α per measure with its interval and reading (levels nobody coded left out)."""
    rows = []
    for m in MEASURES:
        est = agr.alpha[m]
        if est.units == 0 and m.startswith("ideal."):
            continue
        rows.append(
            {
                "name": MEASURE_NAMES[m],
                "value": num(est.value, 3),
                "interval": "–" if est.low is None else f"{num(est.low, 3)} – {num(est.high, 3)}",
                "units": est.units,
                "level": est.level,
                "reading": reading(est.value) if est.value is not None else est.reason,
                "cls": {"reliable": "ok", "tentative conclusions only": "tentative"}.get(
                    reading(est.value), "bad"
                ),
            }
        )
    return rows


def _heat_rows(case: Case, agr: Agreement) -> list[dict[str, Any]]:
    """Party × issue cells of the heatmap, coloured by agreement (blank: no unit)."""
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
    return heat


def _disputed_rows(case: Case, agr: Agreement) -> list[dict[str, Any]]:
    """The 40 most disputed units the coders disagree on."""
    disputed = agr.disputed[agr.disputed["disagreement"] > 0].head(40)
    return [
        {
            "unit": f"{case.party(r.party).short_name} × {case.issue(r.issue).short_name}",
            "date": r.date,
            "score": num(r.disagreement, 2),
            "variables": r.variables,
            "differs": r.differs,
        }
        for r in disputed.itertuples()
    ]


def _by_issue_rows(case: Case, agr: Agreement) -> list[dict[str, Any]]:
    """Per issue: scale, units, α of the ideal and of the acceptable set, share agreeing."""
    return [
        {
            "issue": case.issue(i).short_name,
            "scale": r.scale,
            "units": r.units,
            "ideal": num(r.ideal_alpha, 3),
            "acceptable": num(r.acceptable_alpha, 3),
            "agree": _share(r.ideal_agree),
        }
        for i, r in zip(agr.by_issue.index, agr.by_issue.itertuples(), strict=True)
    ]


def _versus_rows(agr: Agreement) -> list[dict[str, Any]]:
    """Each coder against the reference: (share equal, α of the pair) per variable."""
    variables = ("ideal", "acceptable", "salience", "red_line", "confidence")
    return [
        {
            "coder": coder,
            "cells": [(_share(row[f"{v}_agree"]), num(row[f"{v}_alpha"], 3)) for v in variables],
        }
        for coder, row in agr.versus.iterrows()
    ]
