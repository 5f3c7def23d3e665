"""Decide exchange-model CSV files as cases (see :mod:`engine.io.importers` for the mapping)."""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.io.importers.common import (
    FileProblems,
    Ids,
    Meta,
    Stance,
    file_source,
    import_meta,
    imported_case,
    number_text,
    parse_number,
    party_statement,
    read_text,
    slugify,
    tolerance_text,
    widen,
)
from engine.io.importers.csvrows import Row, csv_rows, lines, trim
from engine.model.case import Acceptable, Case, Issue, Option, OptionSet, Party, Source, Statement
from engine.model.errors import unknown_message

__all__ = ["read_decide"]

_DECIDE_KINDS = ("#A", "#P", "#M", "#D", "#O", "#/", "#0")
#: Fields after the row kind, for each kind (the last one absorbs any extra fields).
_DECIDE_FIELDS = {
    "#A": ("actor", "name", "comment"),
    "#P": ("issue", "name", "description"),
    "#M": ("issue", "position", "description"),
    "#D": ("actor", "issue", "position", "salience", "power", "comment"),
}
_DECIDE_REQUIRED = {"#A": 1, "#P": 1, "#M": 2, "#D": 5}


def read_decide(
    path: str | os.PathLike[str],
    *,
    as_of: Any,
    source_url: str,
    title: str | None = None,
    publisher: str | None = None,
    source_date: Any = None,
    tolerance: float | None = None,
    encoding: str = "utf-8",
) -> Case:
    """Read a Decide exchange-model CSV file as a case.

    Parameters
    ----------
    path : str or path
        The CSV file (tab-, ``;``- or ``,``-separated, fields optionally
        quoted with ``'`` or ``"``; the first ``#`` row tells which).
    as_of, source_url, title, publisher, source_date, tolerance, encoding
        As for :func:`read_ktab`; the default title is the ``#O`` row, else
        the file name. ``tolerance`` is in the issue's own units.

    Returns
    -------
    Case
        One issue per ``#P`` row (ordinal or interval, see Notes), one party
        per ``#A`` row.

    Raises
    ------
    CaseError
        Every problem, located: unknown actor or issue keys in ``#D`` or
        ``#M`` rows (with a did-you-mean), keys defined twice, two ``#D``
        rows for one actor and issue, malformed numbers, positions outside
        the issue's range, salience or power outside [0, 1], missing fields,
        unknown row kinds.

    Notes
    -----
    ``ideal`` = position; ``acceptable`` = the ideal alone (or the points
    within ``tolerance``); ``salience`` as given (0–1); ``weight`` = the
    actor's power (its mean if it differs between issues). Scale: ordinal
    when the ``#M`` points are given and every position is one of them (the
    options are the points, labelled by their descriptions), else interval
    on the ``#M`` range (Decide's default 0–100 without ``#M`` rows).

    Examples
    --------
    >>> case = read_decide("tests/data/import/decide/summit.csv", as_of="2009-10-28",
    ...                    source_url="https://example.org/summit")
    >>> [(i.id, i.scale) for i in case.issues]
    [('legal', 'ordinal'), ('finance', 'interval'), ('mrv', 'interval')]
    >>> [o.label for o in case.issue("legal").options]
    ['No agreement', 'Non-binding pledges', 'Binding targets']
    >>> pos = case.at()[("south", "legal")]
    >>> pos.ideal, sorted(pos.acceptable), pos.salience, case.party("south").weight
    ('p100', ['p100'], 0.6, 0.3)
    """
    meta = import_meta(as_of, source_url, title, publisher, source_date, tolerance)
    p, data, text, probs = read_text(path, encoding)
    rows = _decide_rows(text, probs)
    titles = [" ".join(r.values) for r in rows if r.kind == "#O" and r.values]
    table = _table(rows, probs)
    probs.raise_if_any()
    src = file_source(p, data, "Decide", "input file", meta, Ids())
    scales = _scales(table)
    parties, statements = _parties(table, scales, src, meta, p)
    issues = list(scales.issues.values())
    return imported_case(
        slugify(p.stem, "case"),
        meta.title or (titles[0] if titles else p.stem),
        meta,
        (parties, issues, (src,), statements),
        _description(p, titles, len(parties), issues, meta),
    )


# ------------------------------------------------------------------------ rows


@dataclass
class _DRow:
    row: Row
    kind: str
    values: tuple[str, ...]

    def col(self, i: int) -> int:
        return self.row.col(i + 1)

    @property
    def line(self) -> int:
        return self.row.line


def _decide_dialect(text: str, probs: FileProblems) -> tuple[str, str] | None:
    """(delimiter, quote character) from the first row that starts with ``#X``."""
    for n, line in enumerate(lines(text), 1):
        m = re.match(r"\s*(['\"]?)#[A-Za-z0-9/]\1([\t;,|])", line)
        if m:
            return m.group(2), (m.group(1) or '"')
        if line.strip() and n > 50:
            break
    probs.add(
        1,
        1,
        "",
        "not a Decide file: its rows start with #A (actor), #P (issue), #M (scale point), "
        "#D (actor × issue), #O or #/ followed by a tab, ';' or ','",
    )
    return None


def _decide_rows(text: str, probs: FileProblems) -> list[_DRow]:
    """The file's rows, each with its kind and values; unknown kinds and short rows are problems."""
    dialect = _decide_dialect(text, probs)
    probs.raise_if_any()
    assert dialect is not None
    delimiter, quote = dialect
    rows: list[_DRow] = []
    for row in csv_rows(text, delimiter, quote, probs, skip_space=delimiter != "\t"):
        fields = trim(row.fields)
        if fields and (drow := _decide_row(row, fields, probs)) is not None:
            rows.append(drow)
    return rows


def _decide_row(row: Row, fields: tuple[str, ...], probs: FileProblems) -> _DRow | None:
    """One non-empty row, or ``None`` when its kind is unknown or it lacks a field (recorded)."""
    kind = fields[0]
    if kind not in _DECIDE_KINDS:
        probs.add(
            row.line,
            row.col(0),
            "",
            f"'{kind}' is not a Decide row kind; rows start with #A (actor), #P (issue), "
            "#M (scale point), #D (actor × issue), #O (title), #/ or #0 (comment)",
        )
        return None
    values = fields[1:]
    names = _DECIDE_FIELDS.get(kind)
    if names is not None:
        if len(values) < _DECIDE_REQUIRED[kind]:
            missing = names[len(values) : _DECIDE_REQUIRED[kind]]
            probs.add(
                row.line,
                row.end,
                f"{kind}.{missing[0]}",
                f"this {kind} row has {len(values)} value{'s' if len(values) != 1 else ''}; "
                f"missing: {', '.join(missing)} (a {kind} row is: {', '.join(names)})",
            )
            return None
        if len(values) > len(names):  # Decide joins the extra fields into the last one
            values = (*values[: len(names) - 1], " ".join(values[len(names) - 1 :]))
    return _DRow(row, kind, values)


# ----------------------------------------------------------------------- table


@dataclass(frozen=True)
class _Cell:
    """One ``#D`` row: an actor's position, salience and power on an issue."""

    position: float
    salience: float
    power: float
    row: _DRow


@dataclass(frozen=True)
class _Table:
    """The file's content by key: actors, issues, scale points, ranges and ``#D`` cells."""

    actors: dict[str, _DRow]
    issues: dict[str, _DRow]
    points: dict[str, dict[float, tuple[str, _DRow]]]
    ranges: dict[str, tuple[float, float]]
    cells: dict[tuple[str, str], _Cell]


def _table(rows: list[_DRow], probs: FileProblems) -> _Table:
    """Actors, issues, scale points and cells, with every problem of their rows recorded."""
    actors, issues = _keyed(rows, probs)
    points = _scale_points(rows, issues, probs)
    ranges = _ranges(points, probs)
    table = _Table(actors, issues, points, ranges, {})
    for r in rows:
        if r.kind == "#D":
            _add_cell(table, r, probs)
    return table


def _keyed(rows: list[_DRow], probs: FileProblems) -> tuple[dict[str, _DRow], dict[str, _DRow]]:
    """The ``#A`` and ``#P`` rows by key (a key defined twice is a problem)."""
    actors: dict[str, _DRow] = {}
    issues: dict[str, _DRow] = {}
    for r in rows:
        if r.kind not in ("#A", "#P"):
            continue
        table, what = (actors, "actor") if r.kind == "#A" else (issues, "issue")
        key = r.values[0]
        if not key:
            probs.add(r.line, r.col(0), f"{r.kind}.{what}", f"the {what} key is empty")
        elif key in table:
            probs.add(
                r.line,
                r.col(0),
                f"{r.kind}.{what}",
                f"{what} '{key}' is already defined on line {table[key].line}; define each {what} once",
            )
        else:
            table[key] = r
    if not actors:
        probs.add(1, 1, "", "no actors: a Decide file defines its actors in #A rows")
    if not issues:
        probs.add(1, 1, "", "no issues: a Decide file defines its issues in #P rows")
    return actors, issues


def _scale_points(
    rows: list[_DRow], issues: dict[str, _DRow], probs: FileProblems
) -> dict[str, dict[float, tuple[str, _DRow]]]:
    """Issue key -> its ``#M`` points (value -> description and row)."""
    points: dict[str, dict[float, tuple[str, _DRow]]] = {k: {} for k in issues}
    for r in rows:
        if r.kind != "#M":
            continue
        key, raw = r.values[0], r.values[1]
        desc = r.values[2] if len(r.values) > 2 else ""
        if key not in issues:
            probs.add(r.line, r.col(0), "#M.issue", unknown_message("issue", key, list(issues)))
            continue
        x = parse_number(raw)
        if x is None:
            probs.add(r.line, r.col(1), "#M.position", f"expected a number, got {raw!r}")
            continue
        if x in points[key]:
            probs.add(
                r.line,
                r.col(1),
                "#M.position",
                f"issue '{key}' already has a scale point {number_text(x)} (line {points[key][x][1].line})",
            )
            continue
        points[key][x] = (desc, r)
    return points


def _ranges(
    points: dict[str, dict[float, tuple[str, _DRow]]], probs: FileProblems
) -> dict[str, tuple[float, float]]:
    """Issue key -> (lowest, highest) ``#M`` point, 0–100 without points; one point is a problem."""
    ranges: dict[str, tuple[float, float]] = {}
    for key, pts in points.items():
        if len(pts) == 1:
            (x, (_, r)), *_ = pts.items()
            probs.add(
                r.line,
                r.col(1),
                "#M.position",
                f"issue '{key}' has a single scale point ({number_text(x)}), so its range is empty; give at "
                "least two #M points (its lowest and highest positions) or none (0–100)",
            )
        elif pts:
            ranges[key] = (min(pts), max(pts))
        else:
            ranges[key] = (0.0, 100.0)
    return ranges


def _add_cell(table: _Table, r: _DRow, probs: FileProblems) -> None:
    """Check one ``#D`` row and add it to ``table.cells`` when it is valid."""
    actor, issue, *nums = r.values[:5]
    ok = True
    if actor not in table.actors:
        probs.add(
            r.line, r.col(0), "#D.actor", unknown_message("actor", actor, list(table.actors))
        )
        ok = False
    if issue not in table.issues:
        probs.add(
            r.line, r.col(1), "#D.issue", unknown_message("issue", issue, list(table.issues))
        )
        ok = False
    parsed, numbers_ok = _cell_numbers(r, nums, probs)
    ok = numbers_ok and ok
    if not _in_range(table, r, issue, nums[0], probs):
        ok = False
    if ok and (actor, issue) in table.cells:
        probs.add(
            r.line,
            r.col(0),
            "#D",
            f"actor '{actor}' already has a position on issue '{issue}' (line "
            f"{table.cells[(actor, issue)].row.line}); give one #D row per actor and issue",
        )
        ok = False
    if ok:
        table.cells[(actor, issue)] = _Cell(parsed[0], parsed[1], parsed[2], r)


def _cell_numbers(r: _DRow, nums: list[str], probs: FileProblems) -> tuple[list[float], bool]:
    """Position, salience and power of a ``#D`` row (0 where invalid), and whether all are valid."""
    ok = True
    parsed: list[float] = []
    for j, (name, raw) in enumerate(zip(("position", "salience", "power"), nums, strict=True)):
        x = parse_number(raw)
        if x is None:
            probs.add(
                r.line, r.col(2 + j), f"#D.{name}", f"expected a number ({name}), got {raw!r}"
            )
            ok = False
        elif name != "position" and not 0 <= x <= 1:
            probs.add(
                r.line,
                r.col(2 + j),
                f"#D.{name}",
                f"{name} {raw} is outside Decide's range; allowed: 0 to 1",
            )
            ok = False
        parsed.append(x if x is not None else 0.0)
    return parsed, ok


def _in_range(table: _Table, r: _DRow, issue: str, raw: str, probs: FileProblems) -> bool:
    """False (and a problem) when a ``#D`` position lies outside its issue's range."""
    pos = parse_number(raw)
    if pos is None or issue not in table.ranges:
        return True
    lo, hi = table.ranges[issue]
    if lo <= pos <= hi:
        return True
    how = "its #M points" if table.points.get(issue) else "Decide's default without #M rows"
    probs.add(
        r.line,
        r.col(2),
        "#D.position",
        f"{raw} is outside issue '{issue}''s range; allowed: {number_text(lo)} to {number_text(hi)} ({how})",
    )
    return False


# ---------------------------------------------------------------------- issues


@dataclass(frozen=True)
class _Scales:
    """The issues by Decide key, and each ordinal issue's option id by scale point."""

    issues: dict[str, Issue]
    value_of: dict[str, dict[float, str]]


def _scales(table: _Table) -> _Scales:
    """An issue per ``#P`` row: ordinal when every position is one of its ``#M`` points."""
    issue_ids = Ids()
    out = _Scales({}, {})
    for key, r in table.issues.items():
        name = (r.values[1] if len(r.values) > 1 else "") or key
        desc = r.values[2] if len(r.values) > 2 else ""
        desc = desc if desc and desc != name else ""
        iid = issue_ids.new(key, "issue")
        short = key if key != name and len(key) <= 24 else ""
        pts = dict(sorted(table.points[key].items()))
        used = {c.position for (a, i), c in table.cells.items() if i == key}
        if len(pts) >= 2 and used <= set(pts):
            out.value_of[key] = {}
            options = _ordinal_options(pts, out.value_of[key])
            description = (
                _sentence(desc) + "Ordinal: every position is one of the #M scale points."
            )
            out.issues[key] = Issue(
                iid, name, "ordinal", options, description=description, short=short
            )
        else:
            lo, hi = table.ranges[key]
            description = _sentence(desc) + _interval_note(pts, lo, hi) + "."
            out.issues[key] = Issue(
                iid,
                name,
                "interval",
                unit="points",
                min=lo,
                max=hi,
                description=description,
                short=short,
            )
    return out


def _ordinal_options(
    pts: dict[float, tuple[str, _DRow]], value_of: dict[float, str]
) -> tuple[Option, ...]:
    """One option per scale point, in order (``value_of`` gets each point's option id)."""
    opt_ids = Ids()
    options = []
    for x, (label, _) in pts.items():
        oid = opt_ids.new(_point_id(x), "p")
        value_of[x] = oid
        options.append(
            Option(oid, label or number_text(x), f"Decide scale point {number_text(x)}")
        )
    return tuple(options)


def _interval_note(pts: dict[float, tuple[str, _DRow]], lo: float, hi: float) -> str:
    """Where an interval issue's range comes from, and its labelled points."""
    labelled = [f"{number_text(x)} = {d}" for x, (d, _) in pts.items() if d]
    scale_note = (
        f"Interval {number_text(lo)}–{number_text(hi)} from the #M points"
        if pts
        else "Interval 0–100 (Decide's default: no #M points)"
    )
    if labelled:
        scale_note += "; scale points: " + "; ".join(labelled)
    return scale_note


def _sentence(text: str) -> str:
    """``text`` as a sentence followed by a space (``""`` stays empty)."""
    text = text.strip()
    if not text:
        return ""
    return text + (" " if text[-1] in ".!?" else ". ")


def _point_id(x: float) -> str:
    """Option id of a Decide scale point: ``p0``, ``p12_5``, ``pminus10``."""
    return "p" + number_text(x).replace("-", "minus").replace("+", "").replace(".", "_")


# --------------------------------------------------------------------- parties


def _parties(
    table: _Table, scales: _Scales, src: Source, meta: Meta, p: Path
) -> tuple[list[Party], list[Statement]]:
    """A party per ``#A`` row, and a statement for each party with ``#D`` rows."""
    pids = Ids()
    key_of = {key: issue.id for key, issue in scales.issues.items()}
    parties: list[Party] = []
    statements: list[Statement] = []
    for key, r in table.actors.items():
        pid = pids.new(key, "actor")
        name = (r.values[1] if len(r.values) > 1 else "") or key
        comment = r.values[2] if len(r.values) > 2 else ""
        mine = [(ikey, c) for (a, ikey), c in table.cells.items() if a == key]
        weight, power_note = _weight(mine, key_of)
        notes = ([comment] if comment else []) + power_note
        parties.append(
            Party(
                pid,
                name,
                "observer",
                weight,
                note=" ".join(notes),
                short=key if key != name and len(key) <= 24 else "",
            )
        )
        if not mine:
            continue
        order = list(table.issues)
        mine_sorted = sorted(mine, key=lambda m: order.index(m[0]))
        stances = [_stance(scales, ikey, c, meta) for ikey, c in mine_sorted]
        lines_ = ", ".join(str(c.row.line) for _, c in mine)
        note = f"Decide file {p.name}, #D rows on line{'s' if len(mine) > 1 else ''} {lines_}."
        statements.append(party_statement(pid, stances, (src.id,), "inferred", meta, note))
    return parties, statements


def _weight(
    mine: list[tuple[str, _Cell]], key_of: dict[str, str]
) -> tuple[float | None, list[str]]:
    """The actor's weight (its power, or the mean when it differs by issue) and a note saying so."""
    powers = [c.power for _, c in mine]
    if not powers:
        return None, []
    if len(set(powers)) == 1:
        return powers[0], []
    weight = math.fsum(powers) / len(powers)
    note = (
        "Decide power differs by issue: "
        + ", ".join(f"{key_of[i]} {number_text(c.power)}" for i, c in mine)
        + f"; weight = their mean, {number_text(weight)}."
    )
    return weight, [note]


def _stance(scales: _Scales, ikey: str, cell: _Cell, meta: Meta) -> Stance:
    """An actor's position on one issue: a scale point, or a number on the interval."""
    iss = scales.issues[ikey]
    pos = cell.position
    if iss.scale == "ordinal":
        value_of = scales.value_of[ikey]
        tol = meta.tolerance or 0.0
        acc: Acceptable = OptionSet(
            frozenset(o for x, o in value_of.items() if abs(x - pos) <= tol)
        )
        note = f"Decide position {number_text(pos)}."
        return Stance(iss.id, value_of[pos], acc, cell.salience, note)
    assert iss.min is not None and iss.max is not None
    return Stance(iss.id, pos, widen(pos, iss.min, iss.max, meta.tolerance), cell.salience)


def _description(
    p: Path, titles: list[str], n_parties: int, issues: list[Issue], meta: Meta
) -> str:
    """The case description: where it comes from and how the file was read."""
    kinds = sorted({i.scale for i in issues})
    return (
        f"Imported from the Decide exchange-model file {p.name}"
        + (f" ('{titles[0]}')" if titles else "")
        + f": {n_parties} actors, {len(issues)} issues ({', '.join(kinds)}). Each position "
        "is the actor's ideal point; salience as given (0–1); weight = Decide power. An issue "
        "is ordinal when every position lies on one of its #M scale points, else an interval "
        "on the #M range (0–100 without #M rows). "
        + tolerance_text(meta, "scale units")
        + " See docs/import.md."
    )
