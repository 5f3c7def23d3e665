"""Settlement packages: each party's concession cost, and the outcome on each issue."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.patches import Patch

from engine import Case
from engine.solve.settlement import Settlement
from reports.figures import style
from reports.figures.fit import fit_column
from reports.figures.frames import id_names
from reports.figures.labels import join_names, n_lines, wrap
from reports.figures.layout import (
    Boxes,
    add_title,
    hide_spines,
    legend_below,
    new_axes,
    no_data,
    ticks_on_top,
)

__all__ = [
    "SettlementData",
    "alt_settlement",
    "alt_settlement_outcomes",
    "plot_settlement",
    "plot_settlement_outcomes",
    "settlement_data",
    "size_settlement",
    "size_settlement_outcomes",
]


@dataclass(frozen=True, eq=False)
class SettlementData:
    """What :func:`plot_settlement` draws (see :func:`settlement_data`)."""

    objectives: pd.DataFrame
    costs: pd.DataFrame
    outcomes: pd.DataFrame
    red_lines: pd.DataFrame
    parties: pd.DataFrame = field(default_factory=pd.DataFrame)


def settlement_data(
    settlements: Mapping[str, Settlement],
    *,
    case: Case | None = None,
    names: Mapping[str, str] | None = None,
) -> SettlementData:
    """Concession costs and outcomes of one or more settlement packages.

    Parameters
    ----------
    settlements : mapping of str to Settlement
        Label → result of :func:`engine.settle`, e.g. ``{"total": ...,
        "fair": ..., "nash": ...}``; the labels are shown as given, in the
        mapping's order.
    case : Case, optional
        Gives party and issue names (default: ids).
    names : mapping of str to str, optional
        Extra or overriding id → name entries (parties and issues).

    Returns
    -------
    SettlementData
        ``objectives`` — one row per label: ``label``, ``objective``,
        ``feasible``, ``status``, ``total_cost``, ``max_cost``,
        ``objective_value`` (NaN when infeasible), ``n_concessions``
        (concessions outside the acceptable set, i.e. with a cost),
        ``red_lines`` (``"party:issue …"`` of an infeasible result).

        ``costs`` — label × party (the parties of every result, first-seen
        order): ``label``, ``objective``, ``party``, ``party_name``,
        ``row``, ``cost`` (Σ_i s_p,i · dist(o_i, A_p,i); NaN when
        infeasible), ``utility`` and ``status_quo_utility`` (U_p and d_p,
        NaN where not defined), ``feasible``.

        ``outcomes`` — label × issue: ``label``, ``issue``, ``issue_name``,
        ``outcome`` (option id or number), ``outcome_label``, ``cost`` (Σ of
        the parties' costs on the issue), ``conceding`` (ids of parties whose
        ideal differs from the outcome, comma-separated).

        ``red_lines`` — the colliding red lines of infeasible results:
        ``label``, ``party``, ``party_name``, ``issue``, ``issue_name``,
        ``description``.

        ``parties`` — ``party``, ``party_name``, ``row``.

    Notes
    -----
    cost_p = Σ_i s_p,i · dist(o_i, A_p,i) (to the ideal alone where a
    ``requires`` condition fails); U_p = Σ_i s_p,i (1 − dist(o_i, e_p,i)) /
    Σ_i s_p,i (see :func:`engine.settle`). O(L · n · m).

    Examples
    --------
    >>> import engine
    >>> case = engine.load_case("tests/cases/tiny")
    >>> from engine.solve.settlement import settle
    >>> d = settlement_data({"total": settle(case)}, case=case)
    >>> d.costs[["party", "cost"]].round(6).values.tolist()
    [['a', 0.2], ['b', 0.2], ['c', 0.02]]
    """
    label_of = id_names(case, names)
    party_order: list[str] = []
    for s in settlements.values():
        party_order += [p for p in s.parties if p not in party_order]
    row_of = {p: r for r, p in enumerate(party_order)}
    items = settlements.items()
    costs = [_cost_row(lab, s, p, label_of, row_of[p]) for lab, s in items for p in s.parties]
    outcomes = [_outcome_row(lab, i, r, label_of) for lab, s in items for i, r in _outcomes(s)]
    red = [
        (
            lab,
            r.party,
            label_of.get(r.party, r.party),
            r.issue,
            label_of.get(r.issue, r.issue),
            r.description,
        )
        for lab, s in items
        for r in s.conflicting_red_lines
    ]
    return SettlementData(
        objectives=pd.DataFrame(
            [_objective_row(lab, s) for lab, s in items], columns=list(_OBJECTIVE_COLUMNS)
        ),
        costs=pd.DataFrame(costs, columns=list(_COST_COLUMNS)).astype(
            {"cost": float, "utility": float, "status_quo_utility": float}
        ),
        outcomes=pd.DataFrame(outcomes, columns=list(_OUTCOME_COLUMNS)),
        red_lines=pd.DataFrame(
            red, columns=["label", "party", "party_name", "issue", "issue_name", "description"]
        ),
        parties=pd.DataFrame(
            [{"party": p, "party_name": label_of.get(p, p), "row": r} for p, r in row_of.items()],
            columns=["party", "party_name", "row"],
        ),
    )


_OBJECTIVE_COLUMNS = (
    *("label", "objective", "feasible", "status", "total_cost", "max_cost"),
    *("objective_value", "n_concessions", "red_lines"),
)
_COST_COLUMNS = (
    *("label", "objective", "party", "party_name", "row", "cost", "utility"),
    *("status_quo_utility", "feasible"),
)
_OUTCOME_COLUMNS = (
    *("label", "issue", "issue_name", "outcome", "outcome_label", "cost", "conceding"),
)


def _nan(x: float | None) -> float:
    return float("nan") if x is None else float(x)


def _objective_row(label: str, s: Settlement) -> tuple[object, ...]:
    """One package's objective, status, total and highest cost, and colliding red lines."""
    return (
        *(label, s.objective, bool(s.feasible), s.status),
        *(_nan(s.total_cost), _nan(s.max_cost), _nan(s.objective_value)),
        sum(1 for c in s.concessions if c.cost > 0),
        " ".join(f"{r.party}:{r.issue}" for r in s.conflicting_red_lines),
    )


def _cost_row(
    label: str, s: Settlement, p: str, label_of: Mapping[str, str], row: int
) -> tuple[object, ...]:
    """One party's concession cost and utilities in one package (NaN cost if infeasible)."""
    cost = float(s.party_costs.get(p, 0.0)) if s.feasible else float("nan")
    return (
        *(label, s.objective, p, label_of.get(p, p), row, cost),
        *(_nan(s.utilities.get(p)), _nan(s.status_quo_utilities.get(p)), bool(s.feasible)),
    )


def _outcomes(s: Settlement) -> list[tuple[str, pd.Series]]:
    """The issue rows of a feasible package's :meth:`Settlement.to_frame` (none otherwise)."""
    return list(s.to_frame().iterrows()) if s.feasible else []


def _outcome_row(
    label: str, issue: str, r: pd.Series, label_of: Mapping[str, str]
) -> tuple[object, ...]:
    """One issue's outcome in one package, with the parties' summed cost on it."""
    name = label_of.get(str(issue), str(issue))
    return (label, issue, name, r["outcome"], r["label"], float(r["cost"]), r["conceding"])


_OBJECTIVE_STYLE = (  # face, hatch — greys and hatches: colour is kept for parties
    ("#3B3B3B", ""),
    ("#A6A6A6", "//"),
    ("white", ".."),
    ("#6E6E6E", "xx"),
    ("#D4D4D4", "\\\\"),
    ("white", "--"),
)


def size_settlement(data: SettlementData) -> tuple[float, float]:
    """Width and height (inches): one group of bars per party, one bar per package.

    Examples
    --------
    >>> import engine
    >>> from reports.figures.settlement import settlement_data
    >>> case = engine.load_case("tests/cases/tiny")
    >>> from engine.solve.settlement import settle
    >>> size_settlement(settlement_data({"total": settle(case)}, case=case))
    (8.0, 4.4)
    """
    n_p = max(len(_settlement_parties(data)), 1)
    n_l = max(int(data.objectives["feasible"].sum()) if len(data.objectives) else 0, 1)
    notes = _infeasible_notes(data)
    height = (
        2.4
        + n_p * (0.28 * n_l + 0.3)
        + 0.25 * n_l
        + 0.2 * sum(n_lines(wrap(n, 80)) for n in notes)
    )
    return (8.0, round(max(height, 3.5), 1))


def _settlement_parties(data: SettlementData) -> pd.DataFrame:
    """The parties of the feasible packages (all parties when none is feasible), in order."""
    shown = data.costs.loc[data.costs["feasible"], "party"]
    parties = data.parties[data.parties["party"].isin(set(shown))] if len(shown) else data.parties
    return parties.reset_index(drop=True).assign(row=lambda d: range(len(d)))


def _infeasible_notes(data: SettlementData) -> list[str]:
    """One sentence per distinct set of colliding red lines, naming the packages it blocks."""
    groups: dict[str, list[str]] = {}
    for _, o in data.objectives[~data.objectives["feasible"]].iterrows():
        rl = data.red_lines[data.red_lines["label"] == o["label"]]
        lines = join_names([f"{r['party_name']} on {r['issue_name']}" for _, r in rl.iterrows()])
        groups.setdefault(lines, []).append(str(o["label"]))
    return [
        f"{join_names(labels)}: no package respects every red line"
        + (f" (the red lines of {lines} collide)." if lines else ".")
        for lines, labels in groups.items()
    ]


def plot_settlement(data: SettlementData, *, ax: Axes | None = None) -> Axes:
    """Each party's concession cost in each settlement package (grouped bars).

    One group per party, one bar per package (greys and hatches, in the
    order given), each labelled with its value. Packages that cross a red
    line whatever the outcome (infeasible) have no bars; a note names the
    colliding red lines instead.

    Parameters
    ----------
    data : SettlementData
        From :func:`settlement_data`.
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    with style.zopa_style():
        ax = new_axes(ax, size_settlement(data))
        title = "Concession cost by party in each settlement package"
        objs = data.objectives
        if not len(objs):
            return no_data(ax, title, "No settlement to show.")
        feasible = objs[objs["feasible"]]
        notes = _infeasible_notes(data)
        if not len(feasible):
            return no_data(ax, title, wrap(" ".join(notes) or "No feasible package.", 70))
        parties = _settlement_parties(data)
        n_p, n_l = len(parties), len(feasible)
        bar_h = 0.8 / n_l
        costs = data.costs.set_index(["label", "party"])
        top = (
            float(np.nanmax(data.costs["cost"].to_numpy(dtype=float)))
            if data.costs["cost"].notna().any()
            else 0
        )
        top = max(top, 1e-9)
        handles = [
            _draw_package_bars(ax, o, k, parties, costs, bar_h)
            for k, (_, o) in enumerate(feasible.iterrows())
        ]
        ax.set_yticks(parties["row"].tolist())
        ax.set_yticklabels([wrap(n, 22, 2) for n in parties["party_name"]], fontsize=9)
        ax.set_ylim(n_p - 0.5, -0.5)
        ax.set_xlim(0, top * 1.18)
        ax.xaxis.grid(True, color="#EEEEEE", zorder=0)
        ax.tick_params(axis="y", length=0)
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_xlabel(
            "Concession cost\n(Σ over issues of salience × distance from the outcome to "
            "the party's acceptable set)"
        )
        ax.set_ylabel("Party", fontweight="bold")
        add_title(ax, title, " ".join(notes))
        legend_below(ax, handles, ncol=3, title="Package (objective)")
        fit_column(ax)
        return ax


def _draw_package_bars(
    ax: Axes, o: pd.Series, k: int, parties: pd.DataFrame, costs: pd.DataFrame, bar_h: float
) -> Patch:
    """Package ``k``'s bar for each party, labelled with its value; returns its legend entry."""
    face, hatch = _OBJECTIVE_STYLE[k % len(_OBJECTIVE_STYLE)]
    ys, vals = [], []
    for _, p in parties.iterrows():
        key = (o["label"], p["party"])
        if key in costs.index:
            ys.append(int(p["row"]) - 0.4 + bar_h * (k + 0.5))
            vals.append(float(costs.loc[key, "cost"]))
    bars = {"color": face, "hatch": hatch or None, "edgecolor": "#1A1A1A"}
    ax.barh(ys, vals, height=bar_h * 0.9, lw=0.8, zorder=2, **bars)
    for y, v in zip(ys, vals, strict=True):
        ax.annotate(
            f"{v:.2f}",
            (v, y),
            xytext=(4, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=8,
        )
    bars["facecolor"] = bars.pop("color")
    return Patch(label=f"{o['label']} (total {o['total_cost']:.2f})", **bars)


def alt_settlement(data: SettlementData) -> str:
    """Alternative text: for each package, its total cost and who pays most.

    Examples
    --------
    >>> import engine
    >>> from reports.figures.settlement import settlement_data
    >>> case = engine.load_case("tests/cases/tiny")
    >>> from engine.solve.settlement import settle
    >>> print(alt_settlement(settlement_data({"total": settle(case)}, case=case)))
    Concession cost by party. total: total cost 0.42, highest for Party A (0.20).
    """
    parts = []
    for _, o in data.objectives.iterrows():
        if not o["feasible"]:
            parts.append(f"{o['label']}: no package respects every red line.")
            continue
        c = data.costs[data.costs["label"] == o["label"]].sort_values(
            "cost", ascending=False, kind="mergesort"
        )
        if len(c):
            top = c.iloc[0]
            parts.append(
                f"{o['label']}: total cost {o['total_cost']:.2f}, highest for "
                f"{top['party_name']} ({top['cost']:.2f})."
            )
    return "Concession cost by party. " + " ".join(parts) if parts else "No settlement to show."


def size_settlement_outcomes(data: SettlementData) -> tuple[float, float]:
    """Width and height (inches) of the outcome table: one column per package."""
    labels = list(data.objectives.loc[data.objectives["feasible"], "label"])
    by_issue = _issue_lines(data.outcomes)
    issues, lines = list(by_issue), sum(by_issue.values())
    return (
        round(3.4 + 2.3 * max(len(labels), 1), 1),
        round(max(1.6 + 0.19 * lines + 0.12 * len(issues), 2.5), 1),
    )


def plot_settlement_outcomes(data: SettlementData, *, ax: Axes | None = None) -> Axes:
    """The outcome each package chooses on each issue, as a table.

    Rows are issues, columns packages; a cell reads the outcome and is
    shaded by the concession cost it causes on that issue (darker = costlier;
    the number is printed).

    Returns
    -------
    Axes
    """
    with style.zopa_style():
        ax = new_axes(ax, size_settlement_outcomes(data))
        title = "Outcome of each package, issue by issue"
        labels = list(data.objectives.loc[data.objectives["feasible"], "label"])
        out = data.outcomes
        if not labels or not len(out):
            return no_data(ax, title, "No feasible package to show.")
        issues = list(dict.fromkeys(out["issue"]))
        names = dict(zip(out["issue"], out["issue_name"], strict=False))
        by_issue = _issue_lines(out)
        heights = [by_issue[i] * 0.19 + 0.14 for i in issues]
        tops = np.concatenate([[0.0], np.cumsum(heights)])
        _draw_outcome_cells(ax, out, issues, labels, tops)
        ax.set_xlim(0, len(labels))
        ax.set_ylim(tops[-1], 0)
        ax.set_yticks([(tops[r] + tops[r + 1]) / 2 for r in range(len(issues))])
        ax.set_yticklabels([wrap(names[i], 30, 3) for i in issues], fontsize=8.5)
        ticks_on_top(ax)
        ax.set_xticks([c + 0.5 for c in range(len(labels))])
        ax.set_xticklabels([wrap(lab, 24, 2) for lab in labels], fontsize=9, fontweight="bold")
        ax.tick_params(length=0)
        hide_spines(ax)
        ax.set_xlabel("Package (objective)")
        ax.set_ylabel("Issue")
        add_title(
            ax, title, "Shading and 'cost' give the parties' total concession cost on the issue."
        )
        fit_column(ax)
        return ax


def _issue_lines(outcomes: pd.DataFrame) -> dict[str, int]:
    """Issue → text lines of its row: its wrapped name or its longest wrapped outcome."""
    lines: dict[str, int] = {}
    for o in outcomes.to_dict("records"):
        i = o["issue"]
        if i not in lines:
            lines[i] = n_lines(wrap(o["issue_name"], 30, 3))
        lines[i] = max(lines[i], n_lines(wrap(o["outcome_label"], 26, 3)))
    return lines


def _draw_outcome_cells(
    ax: Axes, out: pd.DataFrame, issues: list[str], labels: list[str], tops: np.ndarray
) -> None:
    """One cell per (issue, package): the outcome, shaded by its concession cost."""
    cmap = colormaps[style.CMAPS["conflict"]]
    cmax = max(float(out["cost"].max()), 0.5)
    table = {(o["issue"], o["label"]): o for o in out.to_dict("records")}
    boxes = Boxes()
    for r, i in enumerate(issues):
        y0, h = tops[r], tops[r + 1] - tops[r]
        for c, lab in enumerate(labels):
            if (i, lab) not in table:
                continue
            cell = table[(i, lab)]
            cost = float(cell["cost"])
            face = cmap(0.55 * cost / cmax)
            boxes.add((c, y0), 1, h, facecolor=face, edgecolor="white", lw=1.5)
            txt = wrap(cell["outcome_label"], 26, 3) + (f"\ncost {cost:.2f}" if cost > 0 else "")
            ax.text(
                c + 0.04,
                y0 + h / 2,
                txt,
                ha="left",
                va="center",
                fontsize=8,
                color=style.contrast_text(face),
                in_layout=False,  # inside its cell: no need to measure it for the layout
            )
    boxes.draw(ax)


def alt_settlement_outcomes(data: SettlementData) -> str:
    """Alternative text of :func:`plot_settlement_outcomes`: the packages' outcomes."""
    parts = []
    for lab in data.objectives.loc[data.objectives["feasible"], "label"]:
        sub = data.outcomes[data.outcomes["label"] == lab]
        parts.append(
            f"{lab}: "
            + "; ".join(f"{r['issue_name']}: {r['outcome_label']}" for _, r in sub.iterrows())
            + "."
        )
    return "Outcome of each package. " + " ".join(parts) if parts else "No feasible package."
