"""Packages against the Pareto frontier: two parties' points, the frontier, the Nash package."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from matplotlib.axes import Axes

from engine import Case
from engine.solve.score import PackageScore
from engine.solve.utility import utility_column
from reports.figures import style
from reports.figures.layout import add_title, legend_below, line_handle, marker_handle, new_axes

__all__ = ["PackagesData", "alt_packages", "packages_data", "plot_packages", "size_packages"]

_ON = style.OKABE_ITO["blue"]
_BELOW = style.OKABE_ITO["vermillion"]
_NASH = style.OKABE_ITO["orange"]
_FRONTIER = "#4D4D4D"
_TIE = 1e-9


def _v(x: float) -> str:
    """Points as printed: three significant digits (0.745, 0.35)."""
    return f"{float(x):.3g}"


@dataclass(frozen=True, eq=False)
class PackagesData:
    """What :func:`plot_packages` draws (see :func:`packages_data`)."""

    parties: pd.DataFrame
    frontier: pd.DataFrame
    packages: pd.DataFrame


def packages_data(
    front: pd.DataFrame, scores: Mapping[str, PackageScore], *, case: Case | None = None
) -> PackagesData:
    """The frontier, the Nash package and scored packages of two parties, as tidy frames.

    Parameters
    ----------
    front : DataFrame
        :func:`engine.pareto_packages` of exactly two parties.
    scores : mapping of str to PackageScore
        Label (shown on the plot, e.g. a group's number) → the package's
        :func:`engine.solve.score.score_package` for the same parties.
    case : Case, optional
        Gives the parties' short names and reservations (default: ids, none).

    Returns
    -------
    PackagesData
        ``parties``: ``party``, ``party_name``, ``axis`` (``x`` for the
        first party, ``y`` for the second), ``reservation`` (NaN: none).
        ``frontier``: ``point``, ``x``, ``y``, ``nash`` (bool), sorted by
        ``x``. ``packages``: ``label`` (the labels of packages with the same
        utilities joined by ", "), ``x``, ``y``, ``on_frontier``,
        ``distance``.

    Raises
    ------
    ValueError
        When ``front`` is not for two parties (a plane cannot show three).

    Examples
    --------
    >>> import engine
    >>> from engine.solve.score import parse_package, score_package
    >>> case = engine.load_case("harbour-lease")
    >>> front = engine.pareto_packages(case, case.party_ids)
    >>> pkg = parse_package(case, "term=15,rent=r400k,dredging=split,hiring=quarter,night_sailings=summer_only")
    >>> d = packages_data(front, {"1": score_package(case, pkg)}, case=case)
    >>> d.packages[["label", "x", "y", "on_frontier"]].to_dict("records")
    [{'label': '1', 'x': 0.745, 'y': 0.495, 'on_frontier': False}]
    >>> d.frontier[d.frontier["nash"]][["x", "y"]].to_dict("records")
    [{'x': 0.75, 'y': 0.69}]
    """
    parties = tuple(front.attrs["parties"])
    if len(parties) != 2:
        raise ValueError(f"a packages plot shows two parties, not {len(parties)}: {parties}")
    names = {p: (case.party(p).short_name if case else p) for p in parties}
    reservation = {p: (case.party(p).reservation if case else None) for p in parties}
    party_rows = [
        {
            "party": p,
            "party_name": names[p],
            "axis": axis,
            "reservation": float("nan") if reservation[p] is None else float(reservation[p]),
        }
        for p, axis in zip(parties, ("x", "y"), strict=True)
    ]
    nash = front.attrs.get("nash_point")
    frontier = pd.DataFrame(
        {
            "point": [int(i) for i in front.index],
            "x": front[utility_column(parties[0])].astype(float).to_numpy(),
            "y": front[utility_column(parties[1])].astype(float).to_numpy(),
            "nash": [nash is not None and int(i) == nash for i in front.index],
        }
    ).sort_values(["x", "y"], kind="stable", ignore_index=True)
    return PackagesData(
        parties=pd.DataFrame(party_rows),
        frontier=frontier,
        packages=_package_points(scores, parties),
    )


def _package_points(scores: Mapping[str, PackageScore], parties: tuple[str, ...]) -> pd.DataFrame:
    """One row per distinct utility vector, the labels of the packages at it joined."""
    rows: list[list[object]] = []
    seen: list[tuple[float, float]] = []
    for label, s in scores.items():
        x, y = float(s.utilities[parties[0]]), float(s.utilities[parties[1]])
        same = [n for n, (a, b) in enumerate(seen) if abs(a - x) <= _TIE and abs(b - y) <= _TIE]
        if same:
            rows[same[0]][0] = f"{rows[same[0]][0]}, {label}"
            continue
        seen.append((x, y))
        rows.append([str(label), x, y, s.on_frontier, s.distance])
    return pd.DataFrame(rows, columns=["label", "x", "y", "on_frontier", "distance"])


def size_packages(data: PackagesData) -> tuple[float, float]:
    """Width and height (inches): a square plot with the title above and the legend below.

    Small on purpose: the page scales the SVG to its column, so the smaller the
    figure, the larger its text on a phone (and on a projector).

    Examples
    --------
    >>> import engine
    >>> case = engine.load_case("harbour-lease")
    >>> size_packages(packages_data(engine.pareto_packages(case, case.party_ids), {}, case=case))
    (4.6, 5.4)
    """
    return (4.6, 5.4)


def plot_packages(data: PackagesData, *, ax: Axes | None = None) -> Axes:
    """Draw the frontier (line and points), the Nash package (star), walk-away lines and packages.

    Packages on the frontier are filled blue circles, those below it open
    vermillion circles (shape and colour differ), each labelled with its
    label; both axes run from 0 to 1 (each party's points).
    """
    ax = new_axes(ax, size_packages(data))
    xname, yname = data.parties["party_name"].tolist()
    fr = data.frontier
    ax.plot(fr["x"], fr["y"], color=_FRONTIER, lw=1.2, marker="o", ms=3.5, zorder=2)
    nash = fr[fr["nash"]]
    ax.plot(nash["x"], nash["y"], ls="", marker="*", ms=22, color=_NASH, mec=style.TEXT, zorder=4)
    handles = [
        line_handle("Pareto frontier (efficient packages)", color=_FRONTIER, marker="o", ms=3.5),
        marker_handle("Nash package", "*", ms=13, color=_NASH, mec=style.TEXT),
    ]
    if len(data.packages):
        _draw_packages(ax, data.packages)
        handles += [
            marker_handle("a group's package, on the frontier", "o", ms=9, color=_ON),
            marker_handle(
                "a group's package, below the frontier", "o", ms=9, mfc="white", mec=_BELOW, mew=2
            ),
        ]
    top = max(1.0, *fr["x"], *fr["y"], *data.packages["x"], *data.packages["y"])
    ax.set_xlim(0, top * 1.02)
    ax.set_ylim(0, top * 1.02)
    ax.set_aspect("equal")
    _walk_away(ax, data)
    ax.grid(True, color=style.GRID, lw=0.5, alpha=0.6)
    ax.set_xlabel(f"Points for {xname}")
    ax.set_ylabel(f"Points for {yname}")
    add_title(
        ax,
        "Packages against the Pareto frontier",
        "Each number is a group's package (see the table). Up and to the right is better "
        "for both; dashed lines are the walk-away scores.",
    )
    handles.append(line_handle("walk-away score", color=style.TEXT_MUTED, ls="--"))
    legend_below(ax, handles, ncol=2)
    return ax


def _walk_away(ax: Axes, data: PackagesData) -> None:
    for row in data.parties.itertuples():
        r = row.reservation
        if r != r:  # NaN: no reservation
            continue
        text = f"{row.party_name} walk-away {_v(r)}"
        if row.axis == "x":
            ax.axvline(r, ls="--", lw=1, color=style.TEXT_MUTED, zorder=1)
            where, shift, rotation = (r, 0.0), (-5, 4), 90
        else:
            ax.axhline(r, ls="--", lw=1, color=style.TEXT_MUTED, zorder=1)
            where, shift, rotation = (ax.get_xlim()[1], r), (-4, 3), 0
        ax.annotate(
            text,
            where,
            xytext=shift,
            textcoords="offset points",
            rotation=rotation,
            ha="right",
            va="bottom",
            fontsize=8,
            color=style.TEXT_MUTED,
        )


def _draw_packages(ax: Axes, packages: pd.DataFrame) -> None:
    for row in packages.itertuples():
        if row.on_frontier:
            ax.plot(row.x, row.y, ls="", marker="o", ms=8, color=_ON, zorder=5)
        else:
            ax.plot(
                row.x, row.y, ls="", marker="o", ms=8, mfc="white", mec=_BELOW, mew=2, zorder=5
            )
        ax.annotate(
            row.label,
            (row.x, row.y),
            xytext=(6, -12),
            textcoords="offset points",
            fontsize=10,
            fontweight="bold",
            color=style.TEXT,
            zorder=6,
        )


def alt_packages(data: PackagesData) -> str:
    """The plot in words: the frontier's ends, the Nash package, each package's place.

    Examples
    --------
    >>> import engine
    >>> case = engine.load_case("harbour-lease")
    >>> alt_packages(packages_data(engine.pareto_packages(case, case.party_ids), {}, case=case))[:80]
    'Packages against the Pareto frontier of Port (across) and Ferries (up): 20 effic'
    """
    xname, yname = data.parties["party_name"].tolist()
    fr = data.frontier
    v = _v
    parts = [
        f"Packages against the Pareto frontier of {xname} (across) and {yname} (up): "
        f"{len(fr)} efficient points"
        + (
            f", from {xname} {v(fr['x'].iloc[0])} and {yname} {v(fr['y'].iloc[0])} "
            f"to {xname} {v(fr['x'].iloc[-1])} and {yname} {v(fr['y'].iloc[-1])}"
            if len(fr)
            else ""
        )
        + "."
    ]
    for row in fr[fr["nash"]].itertuples():
        parts.append(f"Nash package: {xname} {v(row.x)}, {yname} {v(row.y)}.")
    for row in data.packages.itertuples():
        where = (
            "on the frontier" if row.on_frontier else f"below the frontier by {v(row.distance)}"
        )
        parts.append(f"Package {row.label}: {xname} {v(row.x)}, {yname} {v(row.y)}, {where}.")
    return " ".join(parts)
