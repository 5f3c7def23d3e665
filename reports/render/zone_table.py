"""The agreement-zone chart of the HTML report, as a table: plain data for its template.

The HTML report draws each issue's agreement zone with a ``<table>`` and
CSS instead of a matplotlib picture (fast, crisp at any zoom, read aloud
cell by cell). :func:`zone_table` turns the chart's own data,
:class:`reports.figures.zones.ZoneChartData`, into what the macro in
``templates/_zone_table.html.j2`` lays out; it computes nothing the chart
does not show, and nothing a second way: acceptable cells come from the
data's ``spans``, counts from ``options``, the zone from ``zone_spans``, the
legend from :func:`reports.figures.zone_text.zone_legend`. The PDF and Markdown
reports keep the matplotlib chart.
"""

from __future__ import annotations

import math
from typing import Any

from reports.figures import style
from reports.figures.layout import party_color
from reports.figures.zone_text import ZONE_LEGEND, zone_heading, zone_legend
from reports.figures.zones import STATUS_QUO, ZONE_EDGE, ZoneChartData

__all__ = ["nice_ticks", "zone_table"]


def zone_table(data: ZoneChartData) -> dict[str, Any]:
    """What the HTML zone table shows, from the zone chart's data.

    Parameters
    ----------
    data : ZoneChartData
        From :func:`reports.figures.zones.zone_chart_data`.

    Returns
    -------
    dict
        ``issue``, ``title`` and ``finding`` (the chart's title and
        subtitle), ``interval`` (True on interval scales), ``ordered``,
        ``n`` (parties with a position), ``colors`` (CSS colours of the
        zone, its outline, the status quo, red lines and "no position", as
        the chart's), ``legend`` (``(key, label)`` pairs, as the
        chart's legend), ``parties`` (one column head per party: ``name``,
        ``color``, ``salience`` (``"salience 0.80"``; ``""`` without a
        position), ``red_line``, ``has_position``) and either

        ``rows`` (option scales): one per option in the chart's order, first
        at the top: ``option``, ``label``, ``in_zone``, ``zone_start``,
        ``zone_end``, ``status_quo``, ``count`` (``"k of n"``) and ``cells``,
        one per party: ``accepts``, ``ideal``, ``red_line``, ``start`` and
        ``end`` (the first and last option of a contiguous acceptable run;
        both on every cell of a nominal scale, whose options have no order),
        ``has_position``, ``color`` and ``text`` (the cell in words);

        or ``scale`` (interval scales): ``axis`` (its label, with the unit),
        ``min`` and ``max`` (as text), ``ticks`` (``pct``, ``label``, ``align``), ``zone`` and ``bars``
        entries ``(left, width, point)`` in percent of the scale,
        ``status_quo`` (percent, or None) and ``rows``, one per party:
        ``bars``, ``ideal`` (percent, or None), ``has_position``,
        ``red_line``, ``color``, ``text``.

    Examples
    --------
    >>> import engine
    >>> from reports.figures.zones import zone_chart_data
    >>> t = zone_table(zone_chart_data(engine.load_case("tests/cases/tiny"), "ord"))
    >>> [(r["label"], r["count"]) for r in t["rows"]][:2]
    [('One', '1 of 3'), ('Two', '2 of 3')]
    """
    title, finding = zone_heading(data)
    heads = [_party_head(p) for p in data.parties.to_dict("records")]
    legend = [
        (k, ZONE_LEGEND[k] + (f": {data.status_quo_label}" if k == "status_quo" else ""))
        for k in zone_legend(data)
    ]
    view: dict[str, Any] = {
        "issue": data.issue,
        "title": title,
        "finding": finding,
        "interval": data.scale == "interval",
        "ordered": data.ordered,
        "n": data.n_parties,
        "colors": {
            "zone": style.ZONE,
            "zone_edge": ZONE_EDGE,
            "status_quo": STATUS_QUO,
            "red_line": style.RED_LINE,
            "no_position": style.NO_POSITION,
        },
        "legend": legend,
        "parties": heads,
    }
    if view["interval"]:
        view["scale"] = _interval_scale(data)
    else:
        view["rows"] = _option_rows(data)
    return view


def _party_head(p: dict[str, Any]) -> dict[str, Any]:
    """A party's column head: its name, colour, salience and red line, as the chart labels them."""
    has = bool(p["has_position"])
    return {
        "party": p["party"],
        "name": p["party_name"],
        "full": p["party_full"],
        "color": party_color(p["color_index"]),
        "has_position": has,
        "salience": f"salience {p['salience']:.2f}" if has else "",
        "red_line": has and bool(p["red_line"]),
    }


def _zone_runs(data: ZoneChartData) -> tuple[tuple[float, float], ...]:
    """The zone's runs on the axis, as the chart draws its band (none when empty)."""
    return data.zone_spans if (data.n_parties and not data.zone_empty) else ()


def _spans_by_party(data: ZoneChartData) -> dict[str, list[tuple[float, float]]]:
    """Each party's acceptable spans ``(lo, hi)``, from the data's ``spans``."""
    out: dict[str, list[tuple[float, float]]] = {}
    for s in data.spans.to_dict("records"):
        out.setdefault(s["party"], []).append((float(s["lo"]), float(s["hi"])))
    return out


def _cell_text(accepts: bool, ideal: bool, red: bool) -> str:
    """A cell in words: "acceptable, its ideal, red line", or "not acceptable"."""
    if not accepts:
        return "not acceptable"
    return ", ".join(
        ["acceptable", *(["its ideal"] if ideal else []), *(["red line"] if red else [])]
    )


def _option_rows(data: ZoneChartData) -> list[dict[str, Any]]:
    """One row per option: each party's cell, the zone, the status quo, the count."""
    spans = _spans_by_party(data)
    parties = data.parties.to_dict("records")
    zone = _zone_runs(data)
    rows = []
    for o in data.options.to_dict("records"):
        j = float(o["index"])
        cells = []
        for p in parties:
            if not p["has_position"]:
                cells.append({"has_position": False, "accepts": False, "text": "no position"})
                continue
            run = next(((lo, hi) for lo, hi in spans.get(p["party"], []) if lo <= j <= hi), None)
            accepts, ideal, red = run is not None, p["ideal_x"] == j, bool(p["red_line"])
            cells.append(
                {
                    "has_position": True,
                    "accepts": accepts,
                    "ideal": accepts and ideal,
                    "red_line": accepts and red,
                    "start": run is not None and (run[0] == j or not data.ordered),
                    "end": run is not None and (run[1] == j or not data.ordered),
                    "color": party_color(p["color_index"]),
                    "text": _cell_text(accepts, ideal, red),
                }
            )
        band = next(((lo, hi) for lo, hi in zone if lo <= j <= hi), None)
        rows.append(
            {
                "option": o["option"],
                "label": o["label"],
                "in_zone": band is not None,
                "zone_start": band is not None and band[0] == j,
                "zone_end": band is not None and band[1] == j,
                "status_quo": data.status_quo == j,
                "count": f"{o['n_accept']} of {data.n_parties}",
                "cells": cells,
            }
        )
    return rows


def _pct(x: float, data: ZoneChartData) -> float:
    """Where ``x`` lies on the issue's scale, in percent from ``min`` (clamped to 0–100)."""
    return round(min(max(100 * (x - data.min) / (data.max - data.min), 0.0), 100.0), 2)


def _bar(lo: float, hi: float, data: ZoneChartData) -> dict[str, Any]:
    """A span of the scale in percent: ``left``, ``width`` and ``point`` (a single number)."""
    left = _pct(lo, data)
    return {"left": left, "width": round(_pct(hi, data) - left, 2), "point": hi <= lo}


def _interval_scale(data: ZoneChartData) -> dict[str, Any]:
    """An interval issue's scale: ticks, zone, status quo and one bar row per party."""
    spans = _spans_by_party(data)
    rows = []
    for p in data.parties.to_dict("records"):
        has, red = bool(p["has_position"]), bool(p["red_line"])
        text = f"accepts {p['acceptable']}; ideal {p['ideal_label']}" if has else "no position"
        rows.append(
            {
                "has_position": has,
                "red_line": has and red,
                "color": party_color(p["color_index"]),
                "bars": [_bar(lo, hi, data) for lo, hi in spans.get(p["party"], [])],
                "ideal": _pct(p["ideal_x"], data) if has else None,
                "text": text + ("; red line" if has and red else ""),
            }
        )
    ticks = nice_ticks(data.min, data.max)
    return {
        "axis": f"{data.issue_name} ({data.unit})" if data.unit else data.issue_name,
        "min": f"{data.min:.10g}",
        "max": f"{data.max:.10g}",
        "ticks": [
            {
                "pct": _pct(t, data),
                "label": f"{t:.10g}",
                "align": "start" if t == data.min else "end" if t == data.max else "mid",
            }
            for t in ticks
        ],
        "zone": [_bar(lo, hi, data) for lo, hi in _zone_runs(data)],
        "status_quo": None if math.isnan(data.status_quo) else _pct(data.status_quo, data),
        "rows": rows,
    }


def nice_ticks(lo: float, hi: float, most: int = 6) -> list[float]:
    """Round tick values from ``lo`` to ``hi``: steps of 1, 2, 2.5 or 5 × 10^k, at most ``most``.

    Examples
    --------
    >>> nice_ticks(0, 1000)
    [0.0, 200.0, 400.0, 600.0, 800.0, 1000.0]
    >>> nice_ticks(0, 100)
    [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    >>> nice_ticks(-1, 1.5)
    [-1.0, -0.5, 0.0, 0.5, 1.0, 1.5]
    """
    if not hi > lo:
        return [float(lo)]
    mag = 10.0 ** math.floor(math.log10((hi - lo) / most))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10, 20) if (hi - lo) / (m * mag) <= most - 1)
    first = math.ceil(lo / step - 1e-9)
    out = []
    k = first
    while k * step <= hi + 1e-9 * step:
        out.append(round(k * step, 10) + 0.0)
        k += 1
    return out
