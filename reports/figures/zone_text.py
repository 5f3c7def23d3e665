"""The agreement-zone chart's words: its title, finding, legend entries and alt text.

Shared by the matplotlib chart (:mod:`reports.figures.zones`) and the HTML
report's zone table (:mod:`reports.render.zone_table`), so that both say the
same thing.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reports.figures.zones import ZoneChartData

__all__ = ["ZONE_LEGEND", "alt_zone_chart", "zone_finding", "zone_heading", "zone_legend"]


def zone_finding(data: ZoneChartData) -> str:
    """The chart's finding in one sentence (used as subtitle and alt text).

    Examples
    --------
    >>> import engine
    >>> from reports.figures.zones import zone_chart_data
    >>> zone_finding(zone_chart_data(engine.load_case("tests/cases/tiny"), "ord"))
    'No agreement zone; blocked by Party A alone, or by Party B alone.'
    """
    if data.n_parties == 0:
        return "No party has a position on this issue."
    if data.n_parties == 1:
        holder = data.parties.loc[data.parties["has_position"], "party_name"].iloc[0]
        return f"Only {holder} has a position (accepts {data.zone})."
    if not data.zone_empty:
        return f"Agreement zone: {data.zone} (accepted by all {data.n_parties} parties with a position)."
    groups = data.blocker_names
    if groups and len(groups[0]) == 1:
        return (
            "No agreement zone; blocked by "
            + ", or by ".join(f"{g[0]} alone" for g in groups)
            + "."
        )
    shown = "; or ".join(" + ".join(g) for g in groups[:4])
    more = f" (and {len(groups) - 4} more groups)" if len(groups) > 4 else ""
    return f"No agreement zone; it opens only without {shown}{more}."


def zone_heading(data: ZoneChartData) -> tuple[str, str]:
    """The chart's title and subtitle: the finding, and the note of a nominal scale.

    Examples
    --------
    >>> import engine
    >>> from reports.figures.zones import zone_chart_data
    >>> zone_heading(zone_chart_data(engine.load_case("tests/cases/tiny"), "num"))[0]
    'Agreement zone — Interval issue'
    """
    finding = zone_finding(data)
    return (
        f"Agreement zone — {data.issue_name}",
        f"{finding} {data.note}" if data.note else finding,
    )


#: The zone chart's legend entries, by key, in the order they are shown.
ZONE_LEGEND = {
    "acceptable": "acceptable to the party",
    "ideal": "its ideal",
    "red_line": "red line (will not move)",
    "red_line_ideal": "ideal of a red-line position",
    "zone": "agreement zone (all accept)",
    "status_quo": "status quo",
    "no_position": "no position",
}


def zone_legend(data: ZoneChartData) -> tuple[str, ...]:
    """The keys of :data:`ZONE_LEGEND` that apply to a zone chart, in order.

    Every chart explains its bars, ideals, red lines and zone; the status
    quo only when the issue has one, "no position" only when a party shown
    has none.

    Examples
    --------
    >>> import engine
    >>> from reports.figures.zones import zone_chart_data
    >>> zone_legend(zone_chart_data(engine.load_case("tests/cases/tiny"), "nom"))
    ('acceptable', 'ideal', 'red_line', 'red_line_ideal', 'zone', 'no_position')
    """
    keys = ["acceptable", "ideal", "red_line", "red_line_ideal", "zone"]
    if not math.isnan(data.status_quo):
        keys.append("status_quo")
    if (~data.parties["has_position"]).any():
        keys.append("no_position")
    return tuple(keys)


def alt_zone_chart(data: ZoneChartData) -> str:
    """Alternative text, e.g. "Agreement-zone chart for NATO membership: no zone; blocked by Russia alone."

    Examples
    --------
    >>> import engine
    >>> from reports.figures.zones import zone_chart_data
    >>> print(alt_zone_chart(zone_chart_data(engine.load_case("tests/cases/tiny"), "num")))
    Agreement-zone chart for Interval issue (3 parties with a position): no agreement zone; blocked by Party A alone, or by Party C alone.
    """
    finding = zone_finding(data)
    return (
        f"Agreement-zone chart for {data.issue_name} ({data.n_parties} "
        f"part{'y' if data.n_parties == 1 else 'ies'} with a position): "
        f"{finding[0].lower()}{finding[1:]}"
    )
