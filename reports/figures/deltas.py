"""What a scenario changes: the conflict-matrix delta and conflict per issue, before and after."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D

from engine import Case
from engine.whatif.compare import Comparison
from reports.figures import style
from reports.figures.frames import id_names
from reports.figures.heatmap import HeatmapData, heatmap_data, plot_heatmap, size_heatmap
from reports.figures.labels import wrap
from reports.figures.layout import add_title, legend_below, new_axes, no_data

__all__ = [
    "DeltaData",
    "alt_delta",
    "alt_delta_issues",
    "delta_data",
    "plot_delta",
    "plot_delta_issues",
    "size_delta",
    "size_delta_issues",
]


@dataclass(frozen=True, eq=False)
class DeltaData:
    """What :func:`plot_delta` draws (see :func:`delta_data`)."""

    conflict: HeatmapData
    overlap: HeatmapData
    issues: pd.DataFrame
    total_before: float
    total_after: float
    opened: tuple[str, ...]
    closed: tuple[str, ...]
    resolved: int
    created: int
    parties_added: tuple[str, ...]
    parties_removed: tuple[str, ...]


def delta_data(
    comparison: Comparison,
    *,
    case: Case | None = None,
    names: Mapping[str, str] | None = None,
) -> DeltaData:
    """What a scenario (or a change of date) changes: matrix deltas and zones.

    Parameters
    ----------
    comparison : Comparison
        From :func:`engine.compare`.
    case : Case, optional
        Gives party and issue names (default: ids).
    names : mapping of str to str, optional
        Extra or overriding id → name entries (e.g. a party the scenario adds).

    Returns
    -------
    DeltaData
        ``conflict`` and ``overlap`` — :class:`HeatmapData` of the
        ``conflict_delta`` and ``overlap_delta`` matrices (after − before;
        NaN where either side is NaN, e.g. a party only on one side).

        ``issues`` — one row per issue: ``issue``, ``issue_name``, ``row``,
        ``before``, ``after``, ``delta`` (total conflict on the issue),
        ``zone_change`` (``opened``, ``closed``, ``changed``, ``unchanged``,
        ``new issue``, ``removed issue``), ``zone_before``, ``zone_after``,
        ``blockers_changed``.

        Scalars: ``total_before``, ``total_after``, ``opened``, ``closed``
        (issue ids), ``resolved``, ``created`` (number of pairs whose
        conflict was resolved / created), ``parties_added``,
        ``parties_removed``.

    Notes
    -----
    delta = after − before for every measure; negative conflict deltas and
    positive overlap deltas mean the parties moved closer. O(m + n²).

    Examples
    --------
    >>> import engine
    >>> case = engine.load_case("tests/cases/tiny")
    >>> new = engine.apply(case, case.scenario("b-softens"))
    >>> from engine.whatif.compare import compare
    >>> d = delta_data(compare(case, new), case=case)
    >>> d.opened, float(d.issues.set_index("issue").loc["ord", "delta"])
    (('ord',), -0.225)
    """
    label_of = id_names(case, names)
    zones = comparison.zones
    tbi = comparison.total_by_issue
    rows = []
    for r, i in enumerate(tbi.index):
        z = zones.loc[i] if i in zones.index else None
        rows.append(
            {
                "issue": str(i),
                "issue_name": label_of.get(str(i), str(i)),
                "row": r,
                "before": float(tbi.loc[i, "before"]),
                "after": float(tbi.loc[i, "after"]),
                "delta": float(tbi.loc[i, "delta"]),
                "zone_change": str(z["change"]) if z is not None else "unchanged",
                "zone_before": z["zone_before"] if z is not None else None,
                "zone_after": z["zone_after"] if z is not None else None,
                "blockers_changed": bool(z["blockers_changed"]) if z is not None else False,
            }
        )
    issues = pd.DataFrame(
        rows,
        columns=[
            "issue",
            "issue_name",
            "row",
            "before",
            "after",
            "delta",
            "zone_change",
            "zone_before",
            "zone_after",
            "blockers_changed",
        ],
    ).astype({"before": float, "after": float, "delta": float})
    party_labels = {p: label_of.get(p, p) for p in comparison.parties}
    return DeltaData(
        conflict=heatmap_data(
            comparison.conflict_delta, kind="conflict_delta", names=party_labels
        ),
        overlap=heatmap_data(comparison.overlap_delta, kind="overlap_delta", names=party_labels),
        issues=issues,
        total_before=float(comparison.total_before),
        total_after=float(comparison.total_after),
        opened=tuple(comparison.opened),
        closed=tuple(comparison.closed),
        resolved=len(comparison.resolved),
        created=len(comparison.created),
        parties_added=tuple(comparison.parties_added),
        parties_removed=tuple(comparison.parties_removed),
    )


def _delta_summary(data: DeltaData, names: Callable[[str], str]) -> str:
    d = data.total_after - data.total_before
    sign = "+" if d > 0 else "−" if d < 0 else "±"
    text = f"Total conflict {data.total_before:.2f} → {data.total_after:.2f} ({sign}{abs(d):.2f})."
    if data.opened:
        text += " Zones opened: " + ", ".join(names(i) for i in data.opened) + "."
    if data.closed:
        text += " Zones closed: " + ", ".join(names(i) for i in data.closed) + "."
    if data.resolved or data.created:
        text += f" Conflicts resolved: {data.resolved}; created: {data.created}."
    return text


def _issue_name(data: DeltaData) -> Callable[[str], str]:
    table = dict(zip(data.issues["issue"], data.issues["issue_name"], strict=False))
    return lambda i: table.get(i, i)


def size_delta(data: DeltaData) -> tuple[float, float]:
    """Width and height (inches) of the conflict-delta heatmap (like :func:`size_heatmap`)."""
    w, h = size_heatmap(data.conflict)
    return (w, round(h + 0.4, 1))


def plot_delta(data: DeltaData, *, ax: Axes | None = None) -> Axes:
    """How a scenario changes the conflict matrix: after − before, per pair.

    A diverging heatmap (blue = less conflict, red = more; white = no
    change); the subtitle gives the total conflict before and after and the
    agreement zones opened or closed.

    Parameters
    ----------
    data : DeltaData
        From :func:`delta_data`.
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    with style.zopa_style():
        ax = new_axes(ax, size_delta(data))
        plot_heatmap(
            data.conflict, ax=ax, title="Change in conflict between parties (after − before)"
        )
        add_title(
            ax,
            "Change in conflict between parties (after − before)",
            _delta_summary(data, _issue_name(data)),
        )
        return ax


def alt_delta(data: DeltaData) -> str:
    """Alternative text: total change, zones opened/closed, the largest pair change.

    Examples
    --------
    >>> import engine
    >>> from reports.figures.deltas import delta_data
    >>> case = engine.load_case("tests/cases/tiny")
    >>> from engine.whatif.compare import compare
    >>> d = delta_data(compare(case, engine.apply(case, case.scenario("b-softens"))), case=case)
    >>> print(alt_delta(d))
    Change in the conflict matrix. Total conflict 0.57 → 0.34 (−0.22). Zones opened: Ordinal issue. Conflicts resolved: 1; created: 0. Largest change: Party A and Party B (−0.13).
    """
    text = "Change in the conflict matrix. " + _delta_summary(data, _issue_name(data))
    cells = data.conflict.cells
    pairs = cells[(cells["i"] < cells["j"]) & ~cells["is_nan"]]
    if len(pairs) and (pairs["value"].abs() > 0.005).any():
        top = (
            pairs.assign(a=pairs["value"].abs())
            .sort_values(["a", "i", "j"], ascending=[False, True, True])
            .iloc[0]
        )
        text += f" Largest change: {top['row_label']} and {top['column_label']} ({top['text']})."
    return text


def alt_delta_issues(data: DeltaData) -> str:
    """Alternative text: total conflict by issue before and after, largest changes first.

    Examples
    --------
    >>> import engine
    >>> from reports.figures.deltas import delta_data
    >>> case = engine.load_case("tests/cases/tiny")
    >>> from engine.whatif.compare import compare
    >>> d = delta_data(compare(case, engine.apply(case, case.scenario("b-softens"))), case=case)
    >>> print(alt_delta_issues(d))
    Conflict by issue, before and after. Total conflict 0.57 → 0.34 (−0.22). Zones opened: Ordinal issue. Conflicts resolved: 1; created: 0. Largest changes: Ordinal issue 0.23 → 0.00.
    """
    text = "Conflict by issue, before and after. " + _delta_summary(data, _issue_name(data))
    moved = data.issues[data.issues["delta"].abs() > 0.005]
    if len(moved):
        top = (
            moved.assign(a=moved["delta"].abs())
            .sort_values(["a", "row"], ascending=[False, True])
            .head(3)
        )
        text += (
            " Largest changes: "
            + "; ".join(f"{r.issue_name} {r.before:.2f} → {r.after:.2f}" for r in top.itertuples())
            + "."
        )
    return text


def size_delta_issues(data: DeltaData) -> tuple[float, float]:
    """Width and height (inches) of :func:`plot_delta_issues`: 0.42 inch per issue."""
    return (9.0, round(max(2.6 + 0.42 * len(data.issues), 3.5), 1))


def plot_delta_issues(data: DeltaData, *, ax: Axes | None = None) -> Axes:
    """Total conflict per issue before (hollow) and after (filled) a scenario.

    An arrow joins the two; the right margin says when the issue's
    agreement zone opened or closed.

    Returns
    -------
    Axes
    """
    with style.zopa_style():
        ax = new_axes(ax, size_delta_issues(data))
        title = "Total conflict per issue, before and after"
        iss = data.issues
        if not len(iss):
            return no_data(ax, title, "No issues.")
        top = max(float(np.nanmax(iss[["before", "after"]].to_numpy(dtype=float))), 1e-9)
        for _, r in iss.iterrows():
            y, b, a = int(r["row"]), float(r["before"]), float(r["after"])
            if abs(a - b) > 1e-12:
                ax.annotate(
                    "",
                    xy=(a, y),
                    xytext=(b, y),
                    arrowprops={
                        "arrowstyle": "-|>",
                        "color": "#555555",
                        "lw": 1.2,
                        "shrinkA": 5,
                        "shrinkB": 5,
                    },
                )
            ax.plot(
                [b],
                [y],
                ls="",
                marker="o",
                markerfacecolor="white",
                markeredgecolor="black",
                markersize=7,
            )
            ax.plot([a], [y], ls="", marker="o", color="black", markersize=6)
            change = str(r["zone_change"])
            if change in ("opened", "closed"):
                ax.text(
                    1.01,
                    y,
                    f"zone {change}",
                    transform=ax.get_yaxis_transform(),
                    ha="left",
                    va="center",
                    fontsize=8.5,
                    fontweight="bold",
                    clip_on=False,
                )
        ax.set_yticks(iss["row"].tolist())
        ax.set_yticklabels([wrap(n, 34, 2) for n in iss["issue_name"]], fontsize=8.5)
        ax.set_ylim(len(iss) - 0.5, -0.5)
        ax.set_xlim(-0.03 * top, top * 1.08)
        ax.xaxis.grid(True, color="#EEEEEE")
        ax.set_xlabel("Total conflict on the issue (Σ over pairs of gap × mean salience)")
        ax.set_ylabel("Issue")
        add_title(ax, title, _delta_summary(data, _issue_name(data)))
        handles = [
            Line2D(
                [],
                [],
                ls="",
                marker="o",
                markerfacecolor="white",
                markeredgecolor="black",
                label="before",
            ),
            Line2D([], [], ls="", marker="o", color="black", label="after"),
        ]
        legend_below(ax, handles, ncol=2, handler_map={tuple: HandlerTuple()})
        return ax
