"""The plain-words lines of :meth:`engine.whatif.compare.Comparison.summary`."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from engine.whatif.compare import Comparison

__all__ = ["conflict_lines", "zone_lines"]


#: How :meth:`Comparison.summary` titles each kind of change in conflict.
_CONFLICT_WORDS = {
    "resolved": "Conflicts resolved (the acceptable sets now meet)",
    "created": "Conflicts created (the acceptable sets no longer meet)",
    "eased": "Conflicts eased (still apart, but closer)",
    "worsened": "Conflicts worsened (further apart)",
    "dropped": "Conflicts no longer compared (a position or party is gone)",
    "new": "New conflicts (a new position or party)",
}


def conflict_lines(c: Comparison) -> list[str]:
    """The summary's lines on conflicts, one per kind of change that occurred."""
    lines = []
    for change, title in _CONFLICT_WORDS.items():
        rows = c._rows(change)
        if len(rows):
            items = [
                f"{r.party}–{r.other} on {r.issue} ({_fmt(r.conflict_before)} → {_fmt(r.conflict_after)})"
                for r in rows.itertuples()
            ]
            lines.append(f"{title}: {len(rows)}: " + "; ".join(items) + ".")
    return lines


def zone_lines(c: Comparison) -> list[str]:
    """The summary's lines on zones opened, closed or changed, on who newly states or no
    longer states a position (then the zone is not compared), and on blockers."""
    z = c.zones
    lines = []
    for change, title in (
        ("opened", "Agreement zones opened"),
        ("closed", "Agreement zones closed"),
    ):
        issues = z.index[z["change"] == change]
        if len(issues):
            parts = [
                f"{i} (now {z.loc[i, 'zone_after']})" if change == "opened" else f"{i}"
                for i in issues
            ]
            lines.append(f"{title}: " + ", ".join(parts) + ".")
    changed = z.index[z["change"] == "changed"]
    if len(changed):
        lines.append(
            "Agreement zones changed: "
            + "; ".join(
                f"{i} ({z.loc[i, 'zone_before']} → {z.loc[i, 'zone_after']})" for i in changed
            )
            + "."
        )
    for change, title in (
        ("newly stated", "Issues with newly stated positions (zones not compared)"),
        ("no longer stated", "Issues with positions no longer stated (zones not compared)"),
        ("holders changed", "Issues whose position holders changed (zones not compared)"),
    ):
        issues = z.index[z["change"] == change]
        if len(issues):
            parts = []
            for i in issues:
                who = [f"+{p}" for p in z.loc[i, "newly_stated"]]
                who += [f"−{p}" for p in z.loc[i, "no_longer_stated"]]
                zones = f"zone {z.loc[i, 'zone_before']} → {z.loc[i, 'zone_after']}"
                parts.append(f"{i} ({', '.join(who)}; {zones})")
            lines.append(f"{title}: {len(issues)}: " + "; ".join(parts) + ".")
    for i in c.blockers_changed:
        lines.append(
            f"Blockers on {i}: {_blockers(z.loc[i, 'blockers_before'])} → {_blockers(z.loc[i, 'blockers_after'])}."
        )
    return lines


def _fmt(x: Any) -> str:
    return "no position" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.3f}"


def _blockers(b: Any) -> str:
    if not b:
        return "none"
    return " or ".join("+".join(s) for s in b)
