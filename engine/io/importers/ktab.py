"""KTAB spatial-model CSV files as cases (see :mod:`engine.io.importers` for the mapping)."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from engine.io.importers.common import (
    INTEGER,
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
from engine.io.importers.csvrows import Row, csv_rows, trim
from engine.model.case import Case, Issue, Party, Source, Statement

__all__ = ["read_ktab"]


def read_ktab(
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
    """Read a KTAB spatial-model CSV file as a case.

    Parameters
    ----------
    path : str or path
        The CSV file: a first line ``scenario name, description, number of
        actors, number of dimensions``, a header ``Actor, Description,
        Power, <dim 1> Position, <dim 1> Salience, …`` and one line per
        actor.
    as_of : date or str
        The date the positions are as of (the statements' and the case's date).
    source_url : str
        Where the file was published (http or https).
    title, publisher : str, optional
        The case title (default: the scenario name) and the source's
        publisher (default: the host of ``source_url``).
    source_date : str, optional
        Publication date of the file (``YYYY[-MM[-DD]]``; default: ``as_of``).
    tolerance : float, optional
        Widen every acceptable set to ``ideal ± tolerance`` (clipped to
        0–100). Default: the ideal alone.
    encoding : str
        The file's text encoding (default UTF-8; a byte-order mark is skipped).

    Returns
    -------
    Case
        One interval issue (0–100) per dimension, one party per actor.

    Raises
    ------
    CaseError
        Every problem of the file (``FILE:LINE:COLUMN: column: message``) or
        of the arguments (field ``as_of``, ``source_url`` …).

    Notes
    -----
    ``ideal`` = position; ``acceptable`` = ``[ideal, ideal]`` (or widened by
    ``tolerance``); ``salience`` = KTAB salience / 100; ``weight`` = power.
    See the module docstring for the reasons and what is checked.

    Examples
    --------
    >>> case = read_ktab("tests/data/import/ktab/coalition.csv", as_of="2024-05-01",
    ...                  source_url="https://example.org/coalition", tolerance=10)
    >>> soc = case.party("soc")
    >>> soc.name, soc.short, soc.weight
    ('Social Democrats, left', 'SOC', 35.0)
    >>> case.at()[("soc", "spending")].acceptable   # 90 ± 10, clipped to 100
    Span(lo=80.0, hi=100.0)
    """
    meta = import_meta(as_of, source_url, title, publisher, source_date, tolerance)
    p, data, text, probs = read_text(path, encoding)
    rows = _nonblank_rows(text, probs)
    first = rows[0]
    n_actors, n_dims = _declared_counts(first, probs)
    header = _header(rows, n_dims, probs)
    src = file_source(p, data, "KTAB", "input file", meta, Ids())
    issues = _dimensions(header, n_dims)
    actors = _actors(rows, header, n_actors, n_dims, probs)
    parties, statements = _parties(actors, issues, src, meta, p)
    f1 = first.fields
    scen_name, scen_desc = (f1[0] if f1 else ""), (f1[1] if len(f1) > 1 else "")
    return imported_case(
        slugify(p.stem, "case"),
        meta.title or scen_name or p.stem,
        meta,
        (parties, issues, (src,), statements),
        _description(p, scen_name, scen_desc, len(parties), len(issues), meta),
    )


@dataclass(frozen=True)
class _Header:
    """The header line's fields (trailing empty ones dropped) and a name for every column."""

    fields: tuple[str, ...]
    names: list[str]


@dataclass(frozen=True)
class _Actor:
    """One valid actor line: name, description, power and (position, salience / 100) per dimension."""

    row: Row
    name: str
    desc: str
    power: float
    values: list[tuple[float, float]]


def _nonblank_rows(text: str, probs: FileProblems) -> list[Row]:
    """The file's non-blank lines; none at all is an error."""
    rows = [r for r in csv_rows(text, ",", '"', probs) if not r.blank()]
    probs.raise_if_any()
    if not rows:
        probs.add(
            1,
            1,
            "",
            "the file is empty; a KTAB file starts with: scenario name, description, "
            "number of actors, number of dimensions",
        )
        probs.raise_if_any()
    return rows


def _declared_counts(first: Row, probs: FileProblems) -> tuple[int, int]:
    """The numbers of actors and dimensions the first line declares."""
    f1 = first.fields
    n_actors = n_dims = None
    for i, what in ((2, "number of actors"), (3, "number of dimensions")):
        raw = f1[i] if i < len(f1) else ""
        if not INTEGER.match(raw) or int(raw) < 1:
            probs.add(
                first.line,
                first.col(i),
                what,
                f"expected a whole number >= 1, got {raw!r}; the first line of a KTAB file is: "
                "scenario name, description, number of actors, number of dimensions",
            )
        elif i == 2:
            n_actors = int(raw)
        else:
            n_dims = int(raw)
    if n_dims is None or n_actors is None:
        probs.raise_if_any()
    assert n_dims is not None and n_actors is not None
    return n_actors, n_dims


def _header(rows: list[Row], n_dims: int, probs: FileProblems) -> _Header:
    """The header line, checked to have a position and a salience column per dimension."""
    first = rows[0]
    if len(rows) < 2:
        probs.add(
            first.line + 1,
            1,
            "",
            "missing the header line: Actor, Description, Power, then a position and a "
            "salience column per dimension",
        )
        probs.raise_if_any()
    header = rows[1]
    hf = trim(header.fields)
    width = 3 + 2 * n_dims
    if len(hf) < width:
        probs.add(
            header.line,
            header.col(len(hf)),
            "",
            f"the header has {len(hf)} columns; {n_dims} dimension{'s' if n_dims != 1 else ''} "
            f"need {width}: Actor, Description, Power, then position and salience per dimension",
        )
        probs.raise_if_any()
    names = [hf[i] if i < len(hf) and hf[i] else f"column {i + 1}" for i in range(width)]
    return _Header(hf, names)


def _dimensions(header: _Header, n_dims: int) -> list[Issue]:
    """One interval issue on [0, 100] per dimension, named after its position column."""
    hf = header.fields
    issue_ids = Ids()
    issues: list[Issue] = []
    for d in range(n_dims):
        pos_col, sal_col = hf[3 + 2 * d], hf[4 + 2 * d]
        name = re.sub(r"\s*position\s*$", "", pos_col, flags=re.IGNORECASE).strip() or pos_col
        name = name or f"Dimension {d + 1}"
        issues.append(
            Issue(
                issue_ids.new(name, "issue"),
                name,
                "interval",
                unit="points",
                min=0.0,
                max=100.0,
                description=f"KTAB dimension {d + 1} (columns '{pos_col}' and '{sal_col}'), 0–100.",
            )
        )
    return issues


def _actors(
    rows: list[Row], header: _Header, n_actors: int, n_dims: int, probs: FileProblems
) -> list[_Actor]:
    """The valid actor lines; every problem of every line is recorded, then raised."""
    first, actor_rows = rows[0], rows[2:]
    if len(actor_rows) < n_actors:
        probs.add(
            first.line,
            first.col(2),
            "number of actors",
            f"the first line declares {n_actors} actors but the file has {len(actor_rows)} actor lines",
        )
    for k, extra in enumerate(actor_rows[n_actors:], n_actors + 1):
        probs.add(
            extra.line,
            1,
            "",
            f"the first line declares {n_actors} actors; this is actor line {k} (fix the count "
            "or remove the line)",
        )
    actors: list[_Actor] = []
    seen: dict[str, int] = {}
    for row in actor_rows[:n_actors]:
        actor = _actor(row, header.names, n_dims, seen, probs)
        if actor is not None:
            actors.append(actor)
    probs.raise_if_any()
    return actors


def _actor(
    row: Row, colname: list[str], n_dims: int, seen: dict[str, int], probs: FileProblems
) -> _Actor | None:
    """One actor line, or ``None`` when it has a problem (recorded)."""
    f = row.fields
    width = 3 + 2 * n_dims
    if len(trim(f)) < width:
        probs.add(
            row.line,
            row.col(len(trim(f))),
            "",
            f"this line has {len(trim(f))} values; expected {width}: actor, description, "
            f"power, then position and salience for each of the {n_dims} dimensions",
        )
        return None
    name, desc = f[0], f[1]
    ok = _actor_name(row, colname, seen, probs)
    power = parse_number(f[2])
    if power is None or power < 0:
        probs.add(
            row.line, row.col(2), colname[2], f"expected a number >= 0 (power), got {f[2]!r}"
        )
        ok = False
    values, total, values_ok = _actor_values(row, colname, n_dims, probs)
    ok = ok and values_ok
    if ok and total > 100 + 1e-9:
        probs.add(
            row.line,
            row.col(4),
            colname[4],
            f"the saliences of '{name}' add up to {number_text(total)}; KTAB allows at most 100 "
            "(an actor's attention shared among the dimensions)",
        )
        ok = False
    if not ok:
        return None
    assert power is not None
    return _Actor(row, name, desc, power, values)


def _actor_name(row: Row, colname: list[str], seen: dict[str, int], probs: FileProblems) -> bool:
    """Check the actor's name is given and new (then remember it)."""
    name = row.fields[0]
    if not name:
        probs.add(row.line, row.col(0), colname[0], "the actor has no name")
        return False
    if name in seen:
        probs.add(
            row.line,
            row.col(0),
            colname[0],
            f"actor '{name}' is already on line {seen[name]}; each actor appears once",
        )
        return False
    seen[name] = row.line
    return True


def _actor_values(
    row: Row, colname: list[str], n_dims: int, probs: FileProblems
) -> tuple[list[tuple[float, float]], float, bool]:
    """(position, salience / 100) per dimension, the sum of the saliences, and whether all are valid."""
    f = row.fields
    ok = True
    values: list[tuple[float, float]] = []
    total = 0.0
    for d in range(n_dims):
        pi, si = 3 + 2 * d, 4 + 2 * d
        pos, sal = parse_number(f[pi]), parse_number(f[si])
        if pos is None or not 0 <= pos <= 100:
            probs.add(
                row.line,
                row.col(pi),
                colname[pi],
                f"expected a position from 0 to 100, got {f[pi]!r}",
            )
            ok = False
        if sal is None or not 0 <= sal <= 100:
            probs.add(
                row.line,
                row.col(si),
                colname[si],
                f"expected a salience from 0 to 100, got {f[si]!r}",
            )
            ok = False
        else:
            total += sal
        # salience / 100 computed from the decimal as written (49.53 -> 0.4953 exactly)
        values.append((pos or 0.0, float(Fraction(f[si]) / 100) if sal is not None else 0.0))
    return values, total, ok


def _parties(
    actors: Sequence[_Actor], issues: list[Issue], src: Source, meta: Meta, p: Path
) -> tuple[list[Party], list[Statement]]:
    """A party and a statement per actor.

    The party's name is the description when every actor has a distinct one
    (the key becomes the short name), else the key.
    """
    descs = [a.desc for a in actors]
    use_desc = all(descs) and len(set(descs)) == len(descs)
    parties: list[Party] = []
    statements: list[Statement] = []
    pids = Ids()
    for a in actors:
        pid = pids.new(a.name, "actor")
        if use_desc and a.desc != a.name:
            short = a.name if len(a.name) <= 24 else ""
            party = Party(pid, a.desc, "observer", a.power, short=short)
        else:
            note = a.desc if a.desc != a.name else ""
            party = Party(pid, a.name, "observer", a.power, note=note)
        parties.append(party)
        stances = [
            Stance(issue.id, pos, widen(pos, 0.0, 100.0, meta.tolerance), sal)
            for issue, (pos, sal) in zip(issues, a.values, strict=True)
        ]
        note = f"KTAB file {p.name}, line {a.row.line}."
        statements.append(party_statement(pid, stances, (src.id,), "inferred", meta, note))
    return parties, statements


def _description(
    p: Path, scen_name: str, scen_desc: str, n_parties: int, n_issues: int, meta: Meta
) -> str:
    """The case description: where it comes from and how the file was read."""
    return (
        f"Imported from the KTAB spatial-model file {p.name}"
        + (f" (scenario '{scen_name}': {scen_desc})" if scen_desc else "")
        + f": {n_parties} actors on {n_issues} dimension{'s' if n_issues != 1 else ''}. "
        "Each position is the actor's ideal point on KTAB's 0–100 scale; salience = KTAB "
        "salience / 100; weight = KTAB power. "
        + tolerance_text(meta, "points")
        + " See docs/import.md."
    )
