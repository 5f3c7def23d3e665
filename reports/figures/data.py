"""The data behind each figure: plain, tested functions, no drawing.

Every figure of :mod:`reports.figures.draw` is drawn from one of these functions'
results, so what a figure shows can be tested without looking at pixels
(the Axelrod way: data functions are tested with hand-checked values, the
drawing only smoke-tested). Each function takes the case (or an engine
result) first and returns a small frozen dataclass of tidy
:class:`pandas.DataFrame` objects with ids *and* readable labels.

This module never imports matplotlib.

Conventions shared by every function:

- ``party`` / ``issue`` columns hold ids; ``party_name`` / ``issue_name``
  hold the readable names (``party_name`` shortened by :func:`short_name`
  so that it fits a column header; the full name stays in ``party_full``
  where both are given);
- ``column`` and ``row`` are the 0-based grid positions the figures use;
  ``color_index`` is the party's index among the selected parties, which
  :func:`reports.figures.style.party_style` turns into a colour — the same party
  gets the same colour in every figure built from the same selection;
- "no position" is explicit (``has_position`` False, NaN numbers), never 0.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

import engine
from engine import Case, Issue, Span
from engine.model.errors import UnknownIdError
from engine.solve.settlement import Settlement
from engine.whatif.compare import Comparison

__all__ = [
    "HEATMAP_KINDS",
    "DeltaData",
    "GraphData",
    "HeatmapData",
    "PositionMapData",
    "SettlementData",
    "TimelineData",
    "ZoneChartData",
    "delta_data",
    "format_value",
    "graph_data",
    "heatmap_data",
    "party_names",
    "position_map_data",
    "settlement_data",
    "short_name",
    "timeline_data",
    "zone_chart_data",
]

Parties = Iterable[str] | None

#: Matrix kinds :func:`heatmap_data` knows, with their value range.
HEATMAP_KINDS: dict[str, tuple[float, float] | None] = {
    "overlap": (0.0, 1.0),
    "conflict": (0.0, 1.0),
    "gap": (0.0, 1.0),
    "distance": (0.0, 1.0),
    "compatible": (0.0, 1.0),
    "overlap_delta": None,  # symmetric around 0, from the data
    "conflict_delta": None,
}

NO_VALUE = "–"

# ----------------------------------------------------------------- labels


def short_name(name: str, width: int = 24) -> str:
    """A party or issue name short enough for a column header.

    The text before a parenthesis is kept when it fits ``width``; otherwise
    a short abbreviation given in parentheses (at most 8 characters, e.g.
    "E3") is used; otherwise the name is returned whole (figures wrap it).

    Examples
    --------
    >>> short_name("European Union (European Council and EU institutions)")
    'European Union'
    >>> short_name("France, Germany, United Kingdom (E3) and the coalition of the willing")
    'E3'
    >>> short_name("Party A")
    'Party A'
    """
    name = " ".join(str(name).split())
    if len(name) <= width:
        return name
    head = name.split(" (", 1)[0].strip()
    if head and len(head) <= width:
        return head
    for abbr in re.findall(r"\(([^()]{1,8})\)", name):
        return abbr.strip()
    return name


def _pname(party: engine.Party) -> str:
    """A party's display name: its ``short`` name, else :func:`short_name` of its name."""
    return getattr(party, "short", "") or short_name(party.name)


def _ishort(issue: Issue) -> str:
    """An issue's short name (``short`` in case.yaml), else its name."""
    return getattr(issue, "short", "") or issue.name


def party_names(case: Case, parties: Parties = None, *, short: bool = True) -> dict[str, str]:
    """Party id → display name: the party's ``short`` name (or :func:`short_name`
    of its name when it has none), or the full name when ``short=False``.

    Examples
    --------
    >>> party_names(engine.load_case("tests/cases/tiny"))
    {'a': 'Party A', 'b': 'Party B', 'c': 'Party C'}
    """
    chosen = case.resolve_parties(parties)
    return {p: _pname(case.party(p)) if short else case.party(p).name for p in chosen}


def format_value(value: float, *, signed: bool = False) -> str:
    """A matrix value as cell text: two decimals, ``"–"`` for NaN.

    ``signed`` writes ``+0.12`` / ``−0.12`` (a true minus sign), and
    ``0.00`` for changes that round to zero.

    Examples
    --------
    >>> format_value(0.125), format_value(float("nan")), format_value(-0.128, signed=True)
    ('0.12', '–', '−0.13')
    >>> format_value(-0.001, signed=True)
    '0.00'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NO_VALUE
    v = float(value)
    if signed:
        if abs(v) < 0.005:
            return "0.00"
        return f"{v:+.2f}".replace("-", "−")
    return f"{v:.2f}"


def _norm(issue: Issue, value: float) -> float:
    """A number of an interval issue mapped to [0, 1]."""
    assert issue.min is not None
    return (float(value) - float(issue.min)) / issue.width


def _index_norm(issue: Issue, option_id: str) -> float:
    """An option's place on [0, 1]: rank / (k − 1), as in the ordinal distance."""
    return issue.index(option_id) / max(issue.k - 1, 1)


def _runs(indices: Iterable[int]) -> list[tuple[int, int]]:
    """Contiguous runs of sorted integers, as (first, last) pairs.

    >>> _runs([0, 1, 2, 4, 6, 7])
    [(0, 2), (4, 4), (6, 7)]
    """
    out: list[tuple[int, int]] = []
    for i in sorted(indices):
        if out and i == out[-1][1] + 1:
            out[-1] = (out[-1][0], i)
        else:
            out.append((i, i))
    return out


def _requires_text(case: Case, pos: engine.Position) -> str:
    return "; ".join(f"{case.issue(i).name}: {case.issue(i).describe(a)}" for i, a in pos.requires)


def _parties_frame(case: Case, chosen: tuple[str, ...], counts: Mapping[str, int]) -> pd.DataFrame:
    rows = [
        {
            "party": p,
            "party_name": _pname(case.party(p)),
            "party_full": case.party(p).name,
            "role": case.party(p).role,
            "column": c,
            "color_index": c,
            "n_positions": int(counts.get(p, 0)),
        }
        for c, p in enumerate(chosen)
    ]
    cols = ["party", "party_name", "party_full", "role", "column", "color_index", "n_positions"]
    return pd.DataFrame(rows, columns=cols)


# ------------------------------------------------------------ position map


@dataclass(frozen=True, eq=False)
class PositionMapData:
    """What :func:`reports.figures.draw.plot_position_map` draws (see :func:`position_map_data`)."""

    case: str
    title: str
    at: str
    issues: pd.DataFrame
    parties: pd.DataFrame
    cells: pd.DataFrame
    options: pd.DataFrame


def position_map_data(case: Case, *, at: Any = None, parties: Parties = None) -> PositionMapData:
    """Every party's position on every issue, laid out as an issue × party grid.

    Parameters
    ----------
    case : Case
    at : date or str, optional
        Evaluation date (default: the case's ``as_of``).
    parties : iterable of str, optional
        Party ids to show (default: all), in the case's order.

    Returns
    -------
    PositionMapData
        ``case``, ``title``, ``at`` (ISO date) and four tables:

        ``issues`` — one row per issue (case order): ``issue``,
        ``issue_name``, ``issue_short`` (the short name, else the name),
        ``row`` (0 = top), ``scale``, ``k`` (number of
        options; 0 on interval scales), ``unit``, ``min``, ``max`` (NaN off
        interval scales), ``option_ids`` and ``option_labels`` (tuples, in
        the issue's order), ``first_label`` and ``last_label`` (the poles of
        the scale: first and last option, or ``min`` and ``max`` with the
        unit), ``n_positions`` (selected parties with a position).

        ``parties`` — one row per selected party: ``party``, ``party_name``
        (short), ``party_full``, ``role``, ``column``, ``color_index``,
        ``n_positions``.

        ``cells`` — one row per (issue, party), issues then parties:
        ``issue``, ``issue_name``, ``row``, ``party``, ``party_name``,
        ``column``, ``color_index``, ``scale``, ``k``, ``has_position``;
        ``ideal`` (option id or number, None without a position),
        ``ideal_label``; ``ideal_index`` (the option's 0-based index, NaN on
        interval scales); ``ideal_norm`` (the ideal on [0, 1]: index / (k − 1)
        for options, (x − min) / (max − min) for numbers); ``accepts``
        (tuple of k bools, one per option in the issue's order; ``()`` on
        interval scales); ``lo``, ``hi`` (the acceptable interval's ends on
        interval scales, else NaN) and ``lo_norm``, ``hi_norm`` (the same on
        [0, 1]); ``range`` (``hi − lo``); ``acceptable`` (readable);
        ``salience`` (NaN without a position); ``red_line``; ``requires``
        (readable linkage, ``""`` without).

        ``options`` — tidy per-option acceptability, one row per position
        and option of ordinal/nominal issues: ``issue``, ``party``,
        ``option``, ``option_index``, ``option_label``, ``acceptable``,
        ``is_ideal``.

    Notes
    -----
    The position at date D is each party's latest statement on or before
    D (:meth:`engine.Case.at`). The normalised ideal uses the same scale as
    the distances: rank / (k − 1) on ordinal (and, for drawing only,
    nominal) scales, (x − min) / (max − min) on interval scales. O(m · n).

    Examples
    --------
    >>> d = position_map_data(engine.load_case("tests/cases/tiny"))
    >>> d.cells.set_index(["issue", "party"]).loc[("ord", "b"), "accepts"]
    (False, False, False, True, True)
    >>> d.cells.set_index(["issue", "party"]).loc[("num", "a"), ["lo", "hi", "ideal_norm"]].tolist()
    [10.0, 40.0, 0.2]
    """
    chosen = case.resolve_parties(parties)
    state = case.at(at)
    date = case.as_of if at is None else engine.as_date(at, "at")
    cells: list[dict[str, Any]] = []
    options: list[dict[str, Any]] = []
    issues: list[dict[str, Any]] = []
    counts = dict.fromkeys(chosen, 0)
    for r, issue in enumerate(case.issues):
        n_pos = 0
        for c, p in enumerate(chosen):
            pos = state.get((p, issue.id))
            row: dict[str, Any] = {
                "issue": issue.id,
                "issue_name": issue.name,
                "row": r,
                "party": p,
                "party_name": _pname(case.party(p)),
                "column": c,
                "color_index": c,
                "scale": issue.scale,
                "k": issue.k,
                "has_position": pos is not None,
                "ideal": None,
                "ideal_label": "no position",
                "ideal_index": np.nan,
                "ideal_norm": np.nan,
                "accepts": (),
                "lo": np.nan,
                "hi": np.nan,
                "lo_norm": np.nan,
                "hi_norm": np.nan,
                "range": np.nan,
                "acceptable": "no position",
                "salience": np.nan,
                "red_line": False,
                "requires": "",
            }
            if pos is not None:
                n_pos += 1
                counts[p] += 1
                acc = pos.acceptable
                row.update(
                    ideal=float(pos.ideal) if issue.is_interval else str(pos.ideal),
                    ideal_label=issue.label(pos.ideal),
                    acceptable=issue.describe(acc),
                    salience=float(pos.salience),
                    red_line=bool(pos.red_line),
                    requires=_requires_text(case, pos),
                )
                if issue.is_interval:
                    assert isinstance(acc, Span)
                    row.update(
                        ideal_norm=_norm(issue, float(pos.ideal)),
                        lo=float(acc.lo),
                        hi=float(acc.hi),
                        lo_norm=_norm(issue, acc.lo),
                        hi_norm=_norm(issue, acc.hi),
                        range=float(acc.hi - acc.lo),
                    )
                else:
                    accepts = tuple(o in acc for o in issue.option_ids)
                    row.update(
                        ideal_index=float(issue.index(str(pos.ideal))),
                        ideal_norm=_index_norm(issue, str(pos.ideal)),
                        accepts=accepts,
                    )
                    for j, o in enumerate(issue.options):
                        options.append(
                            {
                                "issue": issue.id,
                                "party": p,
                                "option": o.id,
                                "option_index": j,
                                "option_label": o.label,
                                "acceptable": accepts[j],
                                "is_ideal": o.id == pos.ideal,
                            }
                        )
            cells.append(row)
        if issue.is_interval:
            first, last = issue.label(float(issue.min or 0)), issue.label(float(issue.max or 0))
        else:
            first, last = issue.options[0].label, issue.options[-1].label
        issues.append(
            {
                "issue": issue.id,
                "issue_name": issue.name,
                "issue_short": _ishort(issue),
                "row": r,
                "scale": issue.scale,
                "k": issue.k,
                "unit": issue.unit,
                "min": float(issue.min) if issue.min is not None else np.nan,
                "max": float(issue.max) if issue.max is not None else np.nan,
                "option_ids": issue.option_ids,
                "option_labels": tuple(o.label for o in issue.options),
                "first_label": first,
                "last_label": last,
                "n_positions": n_pos,
            }
        )
    cell_cols = [
        "issue",
        "issue_name",
        "row",
        "party",
        "party_name",
        "column",
        "color_index",
        "scale",
        "k",
        "has_position",
        "ideal",
        "ideal_label",
        "ideal_index",
        "ideal_norm",
        "accepts",
        "lo",
        "hi",
        "lo_norm",
        "hi_norm",
        "range",
        "acceptable",
        "salience",
        "red_line",
        "requires",
    ]
    opt_cols = [
        "issue",
        "party",
        "option",
        "option_index",
        "option_label",
        "acceptable",
        "is_ideal",
    ]
    issue_cols = [
        "issue",
        "issue_name",
        "issue_short",
        "row",
        "scale",
        "k",
        "unit",
        "min",
        "max",
        "option_ids",
        "option_labels",
        "first_label",
        "last_label",
        "n_positions",
    ]
    return PositionMapData(
        case=case.id,
        title=case.title,
        at=date.isoformat(),
        issues=pd.DataFrame(issues, columns=issue_cols),
        parties=_parties_frame(case, chosen, counts),
        cells=pd.DataFrame(cells, columns=cell_cols).astype(
            {"has_position": bool, "red_line": bool, "salience": float}
        ),
        options=pd.DataFrame(options, columns=opt_cols),
    )


# ------------------------------------------------------------- zone chart


@dataclass(frozen=True, eq=False)
class ZoneChartData:
    """What :func:`reports.figures.draw.plot_zone_chart` draws (see :func:`zone_chart_data`)."""

    issue: str
    issue_name: str
    scale: str
    unit: str
    min: float
    max: float
    ordered: bool
    note: str
    at: str
    options: pd.DataFrame
    parties: pd.DataFrame
    spans: pd.DataFrame
    zone_empty: bool
    zone: str
    zone_spans: tuple[tuple[float, float], ...]
    n_parties: int
    blockers: tuple[tuple[str, ...], ...]
    blocker_names: tuple[tuple[str, ...], ...]
    status_quo: float
    status_quo_label: str
    missing: tuple[str, ...] = ()


def zone_chart_data(
    case: Case,
    issue_id: str,
    *,
    at: Any = None,
    parties: Parties = None,
    show_missing: bool = True,
) -> ZoneChartData:
    """The parties' acceptable spans on one issue, and the agreement zone.

    Parameters
    ----------
    case : Case
    issue_id : str
    at : date or str, optional
        Evaluation date (default: the case's ``as_of``).
    parties : iterable of str, optional
        Party ids to show (default: all).
    show_missing : bool
        Give a column to parties without a position on the issue (default);
        when False they are left out of ``parties`` and named in ``missing``.
        Either way a party keeps its colour (``color_index`` is its place
        among the selected parties), so colours match across figures.

    Returns
    -------
    ZoneChartData
        Scalars: ``issue``, ``issue_name``, ``scale``, ``unit``, ``min``,
        ``max`` (NaN off interval scales), ``ordered`` (False on nominal
        scales, whose option order is arbitrary; ``note`` then says so),
        ``at``; the zone: ``zone_empty``, ``zone`` (readable, ``"(empty)"``),
        ``zone_spans`` (contiguous runs of the zone on the axis: option
        indices ``(first, last)`` or ``(lo, hi)`` numbers; ``()`` when
        empty), ``n_parties`` (selected parties with a position),
        ``blockers`` (the smallest sets of parties whose removal opens an
        empty zone, from :func:`engine.agreement_zones`; ``()`` when the zone
        is not empty) and ``blocker_names``; ``status_quo`` (its axis
        coordinate: option index or number; NaN when none) and
        ``status_quo_label``.

        ``options`` — ordinal/nominal only, one row per option in the
        issue's order: ``option``, ``index`` (the axis coordinate),
        ``label``, ``n_accept`` (parties with a position accepting it),
        ``rejected_by`` (tuple of the ids of those who do not),
        ``in_zone``.

        ``parties`` — one row per selected party: ``party``, ``party_name``,
        ``party_full``, ``column``, ``color_index``, ``has_position``,
        ``ideal`` (option id or number), ``ideal_x`` (axis coordinate: option
        index or number; NaN without a position), ``ideal_label``,
        ``acceptable`` (readable), ``red_line``, ``salience``, ``requires``.

        ``spans`` — one row per contiguous acceptable span: ``party``,
        ``column``, ``lo``, ``hi`` (inclusive option indices, or the
        interval's numbers). A party without a position has no span.

    Raises
    ------
    UnknownIdError
        For an unknown issue or party.

    Notes
    -----
    Zone ``Z = ∩_p A_p`` over the selected parties with a position (the
    whole scale when none has one); blockers as in
    :func:`engine.agreement_zones`. O(n · k).

    Examples
    --------
    >>> d = zone_chart_data(engine.load_case("tests/cases/tiny"), "num")
    >>> d.spans[["party", "lo", "hi"]].values.tolist()
    [['a', 10.0, 40.0], ['b', 30.0, 90.0], ['c', 50.0, 50.0]]
    >>> d.zone_empty, d.blockers
    (True, (('a',), ('c',)))
    """
    issue = case.issue(issue_id)
    chosen = case.resolve_parties(parties)
    state = case.at(at)
    date = case.as_of if at is None else engine.as_date(at, "at")
    z = engine.agreement_zones(case, at=date, parties=chosen).loc[issue.id]
    names = {p: _pname(case.party(p)) for p in chosen}
    prow: list[dict[str, Any]] = []
    spans: list[dict[str, Any]] = []
    holders: list[str] = []
    missing: list[str] = []
    column = -1
    for color, p in enumerate(chosen):
        pos = state.get((p, issue.id))
        if pos is None and not show_missing:
            missing.append(names[p])
            continue
        column += 1
        c = column
        row: dict[str, Any] = {
            "party": p,
            "party_name": names[p],
            "party_full": case.party(p).name,
            "column": c,
            "color_index": color,
            "has_position": pos is not None,
            "ideal": None,
            "ideal_x": np.nan,
            "ideal_label": "no position",
            "acceptable": "no position",
            "red_line": False,
            "salience": np.nan,
            "requires": "",
        }
        if pos is not None:
            holders.append(p)
            acc = pos.acceptable
            if issue.is_interval:
                assert isinstance(acc, Span)
                ideal: Any = float(pos.ideal)
                x = float(pos.ideal)
                spans.append({"party": p, "column": c, "lo": float(acc.lo), "hi": float(acc.hi)})
            else:
                ideal = str(pos.ideal)
                x = float(issue.index(ideal))
                idx = [issue.index(o) for o in issue.ordered(acc)]  # type: ignore[arg-type]
                for lo, hi in _runs(idx):
                    spans.append({"party": p, "column": c, "lo": float(lo), "hi": float(hi)})
            row.update(
                ideal=ideal,
                ideal_x=x,
                ideal_label=issue.label(pos.ideal),
                acceptable=issue.describe(acc),
                red_line=bool(pos.red_line),
                salience=float(pos.salience),
                requires=_requires_text(case, pos),
            )
        prow.append(row)
    empty = bool(z["empty"])
    zone_ids = tuple(z["zone_ids"])
    opt_rows: list[dict[str, Any]] = []
    if issue.is_interval:
        zone_spans: tuple[tuple[float, float], ...] = (
            () if empty else ((float(zone_ids[0]), float(zone_ids[1])),)
        )
    else:
        zone_idx = [issue.index(o) for o in zone_ids]
        zone_spans = tuple((float(a), float(b)) for a, b in _runs(zone_idx))
        for j, o in enumerate(issue.options):
            rejected = tuple(
                p
                for p in holders
                if o.id not in state[(p, issue.id)].acceptable  # type: ignore[operator]
            )
            opt_rows.append(
                {
                    "option": o.id,
                    "index": j,
                    "label": o.label,
                    "n_accept": len(holders) - len(rejected),
                    "rejected_by": rejected,
                    "in_zone": (not empty) and o.id in zone_ids,
                }
            )
    sq = issue.status_quo
    if sq is None:
        sq_x, sq_label = np.nan, ""
    elif issue.is_interval:
        sq_x, sq_label = float(sq), issue.label(float(sq))
    else:
        sq_x, sq_label = float(issue.index(str(sq))), issue.label(str(sq))
    blockers = tuple(tuple(b) for b in z["blockers"])
    party_cols = [
        "party",
        "party_name",
        "party_full",
        "column",
        "color_index",
        "has_position",
        "ideal",
        "ideal_x",
        "ideal_label",
        "acceptable",
        "red_line",
        "salience",
        "requires",
    ]
    return ZoneChartData(
        issue=issue.id,
        issue_name=issue.name,
        scale=issue.scale,
        unit=issue.unit,
        min=float(issue.min) if issue.min is not None else np.nan,
        max=float(issue.max) if issue.max is not None else np.nan,
        ordered=issue.scale != "nominal",
        note="Options of this issue have no order; their sequence here is arbitrary."
        if issue.scale == "nominal"
        else "",
        at=date.isoformat(),
        options=pd.DataFrame(
            opt_rows, columns=["option", "index", "label", "n_accept", "rejected_by", "in_zone"]
        ),
        parties=pd.DataFrame(prow, columns=party_cols).astype(
            {"has_position": bool, "red_line": bool, "salience": float, "ideal_x": float}
        ),
        spans=pd.DataFrame(spans, columns=["party", "column", "lo", "hi"]).astype(
            {"lo": float, "hi": float}
        ),
        zone_empty=empty and bool(holders),
        zone=str(z["zone"]),
        zone_spans=zone_spans,
        n_parties=int(z["n_parties"]),
        blockers=blockers,
        blocker_names=tuple(tuple(names[p] for p in b) for b in blockers),
        status_quo=sq_x,
        status_quo_label=sq_label,
        missing=tuple(missing),
    )


# ---------------------------------------------------------------- heatmap


@dataclass(frozen=True, eq=False)
class HeatmapData:
    """What :func:`reports.figures.draw.plot_heatmap` draws (see :func:`heatmap_data`)."""

    kind: str
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]
    vmin: float
    vmax: float
    cells: pd.DataFrame

    @property
    def all_nan(self) -> bool:
        """True when no cell has a value."""
        return bool(self.cells["is_nan"].all()) if len(self.cells) else True


def heatmap_data(
    matrix: pd.DataFrame, *, kind: str, names: Mapping[str, str] | None = None
) -> HeatmapData:
    """A labelled matrix in long form, ready to draw as an annotated heatmap.

    Parameters
    ----------
    matrix : DataFrame
        A party × party (or any labelled) matrix, e.g.
        :func:`engine.overlap_matrix` or :attr:`engine.Comparison.conflict_delta`.
    kind : str
        One of :data:`HEATMAP_KINDS`: ``overlap``, ``conflict``, ``gap``,
        ``distance``, ``compatible`` (values in [0, 1]) or
        ``overlap_delta``, ``conflict_delta`` (signed changes).
    names : mapping of str to str, optional
        Display names for the row and column ids (default: the ids).

    Returns
    -------
    HeatmapData
        ``kind``, ``rows``/``columns`` (ids), ``row_labels``/
        ``column_labels``, ``vmin``/``vmax`` (the colour scale: [0, 1], or
        ±the largest absolute change rounded up to a tenth, at least 0.1, for
        deltas) and ``cells``, one row per cell, rows then columns: ``row``,
        ``column`` (ids), ``row_label``, ``column_label``, ``i``, ``j``
        (0-based positions, row 0 at the top), ``value`` (float, NaN for
        missing), ``is_nan``, ``text`` (2 decimals, signed for deltas,
        ``"–"`` for NaN).

    Raises
    ------
    UnknownIdError
        For an unknown ``kind``.

    Notes
    -----
    NaN means "no position / no shared issue" (or a party present on only
    one side of a comparison): it is never drawn as 0. O(n²).

    Examples
    --------
    >>> m = engine.conflict_matrix(engine.load_case("tests/cases/tiny"))
    >>> d = heatmap_data(m, kind="conflict")
    >>> d.cells.loc[(d.cells.row == "a") & (d.cells.column == "b"), "text"].item()
    '0.30'
    """
    if kind not in HEATMAP_KINDS:
        raise UnknownIdError("heatmap kind", kind, tuple(HEATMAP_KINDS))
    names = dict(names or {})
    rows, cols = [str(r) for r in matrix.index], [str(c) for c in matrix.columns]
    values = matrix.to_numpy(dtype=float)
    signed = HEATMAP_KINDS[kind] is None
    recs = []
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            v = float(values[i, j])
            recs.append(
                {
                    "row": r,
                    "column": c,
                    "row_label": names.get(r, r),
                    "column_label": names.get(c, c),
                    "i": i,
                    "j": j,
                    "value": v,
                    "is_nan": math.isnan(v),
                    "text": format_value(v, signed=signed),
                }
            )
    limits = HEATMAP_KINDS[kind]
    if limits is None:
        finite = np.abs(values[np.isfinite(values)])
        top = float(finite.max()) if finite.size else 0.0
        lim = max(0.1, math.ceil(top * 10 - 1e-9) / 10)
        limits = (-lim, lim)
    cells = pd.DataFrame(
        recs,
        columns=[
            "row",
            "column",
            "row_label",
            "column_label",
            "i",
            "j",
            "value",
            "is_nan",
            "text",
        ],
    ).astype({"value": float, "is_nan": bool})
    return HeatmapData(
        kind=kind,
        rows=tuple(rows),
        columns=tuple(cols),
        row_labels=tuple(names.get(r, r) for r in rows),
        column_labels=tuple(names.get(c, c) for c in cols),
        vmin=float(limits[0]),
        vmax=float(limits[1]),
        cells=cells,
    )


# ------------------------------------------------------------------ graph


@dataclass(frozen=True, eq=False)
class GraphData:
    """What :func:`reports.figures.draw.plot_graph` draws (see :func:`graph_data`)."""

    rows: pd.DataFrame
    columns: pd.DataFrame
    nodes: pd.DataFrame
    edges: pd.DataFrame
    empty_cells: pd.DataFrame
    relaxation: tuple[str, ...]
    relaxation_salience: float
    relaxation_exact: bool
    at: str = ""
    title: str = ""


def _arc_height(span: int, n_columns: int) -> float:
    """Height of a conflict arc (in rows) for two positions ``span`` columns apart.

    From 0.18 (neighbours) to 0.42 (the two ends of the row): longer arcs
    rise higher, so nested arcs do not cover each other, and every arc
    stays below the row above (rows are 1 apart).
    """
    if n_columns <= 2:
        return 0.3
    return 0.18 + 0.24 * (span - 1) / (n_columns - 2)


def graph_data(G: nx.Graph, *, case: Case | None = None) -> GraphData:
    """Node and edge tables for drawing the incompatibility graph on a grid.

    Parameters
    ----------
    G : networkx.Graph
        An :func:`engine.incompatibility_graph`.
    case : Case, optional
        The case the graph was built from: gives the parties' short names
        (default: :func:`short_name` of the nodes' ``party_name``).

    Returns
    -------
    GraphData
        The layout is the position map's grid: one **row per issue** (the
        issues that have positions, in the graph's order) and one **column
        per party** (the graph's ``parties`` attribute, else the parties in
        node order). Coordinates are ``x = column`` and ``y = row`` (row 0 at
        the top: figures invert the y axis).

        ``rows`` — ``issue``, ``issue_name``, ``row``, ``n_positions``,
        ``n_conflicts``.

        ``columns`` — ``party``, ``party_name`` (short), ``party_full``,
        ``column``, ``color_index``, ``n_positions``.

        ``nodes`` — one per position, graph order: ``node`` (``"party:issue"``),
        ``party``, ``party_name``, ``issue``, ``issue_name``, ``row``,
        ``column``, ``x``, ``y``, ``color_index``, ``salience``,
        ``red_line``, ``ideal_label``, ``acceptable``, ``conflict_degree``,
        ``conflict_strength`` (Σ weights of its conflict edges),
        ``linkage_degree``, ``relax`` (in the cheapest set of positions to
        relax, :func:`engine.cheapest_relaxation`).

        ``edges`` — conflict edges first (by row, then left end, then span),
        then linkage edges: ``u``, ``v`` (u the left/upper end), ``kind``
        (``conflict``/``linkage``), ``issue`` (conflicts; ``""`` for
        linkages), ``weight`` (conflict = gap · (s_p + s_q)/2; 0 for
        linkages), ``gap``, ``x0``, ``y0``, ``x1``, ``y1``, ``span``
        (columns apart), ``height`` (conflict arcs: how far the arc rises
        above its row, in rows; see Notes; 0 for linkages), ``condition``
        (linkages: ``"holder if issue: ids"``).

        ``empty_cells`` — grid cells without a position: ``issue``,
        ``party``, ``row``, ``column``.

        ``relaxation``, ``relaxation_salience``, ``relaxation_exact``: the
        cheapest relaxation's node ids, total salience and exactness.

    Notes
    -----
    Why this layout: conflict edges only ever join positions on the *same*
    issue, so a force-directed layout would merely rediscover the issues as
    clusters, place them differently on every change of the data, and
    scatter the labels. Fixing issues as rows and parties as columns makes
    every node's meaning readable from the margins, keeps the picture
    identical to the position map (a reader can lay one over the other),
    and makes two cases — or two dates — comparable at a glance. Conflicts
    become arcs over their issue's row (an arc diagram per issue): an arc
    of a pair ``span`` columns apart rises ``0.18 + 0.24 · (span − 1) /
    (n − 2)`` rows, so longer arcs enclose shorter ones and never reach the
    row above. Linkage edges are the only lines between rows, drawn
    dashed. Deterministic: no randomness, no iteration. O(N + E).

    Examples
    --------
    >>> d = graph_data(engine.incompatibility_graph(engine.load_case("tests/cases/tiny")))
    >>> d.nodes.set_index("node").loc["c:num", ["row", "column"]].tolist()
    [2, 2]
    >>> d.edges.loc[d.edges.kind == "conflict", ["u", "v", "span"]].values.tolist()
    [['a:ord', 'b:ord', 1], ['a:nom', 'b:nom', 1], ['a:num', 'c:num', 2]]
    >>> d.relaxation
    ('a:ord', 'b:nom', 'c:num')
    """
    nodes_in = list(G.nodes(data=True))
    issues: list[str] = []
    issue_names: dict[str, str] = {}
    party_order: list[str] = []
    party_full: dict[str, str] = {}
    party_short: dict[str, str] = {}
    for _, d in nodes_in:
        i, p = str(d.get("issue", "")), str(d.get("party", ""))
        if i not in issue_names:
            issues.append(i)
            issue_names[i] = str(d.get("issue_name", i))
        if p not in party_full:
            party_order.append(p)
        party_full[p] = str(d.get("party_name", p))
        party_short[p] = str(d.get("party_short", "")) or short_name(party_full[p])
    declared = str(G.graph.get("parties", "")).split()
    parties = declared + [p for p in party_order if p not in declared] if declared else party_order
    row_of = {i: r for r, i in enumerate(issues)}
    col_of = {p: c for c, p in enumerate(parties)}
    known = set(case.party_ids) if case is not None else set()
    label = {
        p: _pname(case.party(p))
        if case is not None and p in known
        else party_short.get(p, short_name(party_full.get(p, p)))
        for p in parties
    }
    n_cols = len(parties)

    centrality = engine.position_centrality(G) if nodes_in else None
    relax = engine.cheapest_relaxation(G) if nodes_in else None
    relaxed = set(relax.positions) if relax is not None else set()

    nodes = []
    for v, d in nodes_in:
        i, p = str(d.get("issue", "")), str(d.get("party", ""))
        cen = centrality.loc[v] if centrality is not None else None
        nodes.append(
            {
                "node": str(v),
                "party": p,
                "party_name": label[p],
                "issue": i,
                "issue_name": issue_names[i],
                "row": row_of[i],
                "column": col_of[p],
                "x": float(col_of[p]),
                "y": float(row_of[i]),
                "color_index": col_of[p],
                "salience": float(d.get("salience", 0.5)),
                "red_line": bool(d.get("red_line", False)),
                "ideal_label": str(d.get("ideal_label", "")),
                "acceptable": str(d.get("acceptable", "")),
                "conflict_degree": int(cen["conflict_degree"]) if cen is not None else 0,
                "conflict_strength": float(cen["conflict_strength"]) if cen is not None else 0.0,
                "linkage_degree": int(cen["linkage_degree"]) if cen is not None else 0,
                "relax": str(v) in relaxed,
            }
        )
    node_cols = [
        "node",
        "party",
        "party_name",
        "issue",
        "issue_name",
        "row",
        "column",
        "x",
        "y",
        "color_index",
        "salience",
        "red_line",
        "ideal_label",
        "acceptable",
        "conflict_degree",
        "conflict_strength",
        "linkage_degree",
        "relax",
    ]
    nodes_df = pd.DataFrame(nodes, columns=node_cols)
    where = {r["node"]: (r["column"], r["row"]) for r in nodes}

    conflicts, linkages = [], []
    for a, b, d in G.edges(data=True):
        (ca, ra), (cb, rb) = where[str(a)], where[str(b)]
        u, v = (str(a), str(b)) if (ra, ca) <= (rb, cb) else (str(b), str(a))
        (cu, ru), (cv, rv) = where[u], where[v]
        kind = str(d.get("kind", "conflict"))
        span = abs(cv - cu)
        rec = {
            "u": u,
            "v": v,
            "kind": kind,
            "issue": str(d.get("issue", "")) if kind == "conflict" else "",
            "weight": float(d.get("weight", 0.0)),
            "gap": float(d.get("gap", np.nan)),
            "x0": float(cu),
            "y0": float(ru),
            "x1": float(cv),
            "y1": float(rv),
            "span": span,
            "height": _arc_height(span, n_cols) if kind == "conflict" else 0.0,
            "condition": str(d.get("condition", "")),
        }
        (conflicts if kind == "conflict" else linkages).append(rec)
    conflicts.sort(key=lambda e: (e["y0"], e["x0"], e["span"], e["x1"]))
    linkages.sort(key=lambda e: (e["y0"], e["x0"], e["y1"], e["x1"]))
    edge_cols = [
        "u",
        "v",
        "kind",
        "issue",
        "weight",
        "gap",
        "x0",
        "y0",
        "x1",
        "y1",
        "span",
        "height",
        "condition",
    ]
    edges_df = pd.DataFrame(conflicts + linkages, columns=edge_cols).astype(
        {"weight": float, "gap": float, "span": int, "height": float}
    )

    per_row = nodes_df.groupby("issue").size() if len(nodes_df) else pd.Series(dtype=int)
    conf_row = (
        edges_df[edges_df.kind == "conflict"].groupby("issue").size()
        if len(edges_df)
        else pd.Series(dtype=int)
    )
    rows_df = pd.DataFrame(
        [
            {
                "issue": i,
                "issue_name": issue_names[i],
                "row": r,
                "n_positions": int(per_row.get(i, 0)),
                "n_conflicts": int(conf_row.get(i, 0)),
            }
            for r, i in enumerate(issues)
        ],
        columns=["issue", "issue_name", "row", "n_positions", "n_conflicts"],
    )
    per_col = nodes_df.groupby("party").size() if len(nodes_df) else pd.Series(dtype=int)
    cols_df = pd.DataFrame(
        [
            {
                "party": p,
                "party_name": label[p],
                "party_full": party_full.get(p, p),
                "column": c,
                "color_index": c,
                "n_positions": int(per_col.get(p, 0)),
            }
            for c, p in enumerate(parties)
        ],
        columns=["party", "party_name", "party_full", "column", "color_index", "n_positions"],
    )
    present = set(where)
    empty = [
        {"issue": i, "party": p, "row": r, "column": c}
        for r, i in enumerate(issues)
        for c, p in enumerate(parties)
        if f"{p}:{i}" not in present
    ]
    return GraphData(
        rows=rows_df,
        columns=cols_df,
        nodes=nodes_df,
        edges=edges_df,
        empty_cells=pd.DataFrame(empty, columns=["issue", "party", "row", "column"]),
        relaxation=tuple(relax.positions) if relax is not None else (),
        relaxation_salience=float(relax.total_salience) if relax is not None else 0.0,
        relaxation_exact=bool(relax.exact) if relax is not None else True,
        at=str(G.graph.get("at", "")),
        title=str(G.graph.get("title", "")),
    )


# --------------------------------------------------------------- timeline

#: Zone states of :func:`timeline_data`.
ZONE_STATES = ("open", "empty", "not compared")
#: Change kinds counted by :func:`timeline_data` (engine.analysis.history.CHANGE_KINDS).
CHANGE_KINDS = ("softened", "hardened", "moved", "new", "withdrawn", "other")


@dataclass(frozen=True, eq=False)
class TimelineData:
    """What the timeline figures draw (see :func:`timeline_data`)."""

    snapshots: pd.DataFrame
    zones: pd.DataFrame
    changes: pd.DataFrame
    counts: pd.DataFrame
    issues: pd.DataFrame
    parties: pd.DataFrame


def timeline_data(case: Case, *, parties: Parties = None) -> TimelineData:
    """Conflict, agreement zones and position changes at each snapshot.

    Parameters
    ----------
    case : Case
    parties : iterable of str, optional
        Party ids to include (default: all).

    Returns
    -------
    TimelineData
        ``snapshots`` — one row per snapshot in date order
        (:func:`engine.timeline`): ``snapshot``, ``position`` (0, 1, … — the
        x coordinate; snapshots are evenly spaced, not to time scale),
        ``date`` (ISO), ``label``, ``total_conflict``,
        ``issues_with_positions``, ``issues_compared``, ``open_zones``,
        ``mean_overlap``, ``n_changes`` (position changes arriving at it).

        ``zones`` — snapshot × issue (:func:`engine.issue_timeline`):
        ``snapshot``, ``position``, ``issue``, ``issue_name``, ``row``
        (issue's row, 0 at the top), ``n_parties``, ``total_conflict``,
        ``state`` — ``"open"`` (two or more positions and a non-empty zone),
        ``"empty"`` (two or more, no zone) or ``"not compared"`` (fewer than
        two positions).

        ``changes`` — one row per position change
        (:func:`engine.position_changes`): ``party``, ``party_name``,
        ``issue``, ``issue_name``, ``from_snapshot``, ``to_snapshot``,
        ``position`` (of ``to_snapshot``), ``date``, ``kind`` (``softened``,
        ``hardened``, ``moved``, ``new``, ``withdrawn``, ``other``),
        ``direction`` (+1 softened, −1 hardened, 0 otherwise), ``before``,
        ``after``.

        ``counts`` — snapshot × party (every pair, zeros included):
        ``snapshot``, ``position``, ``party``, ``party_name``, ``row``,
        ``color_index`` and one count column per change kind.

        ``issues`` and ``parties`` — the rows (``issue``, ``issue_name``,
        ``issue_short``, ``row``) and the parties (``party``, ``party_name``, ``row``,
        ``color_index``).

    Notes
    -----
    The formulas are those of :func:`engine.timeline` (total conflict
    Σ_i Σ_{p<q} gap · (s_p + s_q)/2) and :func:`engine.position_changes`
    (softened: acceptable set widened or red line dropped; hardened: the
    reverse). O(T · m · n² · k).

    Examples
    --------
    >>> d = timeline_data(engine.load_case("tests/cases/tiny"))
    >>> d.snapshots[["snapshot", "total_conflict"]].round(12).values.tolist()
    [['early', 0.79], ['late', 0.565]]
    >>> d.changes[["party", "issue", "to_snapshot", "kind", "direction"]].values.tolist()
    [['a', 'ord', 'late', 'softened', 1]]
    """
    chosen = case.resolve_parties(parties)
    names = {p: _pname(case.party(p)) for p in chosen}
    tl = engine.timeline(case, parties=chosen)
    it = engine.issue_timeline(case, parties=chosen)
    ch = engine.position_changes(case, parties=chosen)
    pos_of = {s: k for k, s in enumerate(tl.index)}
    row_of = {i: r for r, i in enumerate(case.issue_ids)}
    snaps = tl.reset_index()
    snaps.insert(1, "position", np.arange(len(snaps), dtype=int))
    snaps["date"] = [pd.Timestamp(d).date().isoformat() for d in snaps["date"]]
    n_changes = ch.groupby("to_snapshot").size() if len(ch) else pd.Series(dtype=int)
    snaps["n_changes"] = [int(n_changes.get(s, 0)) for s in snaps["snapshot"]]

    zrows = []
    for (s, i), r in it.iterrows():
        n = int(r["n_parties"])
        state = "not compared" if n < 2 else ("empty" if bool(r["zone_empty"]) else "open")
        zrows.append(
            {
                "snapshot": s,
                "position": pos_of[s],
                "issue": i,
                "issue_name": case.issue(i).name,
                "row": row_of[i],
                "n_parties": n,
                "total_conflict": float(r["total_conflict"]),
                "state": state,
            }
        )
    zones = pd.DataFrame(
        zrows,
        columns=[
            "snapshot",
            "position",
            "issue",
            "issue_name",
            "row",
            "n_parties",
            "total_conflict",
            "state",
        ],
    )

    crows = []
    for _, r in ch.iterrows():
        kind = str(r["kind"])
        crows.append(
            {
                "party": r["party"],
                "party_name": names[r["party"]],
                "issue": r["issue"],
                "issue_name": case.issue(r["issue"]).name,
                "from_snapshot": r["from_snapshot"],
                "to_snapshot": r["to_snapshot"],
                "position": pos_of[r["to_snapshot"]],
                "date": pd.Timestamp(r["to_date"]).date().isoformat(),
                "kind": kind,
                "direction": 1 if kind == "softened" else -1 if kind == "hardened" else 0,
                "before": r["before"],
                "after": r["after"],
            }
        )
    changes = pd.DataFrame(
        crows,
        columns=[
            "party",
            "party_name",
            "issue",
            "issue_name",
            "from_snapshot",
            "to_snapshot",
            "position",
            "date",
            "kind",
            "direction",
            "before",
            "after",
        ],
    )

    counts = []
    for s, k in pos_of.items():
        for r, p in enumerate(chosen):
            sub = (
                changes[(changes.to_snapshot == s) & (changes.party == p)]
                if len(changes)
                else changes
            )
            rec: dict[str, Any] = {
                "snapshot": s,
                "position": k,
                "party": p,
                "party_name": names[p],
                "row": r,
                "color_index": r,
            }
            for kind in CHANGE_KINDS:
                rec[kind] = int((sub["kind"] == kind).sum()) if len(sub) else 0
            counts.append(rec)
    counts_df = pd.DataFrame(
        counts,
        columns=[
            "snapshot",
            "position",
            "party",
            "party_name",
            "row",
            "color_index",
            *CHANGE_KINDS,
        ],
    )
    return TimelineData(
        snapshots=snaps,
        zones=zones,
        changes=changes,
        counts=counts_df,
        issues=pd.DataFrame(
            [
                {"issue": i.id, "issue_name": i.name, "issue_short": _ishort(i), "row": r}
                for r, i in enumerate(case.issues)
            ],
            columns=["issue", "issue_name", "issue_short", "row"],
        ),
        parties=pd.DataFrame(
            [
                {"party": p, "party_name": names[p], "row": r, "color_index": r}
                for r, p in enumerate(chosen)
            ],
            columns=["party", "party_name", "row", "color_index"],
        ),
    )


# ------------------------------------------------------------- settlement


@dataclass(frozen=True, eq=False)
class SettlementData:
    """What :func:`reports.figures.draw.plot_settlement` draws (see :func:`settlement_data`)."""

    objectives: pd.DataFrame
    costs: pd.DataFrame
    outcomes: pd.DataFrame
    red_lines: pd.DataFrame
    parties: pd.DataFrame = field(default_factory=pd.DataFrame)


def _names_from(case: Case | None, names: Mapping[str, str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    if case is not None:
        out.update({p.id: _pname(p) for p in case.parties})
        out.update({i.id: i.name for i in case.issues})
    out.update(names or {})
    return out


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
    >>> case = engine.load_case("tests/cases/tiny")
    >>> from engine.solve.settlement import settle
    >>> d = settlement_data({"total": settle(case)}, case=case)
    >>> d.costs[["party", "cost"]].round(6).values.tolist()
    [['a', 0.2], ['b', 0.2], ['c', 0.02]]
    """
    label_of = _names_from(case, names)
    party_order: list[str] = []
    for s in settlements.values():
        party_order += [p for p in s.parties if p not in party_order]
    row_of = {p: r for r, p in enumerate(party_order)}
    objectives, costs, outcomes, red = [], [], [], []

    def nan(x: float | None) -> float:
        return float("nan") if x is None else float(x)

    for label, s in settlements.items():
        objectives.append(
            {
                "label": label,
                "objective": s.objective,
                "feasible": bool(s.feasible),
                "status": s.status,
                "total_cost": nan(s.total_cost),
                "max_cost": nan(s.max_cost),
                "objective_value": nan(s.objective_value),
                "n_concessions": sum(1 for c in s.concessions if c.cost > 0),
                "red_lines": " ".join(f"{r.party}:{r.issue}" for r in s.conflicting_red_lines),
            }
        )
        for p in s.parties:
            costs.append(
                {
                    "label": label,
                    "objective": s.objective,
                    "party": p,
                    "party_name": label_of.get(p, p),
                    "row": row_of[p],
                    "cost": float(s.party_costs.get(p, 0.0)) if s.feasible else float("nan"),
                    "utility": nan(s.utilities.get(p)),
                    "status_quo_utility": nan(s.status_quo_utilities.get(p)),
                    "feasible": bool(s.feasible),
                }
            )
        if s.feasible:
            frame = s.to_frame()
            for i, r in frame.iterrows():
                outcomes.append(
                    {
                        "label": label,
                        "issue": i,
                        "issue_name": label_of.get(str(i), str(i)),
                        "outcome": r["outcome"],
                        "outcome_label": r["label"],
                        "cost": float(r["cost"]),
                        "conceding": r["conceding"],
                    }
                )
        for r in s.conflicting_red_lines:
            red.append(
                {
                    "label": label,
                    "party": r.party,
                    "party_name": label_of.get(r.party, r.party),
                    "issue": r.issue,
                    "issue_name": label_of.get(r.issue, r.issue),
                    "description": r.description,
                }
            )
    return SettlementData(
        objectives=pd.DataFrame(
            objectives,
            columns=[
                "label",
                "objective",
                "feasible",
                "status",
                "total_cost",
                "max_cost",
                "objective_value",
                "n_concessions",
                "red_lines",
            ],
        ),
        costs=pd.DataFrame(
            costs,
            columns=[
                "label",
                "objective",
                "party",
                "party_name",
                "row",
                "cost",
                "utility",
                "status_quo_utility",
                "feasible",
            ],
        ).astype({"cost": float, "utility": float, "status_quo_utility": float}),
        outcomes=pd.DataFrame(
            outcomes,
            columns=[
                "label",
                "issue",
                "issue_name",
                "outcome",
                "outcome_label",
                "cost",
                "conceding",
            ],
        ),
        red_lines=pd.DataFrame(
            red, columns=["label", "party", "party_name", "issue", "issue_name", "description"]
        ),
        parties=pd.DataFrame(
            [{"party": p, "party_name": label_of.get(p, p), "row": r} for p, r in row_of.items()],
            columns=["party", "party_name", "row"],
        ),
    )


# ------------------------------------------------------------------ delta


@dataclass(frozen=True, eq=False)
class DeltaData:
    """What :func:`reports.figures.draw.plot_delta` draws (see :func:`delta_data`)."""

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
    >>> case = engine.load_case("tests/cases/tiny")
    >>> new = engine.apply(case, case.scenario("b-softens"))
    >>> from engine.whatif.compare import compare
    >>> d = delta_data(compare(case, new), case=case)
    >>> d.opened, float(d.issues.set_index("issue").loc["ord", "delta"])
    (('ord',), -0.225)
    """
    label_of = _names_from(case, names)
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
